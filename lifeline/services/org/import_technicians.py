"""Bulk import of technicians from a CSV or JSON file (spec part1 §7; parsing: domain/csv_import.py).

Master Administrators only (§7 "MA only"). The file is parsed first; a
file-level problem (wrong headers, over 500 rows, not CSV/JSON) rejects the
whole import with `InvalidInput`. Then every good row is created through the
same `add_technician` as a single creation, each inside its own savepoint: a
row that fails (weak password, email taken, unknown group, no licence left)
rolls back only itself and never leaves a half-created user. The Import
Summary lists every row as succeeded or failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.domain.csv_import import ImportRow, parse_import
from lifeline.errors import InvalidInput, LifelineError, NotFound
from lifeline.services.access import access_tech_group, require
from lifeline.services.audit import AuditActor
from lifeline.services.org.common import commit
from lifeline.services.org.technicians import add_technician
from lifeline.services.org.users import Profile


@dataclass(frozen=True)
class ImportResult:
    """One line of the Import Summary."""

    row_number: int
    email: str
    ok: bool
    error: str | None = None
    user_id: int | None = None


async def _import_row(
    session: AsyncSession, row: ImportRow, *, actor: Actor, audit_actor: AuditActor, now: datetime
) -> ImportResult:
    if row.error is not None or row.tech_group_id is None:
        return ImportResult(row.row_number, row.email, ok=False, error=row.error or "Missing Tech Group ID.")
    try:
        async with session.begin_nested():
            user = await add_technician(
                session,
                group_id=row.tech_group_id,
                profile=Profile.of(row),
                password=row.password,
                standard_license=bool(row.standard_license),
                mobile_license=bool(row.mobile_license),
                provisioned_by="import",
                actor=actor,
                audit_actor=audit_actor,
                now=now,
            )
    except NotFound:
        return ImportResult(
            row.row_number, row.email, ok=False, error=f"Technician Group {row.tech_group_id} does not exist."
        )
    except LifelineError as problem:
        return ImportResult(row.row_number, row.email, ok=False, error=problem.message)
    except IntegrityError:  # a concurrent change took the email between the check and the insert
        return ImportResult(
            row.row_number, row.email, ok=False, error=f"Email {row.email} is already in use."
        )
    return ImportResult(row.row_number, row.email, ok=True, user_id=user.id)


async def do_import_technicians(
    session: AsyncSession,
    bus: Bus | None,
    *,
    data: bytes,
    file_format: str,
    global_group_id: int | None = None,
    actor: Actor,
    audit_actor: AuditActor,
    now: datetime,
) -> list[ImportResult]:
    """Import every good row; return the per-row summary. Good rows are committed even if others fail."""
    require(actor, Action.IMPORT_TECHNICIANS)
    if global_group_id is not None:
        try:
            await access_tech_group(session, actor, global_group_id, Action.MANAGE_TECHNICIANS)
        except NotFound:
            raise InvalidInput(
                f"Technician Group {global_group_id} does not exist.", field="tech_group_id"
            ) from None
    rows = parse_import(data, file_format, global_group_id=global_group_id)
    results = [await _import_row(session, row, actor=actor, audit_actor=audit_actor, now=now) for row in rows]
    created = [r.user_id for r in results if r.ok]
    await commit(session, bus, {"op": "import", "entity": "technician", "ids": created})
    return results
