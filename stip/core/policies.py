"""Role predicates shared by every app's policies.

A role is a fact about the signed-in user; each app composes these into its own
`can_<verb>_<thing>(user, obj)` predicates and `visible_to(user)` querysets.
"""

from django.core.exceptions import ObjectDoesNotExist


def person_of(user):
    """The signed-in user's Person, or None (an administrator need not be an employee)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person
    except ObjectDoesNotExist:
        return None


def built_once(user, name: str, key, build):
    """A queryset of what `user` may see, built by `build()` once for the user object (a
    request's) and copied on every later call while `key`, what the rule reads of the user,
    is unchanged. A copy costs a twentieth of building a rule with joins and subqueries
    (docs/performance.md, finding 7); a page that asks for such a queryset three to five
    times builds it once."""
    built = user.__dict__.setdefault("_built_querysets", {})
    if name not in built or built[name][0] != key:
        built[name] = (key, build())
    return built[name][1].all()


def is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_admin)


def is_hr(user) -> bool:
    person = person_of(user)
    return bool(person is not None and person.is_hr)


def is_hr_or_admin(user) -> bool:
    return is_hr(user) or is_admin(user)
