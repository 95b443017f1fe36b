"""Every change to people and teams. Views, the API, commands and tasks call these."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from stip.core.audit import audit_record
from stip.people import policies
from stip.people.models import Person


@transaction.atomic
def person_set_hr(*, person: Person, is_hr: bool, actor) -> Person:
    """Grant or revoke the HR role."""
    if not policies.can_change_hr_role(actor, person):
        raise PermissionDenied
    locked = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if locked.is_hr == is_hr:
        return locked
    locked.is_hr = is_hr
    locked.save(update_fields=["is_hr", "updated_at"])
    audit_record(
        actor=actor,
        action="people.hr_role_granted" if is_hr else "people.hr_role_revoked",
        obj=locked,
        before={"is_hr": not is_hr},
        after={"is_hr": is_hr},
    )
    return locked
