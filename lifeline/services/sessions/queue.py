"""What a technician sees, and what a waiting customer is told (spec part1 §14, §15, §18).

A technician's queue is the union of: their private queue (sessions they own,
including incoming transfers), their group's queue (sessions transferred to
the group), the queues of the channels assigned to their group minus their
exclusions, sessions they collaborate in, and their outgoing transfers.
`access_session_for_technician` is the only way a console handler gets a
session: "not yours" and "no such session" are the same `NotFound`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from lifeline.domain.session_state import OPEN_STATUSES, SessionKind, SessionStatus
from lifeline.domain.settings_catalog import Owner
from lifeline.domain.waiting_estimate import ESTIMATE_SAMPLE_SIZE, estimated_wait_s, queue_position
from lifeline.errors import NotAuthenticated, NotFound
from lifeline.services.auth import hash_token
from lifeline.services.sessions.config import read_settings
from lifeline.store.org import ChannelAssignment, ChannelExclusion, User
from lifeline.store.sessions import SessionParticipant, SupportSession

SESSION_NOT_FOUND = "Session not found."
OPEN_VALUES = tuple(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class TechnicianScope:
    technician_id: int
    tech_group_id: int | None
    channel_ids: frozenset[int]


async def channels_of_group(db: AsyncSession, tech_group_id: int | None) -> set[int]:
    if tech_group_id is None:
        return set()
    rows = await db.scalars(
        select(ChannelAssignment.channel_id).where(ChannelAssignment.tech_group_id == tech_group_id)
    )
    return set(rows)


async def technician_scope(db: AsyncSession, user: User) -> TechnicianScope:
    channels = await channels_of_group(db, user.tech_group_id)
    excluded = set(await db.scalars(
        select(ChannelExclusion.channel_id).where(ChannelExclusion.technician_id == user.id)
    ))
    return TechnicianScope(user.id, user.tech_group_id, frozenset(channels - excluded))


def visible_clause(scope: TechnicianScope) -> ColumnElement[bool]:
    """SQL condition: the session is in this technician's queue (see module docstring)."""
    participating = select(SessionParticipant.session_id).where(
        SessionParticipant.user_id == scope.technician_id, SessionParticipant.left_at.is_(None)
    )
    unowned = SupportSession.technician_id.is_(None)
    conditions: list[ColumnElement[bool]] = [
        SupportSession.technician_id == scope.technician_id,
        SupportSession.id.in_(participating),
        and_(SupportSession.previous_technician_id == scope.technician_id,
             SupportSession.status == SessionStatus.TRANSFERRING.value),
    ]
    if scope.tech_group_id is not None:
        conditions.append(and_(unowned, SupportSession.channel_id.is_(None),
                               SupportSession.tech_group_id == scope.tech_group_id))
    if scope.channel_ids:
        conditions.append(and_(unowned, SupportSession.channel_id.in_(scope.channel_ids)))
    return or_(*conditions)


async def list_queue(db: AsyncSession, scope: TechnicianScope) -> list[SupportSession]:
    rows = await db.scalars(
        select(SupportSession).where(SupportSession.status.in_(OPEN_VALUES), visible_clause(scope))
        .order_by(SupportSession.created_at, SupportSession.id)
    )
    return list(rows)


async def access_session_for_technician(db: AsyncSession, user: User, lsid: str) -> SupportSession:
    """The session if it is in `user`'s queue (open) or was theirs; else `NotFound`."""
    scope = await technician_scope(db, user)
    s = await db.scalar(select(SupportSession).where(SupportSession.lsid == lsid))
    if s is None:
        raise NotFound(SESSION_NOT_FOUND)
    visible = await db.scalar(select(SupportSession.id).where(SupportSession.id == s.id, visible_clause(scope)))
    if visible is None:
        raise NotFound(SESSION_NOT_FOUND)
    return s


