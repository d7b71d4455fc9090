"""A customer is connected and past the Terms and Conditions: queue the session, start it, or abort it.

Spec part1 §18-§19: private PIN/link/email/SMS sessions of a group with
"Auto-start incoming private sessions" go straight to Active; channel
sessions arriving outside working hours or with nobody available follow the
channel's "No technician available" policy (keep, abort to a web page, notify
by email); waiting channel sessions get their auto-start and auto-transfer
checks planned.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.no_technician import Outcome, decide
from lifeline.domain.routing import auto_transfer_at, can_accept_new_active
from lifeline.domain.session_state import (
    AUTO_START_PRIVATE_METHODS,
    CloseReason,
    EntryMethod,
    SessionKind,
    SessionStatus,
)
from lifeline.domain.settings_catalog import Owner
from lifeline.domain.working_hours import is_open, schedule_from_days
from lifeline.services.sessions.config import console_limits, no_technician_policy, read_settings
from lifeline.services.sessions.presence import active_session_count
from lifeline.services.sessions.records import SYSTEM, SessionActor
from lifeline.services.sessions.routing import (
    any_available,
    any_logged_in,
    channel_candidates,
    group_candidates,
)
from lifeline.services.sessions.schedule import JobKind, schedule_job
from lifeline.services.sessions.transitions import change_status
from lifeline.store.org import User
from lifeline.store.sessions import SupportSession


async def in_working_hours(db: AsyncSession, channel_id: int, now: datetime) -> bool:
    value = (await read_settings(db, Owner.CHANNEL, channel_id, ("working_hours",)))["working_hours"]
    schedule = schedule_from_days(time.fromisoformat(value["start"]), time.fromisoformat(value["end"]),
                                  value["time_zone"], value["days"])
    return is_open(schedule, now)


async def _auto_starts_private(db: AsyncSession, s: SupportSession) -> bool:
    if s.kind != SessionKind.PRIVATE.value or EntryMethod(s.method) not in AUTO_START_PRIVATE_METHODS:
        return False
    if s.technician_id is None:
        return False
    group_on = (await console_limits(db, s.tech_group_id)).autostart_private
    own = (await read_settings(db, Owner.TECHNICIAN, s.technician_id, ("console_autostart_private",)))
    if not (group_on or own["console_autostart_private"]):
        return False
    owner = await db.get(User, s.technician_id)
    limits = await console_limits(db, owner.tech_group_id if owner else None)
    return can_accept_new_active(await active_session_count(db, s.technician_id), limits.max_active_sessions)


async def queue_or_start(db: AsyncSession, bus: Bus, s: SupportSession, *, actor: SessionActor, now: datetime) -> None:
    """Move a Connecting session on; does not commit."""
    if await _auto_starts_private(db, s):
        await change_status(db, bus, s, SessionStatus.ACTIVE, actor=actor, now=now)
        return
    owner_id: int | None
    if s.channel_id is not None:
        owner, owner_id = Owner.CHANNEL, s.channel_id
        candidates = await channel_candidates(db, s.channel_id, now)
        open_now = await in_working_hours(db, s.channel_id, now)
    else:
        owner, owner_id = Owner.TECH_GROUP, s.tech_group_id
        candidates = [c for c in await group_candidates(db, s.tech_group_id, now)
                      if c.user.id == s.technician_id] if s.tech_group_id is not None else []
        open_now = True
    decision = decide(await no_technician_policy(db, owner, owner_id), in_working_hours=open_now,
                      any_technician_available=any_available(candidates, now),
                      any_technician_logged_in=any_logged_in(candidates))
    if decision.outcome is Outcome.ABORT:
        await change_status(db, bus, s, SessionStatus.CLOSED, actor=SYSTEM, now=now,
                            reason=CloseReason.ABORTED_NO_TECHNICIAN, redirect_url=decision.redirect_url)
        return
    await change_status(db, bus, s, SessionStatus.WAITING, actor=actor, now=now)
    if decision.notify_technicians:
        await schedule_job(db, s.id, JobKind.NO_TECH_NOTIFY, now)
    await plan_channel_jobs(db, s, now)


async def plan_channel_jobs(db: AsyncSession, s: SupportSession, now: datetime) -> None:
    """Auto-start at once and auto-transfer after N minutes, when the channel has them on."""
    if s.channel_id is None or s.status != SessionStatus.WAITING.value:
        return
    keys = ("auto_start_enabled", "auto_transfer_enabled", "auto_transfer_after_min", "auto_transfer_target_channel")
    v = await read_settings(db, Owner.CHANNEL, s.channel_id, keys)
    if v["auto_start_enabled"]:
        await schedule_job(db, s.id, JobKind.AUTO_START, now)
    if v["auto_transfer_enabled"] and v["auto_transfer_target_channel"]:
        waiting_since = s.waiting_at or now
        await schedule_job(db, s.id, JobKind.AUTO_TRANSFER, auto_transfer_at(waiting_since, v["auto_transfer_after_min"]))


AUTO_START_RETRY = timedelta(seconds=5)  # how soon a channel auto-start looks again when nobody qualified
