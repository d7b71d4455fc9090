"""Listing the audit log with the Audit report's filters (part2 §12).

Master Administrators only (domain: `VIEW_AUDIT_LOG`). Newest first; paged
by `limit`/`offset` so a large log never loads at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Action, Actor
from lifeline.errors import InvalidInput
from lifeline.services.access import require
from lifeline.store.audit import AuditEntry

PAGE_MAX = 500


@dataclass(frozen=True)
class AuditFilter:
    entity_type: str | None = None
    entity_id: int | None = None
    change_type: str | None = None
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _where(query: Select[Any], f: AuditFilter) -> Select[Any]:
    if f.entity_type:
        query = query.where(AuditEntry.entity_type == f.entity_type)
    if f.entity_id is not None:
        query = query.where(AuditEntry.entity_id == f.entity_id)
    if f.change_type:
        query = query.where(AuditEntry.change_type == f.change_type)
    if f.actor_id is not None:
        query = query.where(AuditEntry.actor_id == f.actor_id)
    if f.since is not None:
        query = query.where(AuditEntry.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEntry.at < f.until)
    return query


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


async def list_audit(
    session: AsyncSession, actor: Actor, filters: AuditFilter, *, limit: int = 100, offset: int = 0
) -> tuple[int, list[AuditEntry]]:
    """(total matching rows, one page of rows newest first)."""
    require(actor, Action.VIEW_AUDIT_LOG)
    # A time without a zone in a filter means UTC, the zone every stored time is in.
    filters = replace(filters, since=_aware(filters.since), until=_aware(filters.until))
    if not 1 <= limit <= PAGE_MAX or offset < 0:
        raise InvalidInput(f"limit must be 1-{PAGE_MAX} and offset at least 0.", field="limit")
    if filters.since and filters.until and filters.since >= filters.until:
        raise InvalidInput("'since' must be before 'until'.", field="since")
    total = await session.scalar(_where(select(func.count()).select_from(AuditEntry), filters))
    rows = await session.scalars(
        _where(select(AuditEntry), filters)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(rows)
