"""Chat, typing, notes and inline edits of a session's fields (spec part1 §6, part2 §5).

Chat lines and notes are history rows (they feed reports and Post-to-URL);
typing indicators are ephemeral and published without a row. Customer lines
pass a per-session flood guard first (`chat_flood.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.permissions import is_allowed
from lifeline.domain.session_state import TERMINAL_STATUSES, SessionStatus
from lifeline.domain.surveys import validate_session_fields
from lifeline.errors import Conflict, InvalidInput, PermissionDenied
from lifeline.services.events import publish_rollback_unsafe
from lifeline.services.sessions.chat_flood import CUSTOMER_CHAT
from lifeline.services.sessions.config import load_permissions
from lifeline.services.sessions.records import Audience, SessionActor, commit, record_event, session_subject
from lifeline.store.org import User
from lifeline.store.sessions import SupportSession

CHAT_MAX_CHARS = 4000  # one chat line; longer text belongs in a file transfer
NOTES_MAX_CHARS = 1024  # report limit for notes (part2 §17)


def _require_open(s: SupportSession) -> None:
    if SessionStatus(s.status) in TERMINAL_STATUSES:
        raise Conflict("This session has ended.")


def _text(text: str, limit: int, field: str) -> str:
    value = text.strip()
    if not value:
        raise InvalidInput("Type something first.", field=field)
    if len(value) > limit:
        raise InvalidInput(f"At most {limit} characters.", field=field)
    return value


async def do_send_chat(db: AsyncSession, bus: Bus, s: SupportSession, *, text: str, actor: SessionActor,
                       technician: User | None, technicians_only: bool = False, now: datetime,
                       api_account: str | None = None) -> int:
    """A chat line from a technician, an external technician or the customer; returns the event id.

    `api_account` names the integration that sent the line through the Command API (kept for reports).
    """
    _require_open(s)
    value = _text(text, CHAT_MAX_CHARS, "text")
    if technician is not None:
        grants = await load_permissions(db, technician.tech_group_id)
        if not s.chat_enabled and not technicians_only:
            raise PermissionDenied("Chat is turned off in this session.")
        if not is_allowed(grants, "chat") and not is_allowed(grants, "chat_toggle") and not technicians_only:
            raise PermissionDenied("You do not have the Chat permission.")
        s.last_technician_action_at = now
    elif not s.chat_enabled:
        raise PermissionDenied("Chat is turned off in this session.")
    elif actor.kind == "customer":
        CUSTOMER_CHAT.check(s.id, now)
    first_line = s.first_chat_at is None and not technicians_only
    if first_line:
        s.first_chat_at = now
    s.last_activity_at = now
    # The first line sets the queue row's first_chat_at, so it carries the summary like a status change.
    row = await record_event(db, bus, s, type="chat", op="message", now=now, actor=actor,
                             audience=Audience.TECHNICIANS if technicians_only else Audience.PARTICIPANTS,
                             data={"author": actor.kind if actor.kind != "admin" else "technician", "text": value,
                                   "technicians_only": technicians_only,
                                   **({"api_account": api_account} if api_account is not None else {})},
                             with_summary=first_line)
    await commit(db)
    return row.id


async def do_typing(bus: Bus, s: SupportSession, *, actor: SessionActor, typing: bool) -> None:
    """Not stored: a typing indicator is worthless a second later."""
    event = {"id": None, "type": "typing", "op": "start" if typing else "stop", "session_id": s.id,
             "lsid": s.lsid, "actor": actor.as_dict()}
    route = {"session_id": s.id, "audience": Audience.PARTICIPANTS, "technician_id": s.technician_id,
             "previous_technician_id": None, "tech_group_id": None, "channel_id": None, "participants": []}
    await publish_rollback_unsafe(bus, session_subject(s.lsid), {"route": route, "event": event})


async def do_add_note(db: AsyncSession, bus: Bus, s: SupportSession, user: User, *, text: str,
                      now: datetime) -> None:
    value = _text(text, NOTES_MAX_CHARS, "text")
    s.notes = (f"{s.notes}\n{value}" if s.notes else value)[-NOTES_MAX_CHARS:]
    s.last_technician_action_at = now
    await record_event(db, bus, s, type="note", op="add", audience=Audience.TECHNICIANS,
                       actor=SessionActor("technician", user.id, user.name), now=now, data={"text": value})
    await commit(db)


async def do_edit_fields(db: AsyncSession, bus: Bus, s: SupportSession, *, actor: SessionActor,
                         technician: User | None, name: str | None, fields: dict[int, str],
                         tracking_id: str | None, now: datetime) -> None:
    """Inline editing of the queue: needs the Inline editing of Queue permission (part2 §5)."""
    _require_open(s)
    if technician is not None:
        grants = await load_permissions(db, technician.tech_group_id)
        if not is_allowed(grants, "inline_editing"):
            raise PermissionDenied("You do not have the Inline editing of Queue permission.")
        s.last_technician_action_at = now
    merged: dict[int, str | None] = {int(k): v for k, v in (s.custom_fields or {}).items()}
    merged.update(fields)
    merged[0] = s.customer_name if name is None else name
    values, tracking = validate_session_fields(merged, tracking=s.tracking_id if tracking_id is None else tracking_id)
    s.customer_name = values.pop(0, "")
    s.custom_fields = {str(k): v for k, v in values.items()}
    s.tracking_id = tracking or ""
    await record_event(db, bus, s, type="session", op="fields", audience=Audience.QUEUE, actor=actor, now=now,
                       data={"customer_name": s.customer_name, "custom_fields": dict(s.custom_fields),
                             "tracking_id": s.tracking_id}, with_summary=True)
    await commit(db)
