"""Writing audit rows: every administrator change goes through `record_audit`.

Rows are added to the caller's transaction, so an action and its audit row
commit (or roll back) together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.store.audit import AuditEntry


@dataclass(frozen=True)
class AuditActor:
    """Who acted: a signed-in user, an API account or the system itself."""

    user_id: int | None
    name: str
    ip: str = ""


SYSTEM_ACTOR = AuditActor(user_id=None, name="System")


def record_audit(
    session: AsyncSession,
    actor: AuditActor,
    *,
    entity_type: str,
    entity_id: int | None,
    entity_name: str,
    change_type: str,
    section: str = "",
    field: str = "",
    old: Any = None,
    new: Any = None,
    detail: str = "",
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor.user_id,
            actor_name=actor.name,
            entity_type=entity_type,
            entity_id=entity_id,
            entity_name=entity_name[:256],
            change_type=change_type,
            section=section,
            field=field,
            old_value=old,
            new_value=new,
            ip=actor.ip,
            detail=detail,
        )
    )


def record_changes(
    session: AsyncSession,
    actor: AuditActor,
    *,
    entity_type: str,
    entity_id: int,
    entity_name: str,
    section: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """One `Change` row per field whose value differs (the Audit report's granularity)."""
    for field, new in after.items():
        old = before.get(field)
        if old != new:
            record_audit(
                session, actor, entity_type=entity_type, entity_id=entity_id, entity_name=entity_name,
                change_type="Change", section=section, field=field, old=old, new=new,
            )
