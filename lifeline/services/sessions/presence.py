"""Technician presence: chosen status, automatic Busy / Away, auto-logout (spec part1 §21-§22).

The row in `technician_presence` keeps what the technician chose, when they
logged in and when they last acted, so a restart keeps everyone's state. The
*effective* status is always recomputed from those facts with
`domain.routing.presence_status`; `sweep_presence` stores and announces it when
time alone changes it (Away after X idle minutes, auto-logout).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.routing import (
    TechnicianLoad,
    TechnicianStatus,
    parse_technician_status,
    presence_status,
    should_auto_logout,
)
from lifeline.domain.session_state import RUNNING_STATUSES
from lifeline.services.events import publish_on_commit
from lifeline.services.sessions.config import console_limits
from lifeline.services.sessions.records import iso, technician_subject
from lifeline.store.org import User
from lifeline.store.sessions import SupportSession, TechnicianPresence
from lifeline.store.upsert import insert_if_missing

#: Console requests touch `last_activity_at` at most this often: enough for minute-based Away.
ACTIVITY_TOUCH_INTERVAL = timedelta(seconds=15)
RUNNING_VALUES = tuple(s.value for s in RUNNING_STATUSES)


async def active_session_count(db: AsyncSession, technician_id: int) -> int:
    count = await db.scalar(
        select(func.count()).select_from(SupportSession).where(
            SupportSession.technician_id == technician_id, SupportSession.status.in_(RUNNING_VALUES)
        )
    )
    return int(count or 0)


async def presence_row(db: AsyncSession, technician_id: int, now: datetime) -> TechnicianPresence:
    """The technician's row, created on first use.

    A console's first requests (its websocket and its state fetch) arrive together and
    both find no row; the insert skips a conflicting row instead of failing the loser
    with an IntegrityError (which closed its websocket), and both then read the same row.
    """
    row = await db.get(TechnicianPresence, technician_id)
    if row is not None:
        return row
    await insert_if_missing(db, TechnicianPresence, "technician_id", {
        "technician_id": technician_id, "chosen_status": TechnicianStatus.AVAILABLE.value,
        "status": TechnicianStatus.OFFLINE.value, "last_activity_at": now, "idle_since": now, "updated_at": now})
    created = await db.get(TechnicianPresence, technician_id)
    assert created is not None  # inserted above, or by the concurrent request that won
    return created


async def effective_status(db: AsyncSession, user: User, row: TechnicianPresence | None, now: datetime) -> TechnicianStatus:
    if row is None or row.status == TechnicianStatus.OFFLINE.value or row.logged_in_at is None:
        return TechnicianStatus.OFFLINE
    limits = await console_limits(db, user.tech_group_id)
    return presence_status(
        await active_session_count(db, user.id), limits.busy_threshold, row.last_activity_at, now,
        limits.away_after_min, parse_technician_status(row.chosen_status),
    )


def presence_event(row: TechnicianPresence, now: datetime) -> dict[str, object]:
    return {"id": None, "type": "presence", "op": "update", "technician_id": row.technician_id,
            "status": row.status, "chosen_status": row.chosen_status, "at": iso(now)}


def _announce(db: AsyncSession, bus: Bus, row: TechnicianPresence, now: datetime) -> None:
    publish_on_commit(db, bus, technician_subject(row.technician_id),
                      {"route": {"technician_id": row.technician_id}, "event": presence_event(row, now)})


async def do_set_presence(db: AsyncSession, bus: Bus, user: User, status: str, *, now: datetime) -> TechnicianPresence:
    """The status menu of the console: available / busy / away, or offline to log out."""
    chosen = parse_technician_status(status)
    row = await presence_row(db, user.id, now)
    if chosen is TechnicianStatus.OFFLINE:
        row.status = TechnicianStatus.OFFLINE.value
        row.logged_in_at = None
    else:
        if row.logged_in_at is None or row.status == TechnicianStatus.OFFLINE.value:
            row.logged_in_at = now
            row.idle_since = now
            row.status = chosen.value
        row.chosen_status = chosen.value
        row.last_activity_at = now
        row.status = (await effective_status(db, user, row, now)).value
    row.updated_at = now
    _announce(db, bus, row, now)
    await db.commit()
    return row


async def touch_activity(db: AsyncSession, bus: Bus, user: User, *, now: datetime) -> None:
    """A console action: logs the technician in if needed and resets the Away clock (throttled)."""
    row = await db.get(TechnicianPresence, user.id)
    if row is not None and row.logged_in_at is not None and now - row.last_activity_at < ACTIVITY_TOUCH_INTERVAL:
        return
    row = row or await presence_row(db, user.id, now)
    announced = row.status  # what the other consoles were last told
    if row.logged_in_at is None or row.status == TechnicianStatus.OFFLINE.value:
        row.logged_in_at = now
        row.idle_since = now
        row.status = row.chosen_status  # back from (auto-)logout: not offline, or the status below stays so
    row.last_activity_at = now
    row.status = (await effective_status(db, user, row, now)).value
    if row.status != announced:  # includes Offline → online, so transfer dialogs elsewhere stay right
        _announce(db, bus, row, now)
    row.updated_at = now
    await db.commit()


async def sweep_presence(db: AsyncSession, bus: Bus, now: datetime) -> int:
    """Store and announce status changes that time alone caused; log out idle technicians."""
    rows = (await db.scalars(
        select(TechnicianPresence).where(TechnicianPresence.status != TechnicianStatus.OFFLINE.value)
    )).all()
    changed = 0
    for row in rows:
        user = await db.get(User, row.technician_id)
        if user is None:
            continue
        limits = await console_limits(db, user.tech_group_id)
        if should_auto_logout(row.last_activity_at, now, limits.auto_logout_min, activity_in_progress=False):
            new_status = TechnicianStatus.OFFLINE.value
            row.logged_in_at = None
        else:
            new_status = (await effective_status(db, user, row, now)).value
        if new_status != row.status:
            row.status = new_status
            row.updated_at = now
            _announce(db, bus, row, now)
            changed += 1
    await db.commit()
    return changed


async def technician_load(db: AsyncSession, user: User, channel_id: int | None, excluded: bool,
                          now: datetime) -> TechnicianLoad:
    """The routing snapshot `domain.routing` decides on."""
    row = await db.get(TechnicianPresence, user.id)
    limits = await console_limits(db, user.tech_group_id)
    return TechnicianLoad(
        technician_id=user.id,
        status=await effective_status(db, user, row, now),
        active_sessions=await active_session_count(db, user.id),
        max_sessions=limits.max_active_sessions,
        idle_since=row.idle_since if row else now,
        logged_in_at=row.logged_in_at if row and row.logged_in_at else now,
        never_auto_start=user.never_auto_start,
        defer_auto_start_min=limits.defer_autostart_min,
        excluded_from_channel=excluded,
    )
