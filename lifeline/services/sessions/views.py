"""Read-only views: the console's and the customer's initial state, session detail, and event replay.

Zulip's register contract (STYLE.md practice 9): a client fetches a state
together with `last_event_id`, then applies every event with a larger id.
Replays read `session_events` with the same visibility rules the live hub
applies (`technician_sees` / `customer_sees`), so a resumed client gets
exactly what it would have received live.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from lifeline.domain.permissions import hidden_console_features
from lifeline.domain.settings_catalog import Owner
from lifeline.services.sessions.config import load_permissions, read_settings
from lifeline.services.sessions.presence import effective_status
from lifeline.services.sessions.queue import TechnicianScope, list_queue, technician_scope, waiting_info
from lifeline.services.sessions.records import Audience, summary, wire_event
from lifeline.services.sessions.surveys import describe, survey_for
from lifeline.store.org import User
from lifeline.store.sessions import SessionEvent, SessionParticipant, SupportSession, TechnicianPresence

REPLAY_LIMIT = 1000  # more missed events than this: the client re-registers instead (a fresh state is cheaper)
CUSTOMER_HIDDEN_KEYS = ("session", "comment", "api_account")  # internal data a customer page never receives
# An external technician (part2 §10) follows the chat (technicians-only lines included: they work
# as a technician) and the session's status and participants; never notes, nor a transfer's comment.
EXTERNAL_EVENT_TYPES = ("chat", "session", "participant")
EXTERNAL_HIDDEN_KEYS = ("comment", "api_account")


async def newest_event_id(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.max(SessionEvent.id))) or 0)


def technician_sees(scope: TechnicianScope, route: dict[str, Any]) -> bool:
    """Live filter; mirrors `_technician_clause`."""
    mine = (route.get("technician_id") == scope.technician_id
            or route.get("previous_technician_id") == scope.technician_id
            or scope.technician_id in route.get("participants", []))
    if mine:
        return True
    in_queue = (_queue_is_mine(scope, route.get("tech_group_id"), route.get("channel_id"))
                or _queue_is_mine(scope, route.get("from_tech_group_id"), route.get("from_channel_id")))
    return route.get("audience") == Audience.QUEUE and in_queue


def _queue_is_mine(scope: TechnicianScope, tech_group_id: int | None, channel_id: int | None) -> bool:
    return (tech_group_id is not None and tech_group_id == scope.tech_group_id) or channel_id in scope.channel_ids


def customer_sees(session_id: int, route: dict[str, Any]) -> bool:
    return route.get("session_id") == session_id and route.get("audience") != Audience.TECHNICIANS


def customer_view(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in CUSTOMER_HIDDEN_KEYS}


def external_sees(session_id: int, route: dict[str, Any], event: dict[str, Any]) -> bool:
    """Live filter of /ws/external; mirrors `_external_clause`."""
    return route.get("session_id") == session_id and event.get("type") in EXTERNAL_EVENT_TYPES


def external_view(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in EXTERNAL_HIDDEN_KEYS}


def _external_clause(s: SupportSession) -> ColumnElement[bool]:
    return and_(SessionEvent.session_id == s.id, SessionEvent.type.in_(EXTERNAL_EVENT_TYPES))


def _technician_clause(scope: TechnicianScope) -> ColumnElement[bool]:
    participating = select(SessionParticipant.session_id).where(SessionParticipant.user_id == scope.technician_id)
    mine = or_(SessionEvent.technician_id == scope.technician_id,
               SessionEvent.previous_technician_id == scope.technician_id,
               SessionEvent.session_id.in_(participating))
    queues: list[ColumnElement[bool]] = []
    left: list[ColumnElement[bool]] = []  # a transfer out of my queue: `records.source_queue`
    if scope.tech_group_id is not None:
        queues.append(SessionEvent.tech_group_id == scope.tech_group_id)
        left.append(SessionEvent.data["from_tech_group_id"].as_integer() == scope.tech_group_id)
    if scope.channel_ids:
        queues.append(SessionEvent.channel_id.in_(scope.channel_ids))
        left.append(SessionEvent.data["from_channel_id"].as_integer().in_(scope.channel_ids))
    if not queues:
        return mine
    transferred_out = and_(SessionEvent.type == "session", SessionEvent.op == "transferred", or_(*left))
    return or_(mine, and_(SessionEvent.audience == Audience.QUEUE, or_(*queues, transferred_out)))


async def _replay(db: AsyncSession, clause: ColumnElement[bool], after_id: int) -> list[dict[str, Any]] | None:
    rows = (await db.execute(
        select(SessionEvent, SupportSession.lsid).join(SupportSession, SupportSession.id == SessionEvent.session_id)
        .where(SessionEvent.id > after_id, clause).order_by(SessionEvent.id).limit(REPLAY_LIMIT + 1)
    )).all()
    if len(rows) > REPLAY_LIMIT:
        return None
    return [wire_event(row, lsid) for row, lsid in rows]


async def replay_for_technician(db: AsyncSession, user: User, after_id: int) -> list[dict[str, Any]] | None:
    """Events after `after_id` this technician may see; `None` = too many, re-register."""
    return await _replay(db, _technician_clause(await technician_scope(db, user)), after_id)


async def replay_for_customer(db: AsyncSession, s: SupportSession, after_id: int) -> list[dict[str, Any]] | None:
    events = await _replay(db, and_(SessionEvent.session_id == s.id, SessionEvent.audience != Audience.TECHNICIANS),
                           after_id)
    return None if events is None else [customer_view(e) for e in events]


async def replay_for_external(db: AsyncSession, s: SupportSession, after_id: int) -> list[dict[str, Any]] | None:
    events = await _replay(db, _external_clause(s), after_id)
    return None if events is None else [external_view(e) for e in events]


async def console_state(db: AsyncSession, user: User, now: datetime) -> dict[str, Any]:
    grants = await load_permissions(db, user.tech_group_id)
    presence = await db.get(TechnicianPresence, user.id)
    scope = await technician_scope(db, user)
    queue = await list_queue(db, scope)
    return {
        "technician": {"id": user.id, "name": user.name, "email": user.email, "tech_group_id": user.tech_group_id,
                       "channel_ids": sorted(scope.channel_ids)},  # which channel queues are mine (queue_model.js)
        "presence": {"status": (await effective_status(db, user, presence, now)).value,
                     "chosen_status": presence.chosen_status if presence else "available"},
        "permissions": {key: g.allowed for key, g in grants.items()},
        "hidden_features": sorted(hidden_console_features(grants)),
        "queue": [summary(s) for s in queue],
    }


async def session_detail(db: AsyncSession, s: SupportSession, *, for_customer: bool = False,
                         for_external: bool = False) -> dict[str, Any]:
    """The session with its history, as a technician, the customer or an external technician may see it."""
    clause = SessionEvent.session_id == s.id
    if for_customer:
        clause = and_(clause, SessionEvent.audience != Audience.TECHNICIANS)
    if for_external:
        clause = _external_clause(s)
    rows = (await db.scalars(select(SessionEvent).where(clause).order_by(SessionEvent.id))).all()
    events = [wire_event(r, s.lsid) for r in rows]
    participants = (await db.scalars(
        select(SessionParticipant).where(SessionParticipant.session_id == s.id).order_by(SessionParticipant.id)
    )).all()
    if for_external:
        events = [external_view(e) for e in events]
    return {
        "session": summary(s),
        "notes": "" if for_external else s.notes,
        "participants": [{"id": p.id, "role": p.role, "user_id": p.user_id, "name": p.external_name,
                          "joined_at": p.joined_at.isoformat() if p.joined_at else None,
                          "left_at": p.left_at.isoformat() if p.left_at else None} for p in participants],
        "events": [customer_view(e) for e in events] if for_customer else events,
    }


async def customer_state(db: AsyncSession, s: SupportSession) -> dict[str, Any]:
    owner = (Owner.CHANNEL, s.channel_id) if s.channel_id is not None else (Owner.TECH_GROUP, s.tech_group_id)
    branding = await read_settings(db, owner[0], owner[1], ("terms_text", "terms_force_scroll", "branding_app_name"))
    state: dict[str, Any] = {
        "lsid": s.lsid, "status": s.status, "close_reason": s.close_reason, "customer_name": s.customer_name,
        "chat_enabled": s.chat_enabled, "client_kind": s.client_kind, "app_name": branding["branding_app_name"],
        "terms": ({"text": branding["terms_text"], "force_scroll": branding["terms_force_scroll"]}
                  if s.terms_required and s.terms_accepted_at is None and s.status == "connecting" else None),
        "waiting": await waiting_info(db, s),
        "survey": None,
    }
    if s.status == "closed" and s.first_picked_up_at is not None:
        state["survey"] = describe(await survey_for(db, s, "customer"), s)
    return state
