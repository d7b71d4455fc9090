"""GET /api/admin/audit: the audit log with the Audit report's columns and filters (part2 §12)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query

from lifeline.services.org.audit_log import PAGE_MAX, AuditFilter, list_audit
from lifeline.web.admin_api.common import AuditTab, Out
from lifeline.web.deps import DbDep


class AuditEntryOut(Out):
    id: int
    at: datetime
    requested_by: str
    actor_id: int | None
    entity_type: str
    entity_id: int | None
    entity_name: str
    change_type: str
    section: str
    field: str
    old_value: Any
    new_value: Any
    ip: str
    detail: str


class AuditPageOut(Out):
    total: int
    entries: list[AuditEntryOut]


async def read_audit(
    signed: AuditTab,
    db: DbDep,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[int | None, Query(ge=0)] = None,
    change_type: Annotated[str | None, Query(max_length=16)] = None,
    actor_id: Annotated[int | None, Query(ge=0)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPageOut:
    filters = AuditFilter(
        entity_type=entity_type,
        entity_id=entity_id,
        change_type=change_type,
        actor_id=actor_id,
        since=since,
        until=until,
    )
    total, rows = await list_audit(db, signed.actor, filters, limit=limit, offset=offset)
    return AuditPageOut(
        total=total,
        entries=[
            AuditEntryOut(
                id=r.id,
                at=r.at,
                requested_by=r.actor_name,
                actor_id=r.actor_id,
                entity_type=r.entity_type,
                entity_id=r.entity_id,
                entity_name=r.entity_name,
                change_type=r.change_type,
                section=r.section,
                field=r.field,
                old_value=r.old_value,
                new_value=r.new_value,
                ip=r.ip,
                detail=r.detail,
            )
            for r in rows
        ],
    )
