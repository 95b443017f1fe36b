import pytest

from stip.core.audit import audit_record
from stip.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_audit_entries_are_append_only(personas):
    entry = audit_record(actor=personas.hr.user, action="test.action", obj=personas.employee)
    assert entry.object_type == "people.person"
    assert entry.object_id == str(personas.employee.public_id)
    entry.action = "rewritten"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert AuditEntry.objects.get().action == "test.action"


def test_audit_entries_carry_the_request_id(client, personas):
    client.force_login(personas.hr.user)
    response = client.post(
        f"/people/{personas.peer.public_id}/hr-role/", {"grant": "1"}, HTTP_X_REQUEST_ID="req-42"
    )
    assert response["X-Request-ID"] == "req-42"
    assert AuditEntry.objects.get().request_id == "req-42"
