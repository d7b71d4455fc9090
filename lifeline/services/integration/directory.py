"""Who is online, which groups and channels exist: the read side of reps/teams commands and `/nw`.

One query per question, whole-table reads: an installation has at most a few
thousand technicians, and the integrations ask rarely (their guide tells them
to cache) or through the real-time hub, which batches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.domain.roles import Role
from lifeline.domain.routing import TechnicianStatus
from lifeline.domain.session_state import RUNNING_STATUSES, SessionStatus
from lifeline.store.core_select import select_columns
from lifeline.store.org import Channel, ChannelAssignment, TechGroup, User
from lifeline.store.sessions import SupportSession, TechnicianPresence


def code_name(text: str) -> str:
    """A channel's or group's code name: its name, lower-cased, runs of other characters as `_`.

    Lifeline names are free text; integrations address issues by code (`issue:other`), so the code is
    derived, not stored, and renaming a channel renames its code.
    """
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass(frozen=True)
class OnlineTechnician:
    user: User
    presence: TechnicianPresence
    running_sessions: int

    @property
    def public_name(self) -> str:
        return self.user.nickname or self.user.name


#: Built once: building these per call cost ~0.2 ms of the Command API's `get_logged_in_reps`.
_ONLINE_TECHNICIANS = (
    select(User, TechnicianPresence)
    .join(TechnicianPresence, TechnicianPresence.technician_id == User.id)
    .where(TechnicianPresence.status != TechnicianStatus.OFFLINE.value, User.enabled.is_(True))
    .order_by(User.id)
)
_RUNNING_BY_TECHNICIAN = (
    select(SupportSession.technician_id, func.count())
    .where(SupportSession.status.in_([s.value for s in RUNNING_STATUSES]), SupportSession.technician_id.is_not(None))
    .group_by(SupportSession.technician_id)
)


async def online_technicians(db: AsyncSession) -> list[OnlineTechnician]:
    """Technicians whose console is signed in (any presence but offline), by id."""
    return await db.run_sync(online_technicians_sync)


def online_technicians_sync(db: Session) -> list[OnlineTechnician]:
    """`online_technicians` in synchronous ORM work (`get_logged_in_reps` runs it as one `Database.read`)."""
    rows = db.execute(_ONLINE_TECHNICIANS).all()
    counts = Counter({tech_id: count for tech_id, count in db.execute(_RUNNING_BY_TECHNICIAN) if tech_id is not None})
    return [OnlineTechnician(user, presence, counts.get(user.id, 0)) for user, presence in rows]


async def waiting_sessions_by_group(db: AsyncSession) -> Counter[int]:
    """Sessions queued in a group (not yet with a technician): a team's `support_session_count`."""
    rows = await db.execute(
        select(SupportSession.tech_group_id, func.count())
        .where(SupportSession.status == SessionStatus.WAITING.value, SupportSession.technician_id.is_(None),
               SupportSession.tech_group_id.is_not(None))
        .group_by(SupportSession.tech_group_id)
    )
    return Counter({group_id: count for group_id, count in rows.all() if group_id is not None})


@dataclass(frozen=True)
class GroupView:
    group: TechGroup
    channels: list[Channel]
    members: list[User]
    waiting_sessions: int


async def technician_groups(db: AsyncSession) -> list[GroupView]:
    """Every enabled Technician Group with its assigned channels and its technicians, by id."""
    groups = (await db.scalars(select(TechGroup).where(TechGroup.enabled.is_(True)).order_by(TechGroup.id))).all()
    links = (await db.execute(
        select(ChannelAssignment.tech_group_id, Channel).join(Channel, Channel.id == ChannelAssignment.channel_id)
        .order_by(Channel.number)
    )).all()
    members = (await db.scalars(
        select(User).where(User.role == Role.TECHNICIAN.value, User.enabled.is_(True)).order_by(User.id)
    )).all()
    waiting = await waiting_sessions_by_group(db)
    return [
        GroupView(
            group=g,
            channels=[c for gid, c in links if gid == g.id],
            members=[u for u in members if u.tech_group_id == g.id],
            waiting_sessions=waiting.get(g.id, 0),
        )
        for g in groups
    ]


# The look-ups below are synchronous ORM work: `generate_session_key` runs them inside its unit of work
# (`store/units.py`); other Command API handlers through `AsyncSession.run_sync`.


def technicians_by_username(db: Session, username: str) -> list[User]:
    """Technicians whose sign-in name (e-mail) or display name is `username`, case-insensitively."""
    wanted = username.lower()
    return list((db.scalars(
        select(User).where(User.role == Role.TECHNICIAN.value,
                           (func.lower(User.email) == wanted) | (func.lower(User.name) == wanted))
        .order_by(User.id)
    )).all())


def technician(db: Session, user_id: int) -> User | None:
    user = db.get(User, user_id)
    return user if user is not None and user.role == Role.TECHNICIAN.value else None


def is_online(db: Session, user_id: int) -> bool:
    status = db.scalar(select(TechnicianPresence.status).where(TechnicianPresence.technician_id == user_id))
    return status is not None and status != TechnicianStatus.OFFLINE.value


def channel_by_code(db: Session, code: str) -> Channel | None:
    for channel in db.scalars(select(Channel).order_by(Channel.number)).all():
        if code_name(channel.name) == code:
            return channel
    return None


def groups_of_channel(db: Session, channel_id: int) -> list[int]:
    return list((db.scalars(
        select(ChannelAssignment.tech_group_id).where(ChannelAssignment.channel_id == channel_id)
        .order_by(ChannelAssignment.tech_group_id)
    )).all())


def _online_count(group_id: Any) -> Select[int]:
    """How many technicians of the group (an id or a column) have a signed-in console."""
    return (select(func.count()).select_from(User)
            .join(TechnicianPresence, TechnicianPresence.technician_id == User.id)
            .where(User.tech_group_id == group_id,
                   TechnicianPresence.status != TechnicianStatus.OFFLINE.value))


def online_in_group(db: Session, group_id: int) -> bool:
    return bool(db.scalar(_online_count(group_id)))


#: Built once (a statement keeps its cache key): `generate_session_key` asks it on every team-queue key.
_GROUP_ONLINE = (select(TechGroup.enabled, _online_count(TechGroup.id).scalar_subquery().label("online"))
                 .where(TechGroup.id == bindparam("group_id")))


def enabled_group_online(db: Session, group_id: int) -> bool | None:
    """`None` when no enabled group has this id, else whether any of its technicians is online: one query.

    Part of `generate_session_key`'s unit of work.
    """
    found = select_columns(db, _GROUP_ONLINE, {"group_id": group_id}).first()
    return None if found is None or not found[0] else bool(found[1])


async def anyone_online(db: AsyncSession) -> bool:
    found = await db.scalar(
        select(func.count()).select_from(TechnicianPresence)
        .where(TechnicianPresence.status != TechnicianStatus.OFFLINE.value)
    )
    return bool(found)


def logged_in_since(presence: TechnicianPresence) -> datetime:
    return presence.logged_in_at or presence.updated_at
