"""Who may see and change what about people and teams. Pages and API share these."""

from stip.core.policies import is_hr, is_hr_or_admin, person_of


def people_visible_to(queryset, user):
    """Everyone signed in sees the people who work here; HR and administrators also see
    those who have left, who stay in the history."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if is_hr_or_admin(user):
        return queryset
    return queryset.current()


def can_view_person(user, person) -> bool:
    """The one-object form of `people_visible_to`."""
    if user is None or not user.is_authenticated:
        return False
    if is_hr_or_admin(user):
        return True
    return person.is_current


def can_view_employment_dates(user, person) -> bool:
    """The end date of a contract is for the person, their management chain and HR."""
    viewer = person_of(user)
    if is_hr_or_admin(user):
        return True
    return viewer is not None and (viewer.pk == person.pk or person.is_under(viewer))


def can_change_hr_role(user, person) -> bool:
    """HR and administrators grant and revoke the HR role; nobody revokes their own, so an
    organisation cannot lock itself out by accident."""
    viewer = person_of(user)
    if viewer is not None and viewer.pk == person.pk:
        return False
    return is_hr_or_admin(user) and not person.has_left


def can_import_people(user) -> bool:
    return is_hr_or_admin(user)


def can_view_import(user, job) -> bool:
    return is_hr_or_admin(user)


def teams_visible_to(queryset, user):
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset


__all__ = [
    "can_change_hr_role",
    "can_import_people",
    "can_view_employment_dates",
    "can_view_import",
    "can_view_person",
    "is_hr",
    "people_visible_to",
    "teams_visible_to",
]
