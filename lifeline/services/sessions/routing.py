"""Who could take a session: the technicians behind a channel or group, with their routing loads.

Feeds `domain.routing` (least busy, availability), `domain.no_technician`
(arrival decision) and the transfer rules' unmanned-channel check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.roles import Role
from lifeline.domain.routing import TechnicianLoad, TechnicianStatus, is_available
from lifeline.services.sessions.presence import technician_load
from lifeline.store.org import ChannelAssignment, ChannelExclusion, User


@dataclass(frozen=True)
class Candidate:
    user: User
    load: TechnicianLoad


def _technician_clause() -> ColumnElement[bool]:
    return (User.role == Role.TECHNICIAN.value) | User.has_technician_seat.is_(True)


async def channel_candidates(db: AsyncSession, channel_id: int, now: datetime) -> list[Candidate]:
    """Every enabled technician of every group assigned to the channel, exclusions marked."""
    groups = select(ChannelAssignment.tech_group_id).where(ChannelAssignment.channel_id == channel_id)
    users = (await db.scalars(
        select(User).where(User.tech_group_id.in_(groups), User.enabled.is_(True), _technician_clause())
        .order_by(User.id)
    )).all()
    excluded = set(await db.scalars(
        select(ChannelExclusion.technician_id).where(ChannelExclusion.channel_id == channel_id)
    ))
    return [Candidate(u, await technician_load(db, u, channel_id, u.id in excluded, now)) for u in users]


async def group_candidates(db: AsyncSession, tech_group_id: int, now: datetime) -> list[Candidate]:
    users = (await db.scalars(
        select(User).where(User.tech_group_id == tech_group_id, User.enabled.is_(True), _technician_clause())
    )).all()
    return [Candidate(u, await technician_load(db, u, None, False, now)) for u in users]


def any_available(candidates: list[Candidate], now: datetime) -> bool:
    return any(is_available(c.load, now) for c in candidates)


def any_logged_in(candidates: list[Candidate]) -> bool:
    return any(c.load.status is not TechnicianStatus.OFFLINE for c in candidates)
