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


def is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_admin)


def is_hr(user) -> bool:
    person = person_of(user)
    return bool(person is not None and person.is_hr)


def is_hr_or_admin(user) -> bool:
    return is_hr(user) or is_admin(user)
