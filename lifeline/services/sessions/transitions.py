"""The one place a session's status changes: state machine, timestamps, history, plans, webhooks.

`change_status` is called inside every `do_*` that moves a session; it never
commits. Timestamps follow spec part1 §29 (created, connecting, waiting,
picked up, first chat, closed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.post_to_url import triggers_for_transition
from lifeline.domain.session_state import (
    TERMINAL_STATUSES,
    CloseReason,
    SessionStatus,
    check_close,
    check_transition,
)
from lifeline.services.sessions import post_to_url
from lifeline.services.sessions.queue_positions import QueueAddress, announce_positions
from lifeline.services.sessions.records import Audience, SessionActor, record_event
from lifeline.services.sessions.schedule import JobKind, cancel_jobs, plan_deadline
from lifeline.store.sessions import SessionEvent, SupportSession


def apply_status(s: SupportSession, new: SessionStatus, now: datetime, reason: CloseReason | None = None) -> None:
    """Validate and write the new status and its timestamp; raises `IllegalTransition`."""
    old = SessionStatus(s.status)
    if reason is not None:
        new = check_close(old, reason)
    else:
        check_transition(old, new)
    s.status = new.value
    s.status_changed_at = now
    s.last_activity_at = now
    if new is SessionStatus.CONNECTING and s.connecting_at is None:
        s.connecting_at = now
    if new is SessionStatus.WAITING:
        s.waiting_at = now
    if new is SessionStatus.ACTIVE and old is not SessionStatus.ON_HOLD:
        s.picked_up_at = now
        s.first_picked_up_at = s.first_picked_up_at or now
    if new in TERMINAL_STATUSES:
        s.close_reason = reason.value if reason else None
        s.closed_at = now
        s.live_pin = None
        s.link_token_hash = None


async def after_status(
    db: AsyncSession, s: SupportSession, old: SessionStatus, *, first_activation: bool, to_technician: bool,
    now: datetime,
) -> None:
    """Re-plan time-outs and queue the Post-to-URL deliveries this change fires."""
    new = SessionStatus(s.status)
    await plan_deadline(db, s)
    if new is not SessionStatus.WAITING:
        await cancel_jobs(db, s.id, JobKind.AUTO_START, JobKind.AUTO_TRANSFER)
    fired = triggers_for_transition(old, new, first_activation=first_activation, to_technician=to_technician)
    await post_to_url.enqueue(db, s, fired, now)


async def change_status(
    db: AsyncSession,
    bus: Bus,
    s: SupportSession,
    new: SessionStatus,
    *,
    actor: SessionActor,
    now: datetime,
    reason: CloseReason | None = None,
    redirect_url: str | None = None,
) -> SessionEvent:
    old = SessionStatus(s.status)
    first_activation = new is SessionStatus.ACTIVE and s.first_picked_up_at is None
    waited_since = s.waiting_at
    apply_status(s, new, now, reason)
    data: dict[str, Any] = {"old_status": old.value, "status": s.status,
                            "close_reason": s.close_reason, "redirect_url": redirect_url}
    row = await record_event(db, bus, s, type="session", op="status", audience=Audience.QUEUE, actor=actor,
                             now=now, data=data, with_summary=True)
    await after_status(db, s, old, first_activation=first_activation, to_technician=False, now=now)
    if old is SessionStatus.WAITING and new is not SessionStatus.WAITING:
        await announce_positions(db, bus, s, QueueAddress(s.technician_id, s.channel_id, s.tech_group_id),
                                 waited_since)
    return row