async def access_session_for_customer(db: AsyncSession, lsid: str, token: str) -> SupportSession:
    """The customer's own session, proven by the token issued at entry."""
    if not token:
        raise NotAuthenticated("This page needs the session's customer token.")
    s = await db.scalar(select(SupportSession).where(SupportSession.lsid == lsid))
    if s is None or s.customer_token_hash is None or s.customer_token_hash != hash_token(token):
        raise NotFound(SESSION_NOT_FOUND)
    return s


async def access_session_for_external(db: AsyncSession, lsid: str, token: str) -> tuple[SupportSession,
                                                                                       SessionParticipant]:
    """An external technician's session, proven by the access token their one-time invitation was swapped for."""
    if not token:
        raise NotAuthenticated("This page needs the external technician's access token.")
    found = (await db.execute(
        select(SupportSession, SessionParticipant)
        .join(SessionParticipant, SessionParticipant.session_id == SupportSession.id)
        .where(SupportSession.lsid == lsid, SessionParticipant.role == "external",
               SessionParticipant.access_token_hash == hash_token(token), SessionParticipant.left_at.is_(None))
    )).first()
    if found is None:
        raise NotFound(SESSION_NOT_FOUND)
    return found[0], found[1]


async def waiting_queue(db: AsyncSession, s: SupportSession) -> list[tuple[int, datetime]]:
    """The (id, waiting since) entries of the queue `s` waits in."""
    query = select(SupportSession.id, SupportSession.waiting_at).where(
        SupportSession.status == SessionStatus.WAITING.value
    )
    if s.technician_id is not None:
        query = query.where(SupportSession.technician_id == s.technician_id)
    elif s.channel_id is not None:
        query = query.where(SupportSession.technician_id.is_(None), SupportSession.channel_id == s.channel_id)
    else:
        query = query.where(SupportSession.technician_id.is_(None), SupportSession.channel_id.is_(None),
                            SupportSession.tech_group_id == s.tech_group_id)
    return [(sid, since) for sid, since in (await db.execute(query)).all() if since is not None]


async def recent_pickup_durations(db: AsyncSession, s: SupportSession) -> list[float]:
    """Waiting → Active of the last ten sessions of the technician (private) or channel (spec §15)."""
    query = select(SupportSession.waiting_at, SupportSession.first_picked_up_at).where(
        SupportSession.waiting_at.is_not(None), SupportSession.first_picked_up_at.is_not(None),
        SupportSession.id != s.id,
    )
    if s.kind == SessionKind.CHANNEL.value and s.channel_id is not None:
        query = query.where(SupportSession.channel_id == s.channel_id)
    else:
        query = query.where(SupportSession.technician_id == s.technician_id)
    rows = (await db.execute(
        query.order_by(SupportSession.first_picked_up_at.desc()).limit(ESTIMATE_SAMPLE_SIZE)
    )).all()
    durations = [max(0.0, (picked - waited).total_seconds()) for waited, picked in rows
                 if waited is not None and picked is not None]  # excluded in SQL; told to the type checker
    return list(reversed(durations))


async def waiting_info(db: AsyncSession, s: SupportSession) -> dict[str, int | str | None]:
    """What the customer page shows while waiting: the configured message and its value."""
    if s.status != SessionStatus.WAITING.value:
        return {"message": None, "queue_position": None, "estimated_wait_s": None}
    position = queue_position(s.id, await waiting_queue(db, s))
    estimate = estimated_wait_s(await recent_pickup_durations(db, s))
    if s.channel_id is not None:
        message = (await read_settings(db, Owner.CHANNEL, s.channel_id, ("waiting_message",)))["waiting_message"]
        if message == "queue_position":
            return {"message": "queue_position", "queue_position": position, "estimated_wait_s": None}
        return {"message": "estimated_wait", "queue_position": None, "estimated_wait_s": estimate}
    show = (await read_settings(db, Owner.TECH_GROUP, s.tech_group_id, ("show_estimated_wait",)))
    if show["show_estimated_wait"]:
        return {"message": "estimated_wait", "queue_position": None, "estimated_wait_s": estimate}
    return {"message": None, "queue_position": None, "estimated_wait_s": None}
