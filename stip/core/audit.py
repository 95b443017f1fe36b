"""The audit log: services call `audit_record` for every change to, or export of, an HR record."""

from collections.abc import Iterable
from typing import Any

from stip.core.middleware import current_request_id
from stip.core.models import AuditEntry


def _object_fields(obj: Any) -> tuple[str, str, str]:
    object_type = obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__
    object_id = str(getattr(obj, "public_id", None) or getattr(obj, "pk", "") or "")
    return object_type, object_id, str(obj)[:200]


def audit_record(
    *,
    actor,
    action: str,
    obj: Any,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    object_type, object_id, object_repr = _object_fields(obj)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def audit_record_many(
    *, actor, action: str, changes: Iterable[tuple[Any, dict | None, dict | None]]
) -> int:
    """Record one entry per (object, before, after) with a single bulk insert."""
    request_id = current_request_id()
    actor = actor if actor is not None and actor.is_authenticated else None
    entries = []
    for obj, before, after in changes:
        object_type, object_id, object_repr = _object_fields(obj)
        entries.append(
            AuditEntry(
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                object_repr=object_repr,
                before=before,
                after=after,
                request_id=request_id,
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
