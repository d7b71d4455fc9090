"""Writing a session's history: one `session_events` row per fact, published after commit.

Every `do_*` in this package ends with `record_event` (the history row, the
typed event, the bus message) and `commit` (which turns a lost race on the
session's version counter into `Conflict`). See docs/sessions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lifeline.bus import Bus
from lifeline.errors import Conflict
from lifeline.protocol.session_events import STORED_EVENT_MODELS
from lifeline.services.events import publish_on_commit
from lifeline.store.core_select import detached
from lifeline.store.driver_insert import execute_insert
from lifeline.store.sessions import SessionEvent, SessionParticipant, SupportSession

#: Built once (a statement keeps its cache key): every history row is this INSERT of all its columns.
_INSERT_EVENT = insert(cast(Table, SessionEvent.__table__))

STALE_MESSAGE = "The session changed while you were acting on it; reload it and try again."


class Audience:
    """Who may see an event (docs/sessions.md, "Who sees what")."""

    QUEUE = "queue"  # everyone who sees the session's queue, and the customer
    PARTICIPANTS = "participants"  # technicians in the session, and the customer
    TECHNICIANS = "technicians"  # technicians in the session only


def session_subject(lsid: str) -> str:
    return f"session.{lsid}"


def technician_subject(technician_id: int) -> str:
    return f"technician.{technician_id}"


@dataclass(frozen=True)
class SessionActor:
    """Who did it: a technician, the customer, an administrator, an external technician or the system."""

    kind: str
    id: int | None
    name: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name}


SYSTEM = SessionActor("system", None, "System")


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def summary(s: SupportSession) -> dict[str, Any]:
    """The `SessionSummary` of protocol/session_events.py."""
    return {
        "id": s.id, "lsid": s.lsid, "kind": s.kind, "method": s.method, "client_kind": s.client_kind,
        "status": s.status, "close_reason": s.close_reason, "technician_id": s.technician_id,
        "previous_technician_id": s.previous_technician_id, "tech_group_id": s.tech_group_id,
        "channel_id": s.channel_id, "customer_name": s.customer_name,
        "custom_fields": dict(s.custom_fields or {}), "tracking_id": s.tracking_id, "platform": s.platform,
        "chat_enabled": s.chat_enabled, "pin_code": s.live_pin, "code_expires_at": iso(s.code_expires_at),
        "created_at": iso(s.created_at), "connecting_at": iso(s.connecting_at), "waiting_at": iso(s.waiting_at),
        "picked_up_at": iso(s.picked_up_at), "first_chat_at": iso(s.first_chat_at),
        "closed_at": iso(s.closed_at), "status_changed_at": iso(s.status_changed_at),
    }


async def participant_user_ids(db: AsyncSession, session_id: int) -> list[int]:
    rows = await db.scalars(
        select(SessionParticipant.user_id).where(
            SessionParticipant.session_id == session_id, SessionParticipant.user_id.is_not(None),
            SessionParticipant.left_at.is_(None),
        )
    )
    return [uid for uid in rows if uid is not None]


def source_queue(type: str, op: str, data: dict[str, Any]) -> tuple[int | None, int | None]:
    """(group, channel) a transfer left: its event also goes to that queue's audience (spec part1 §18).

    The row's routing columns describe the session after the move, so without this the
    technicians of the old queue would never learn that the session left it.
    """
    if (type, op) != ("session", "transferred"):
        return None, None
    return data.get("from_tech_group_id"), data.get("from_channel_id")


def route_of(row: SessionEvent, participants: list[int]) -> dict[str, Any]:
    """What the live hub filters on; never sent to clients."""
    from_group, from_channel = source_queue(row.type, row.op, row.data)
    return {
        "session_id": row.session_id, "audience": row.audience, "technician_id": row.technician_id,
        "previous_technician_id": row.previous_technician_id, "tech_group_id": row.tech_group_id,
        "channel_id": row.channel_id, "participants": participants,
        "from_tech_group_id": from_group, "from_channel_id": from_channel,
    }


def wire_event(row: SessionEvent, lsid: str) -> dict[str, Any]:
    """The client-facing event of a stored row (also used to replay history on resume)."""
    return {
        "id": row.id, "type": row.type, "op": row.op, "at": iso(row.at), "session_id": row.session_id,
        "lsid": lsid, "actor": {"kind": row.actor_kind, "id": row.actor_id, "name": row.actor_name},
        **row.data,
    }


async def record_event(
    db: AsyncSession,
    bus: Bus,
    s: SupportSession,
    *,
    type: str,
    op: str,
    audience: str,
    actor: SessionActor,
    now: datetime,
    data: dict[str, Any] | None = None,
    with_summary: bool = False,
    participants: list[int] | None = None,
) -> SessionEvent:
    """Append one history row (a Core INSERT: `insert_object`) and queue its event to publish after commit.

    `participants` is the session's current participant ids when the caller knows them (a session
    created in this transaction has none), which saves reading them.
    """
    known = await participant_user_ids(db, s.id) if participants is None else participants
    return await db.run_sync(record_event_sync, bus, s, type=type, op=op, audience=audience, actor=actor, now=now,
                             participants=known, data=data, with_summary=with_summary)


def record_event_sync(
    db: Session,
    bus: Bus,
    s: SupportSession,
    *,
    type: str,
    op: str,
    audience: str,
    actor: SessionActor,
    now: datetime,
    participants: list[int],
    data: dict[str, Any] | None = None,
    with_summary: bool = False,
) -> SessionEvent:
    """`record_event` inside a synchronous unit of work (`store/units.py`), the participants known."""
    body = dict(data or {})
    if with_summary:
        body["session"] = summary(s)
    values = {
        "session_id": s.id, "at": now, "type": type, "op": op, "audience": audience, "actor_kind": actor.kind,
        "actor_id": actor.id, "actor_name": actor.name[:128], "technician_id": s.technician_id,
        "previous_technician_id": s.previous_technician_id, "tech_group_id": s.tech_group_id,
        "channel_id": s.channel_id, "data": body,
    }
    # A history row is never changed once written: one Core INSERT of every column, and the row handed
    # back detached (no ORM object built attribute by attribute and attached to the session for nothing).
    db.flush()  # pending objects first (the session row this one refers to), as a flush would order them
    with translate_conflicts():
        outcome = execute_insert(db.connection(), _INSERT_EVENT, values)
    row = detached(SessionEvent, {**values, "id": outcome.new_id})
    event = wire_event(row, s.lsid)
    STORED_EVENT_MODELS[(type, op)].model_validate(event)  # a malformed event is a bug: fail before commit
    route = route_of(row, participants)
    publish_on_commit(db, bus, session_subject(s.lsid), {"route": route, "event": event})
    return row


@contextmanager
def translate_conflicts() -> Iterator[None]:
    """A concurrent change of the same session (version counter) or a unique clash → `Conflict`."""
    try:
        yield
    except StaleDataError as exc:
        raise Conflict(STALE_MESSAGE) from exc
    except IntegrityError as exc:
        raise Conflict("That clashes with a change made at the same time; try again.") from exc


async def commit(db: AsyncSession) -> None:
    try:
        with translate_conflicts():
            await db.commit()
    except Conflict:
        await db.rollback()
        raise
