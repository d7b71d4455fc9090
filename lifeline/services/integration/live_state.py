"""What is live right now, for the real-time state API (`/nw`), read in three independent parts.

Returned in Lifeline terms; `lifeline/api/realtime_model.py` turns it into the
BeyondTrust tables. The parts are separate because they change at different
rates and cost differently to read (docs/performance.md):

- `load_people`: signed-in technicians and enabled groups. A few rows; the hub
  re-reads it on every flush, which also covers presence changes that publish nothing.
- `load_catalog`: channels and their group assignments; changes only with the organization.
- `load_sessions`: open sessions with their participants, API attributes and key
  priorities — all of them, or only the ones named by events since the last flush.
  This is what grows with traffic, so the hub reads it whole only rarely.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.session_state import OPEN_STATUSES
from lifeline.services.integration.directory import OnlineTechnician, online_technicians
from lifeline.store.api_accounts import ApiSessionAttribute, ApiSessionKey
from lifeline.store.org import Channel, ChannelAssignment, TechGroup
from lifeline.store.sessions import SessionParticipant, SupportSession


@dataclass(frozen=True)
class LivePeople:
    technicians: list[OnlineTechnician]
    groups: list[TechGroup]


@dataclass(frozen=True)
class LiveCatalog:
    channels: dict[int, Channel]
    channel_groups: dict[int, list[int]]  # channel id → its groups, by id


@dataclass(frozen=True)
class LiveSessions:
    sessions: list[SupportSession]
    participants: list[SessionParticipant]
    attributes: list[ApiSessionAttribute]
    priorities: dict[int, int]  # session id → priority given with its API key


async def load_people(db: AsyncSession) -> LivePeople:
    return LivePeople(
        technicians=await online_technicians(db),
        groups=list((await db.scalars(select(TechGroup).where(TechGroup.enabled.is_(True)).order_by(TechGroup.id))).all()),
    )


async def load_catalog(db: AsyncSession) -> LiveCatalog:
    links: dict[int, list[int]] = {}
    for channel_id, group_id in (await db.execute(
        select(ChannelAssignment.channel_id, ChannelAssignment.tech_group_id).order_by(ChannelAssignment.tech_group_id)
    )).all():
        links.setdefault(channel_id, []).append(group_id)
    return LiveCatalog(channels={c.id: c for c in (await db.scalars(select(Channel))).all()}, channel_groups=links)


async def load_sessions(db: AsyncSession, lsids: Collection[str] | None = None) -> LiveSessions:
    """Open sessions — every one, or those among `lsids` — with the rows that hang off them."""
    query = select(SupportSession).where(SupportSession.status.in_([s.value for s in OPEN_STATUSES]))
    if lsids is not None:
        query = query.where(SupportSession.lsid.in_(list(lsids)))
    sessions = list((await db.scalars(query.order_by(SupportSession.id))).all())
    ids = [s.id for s in sessions]
    if not ids:
        return LiveSessions(sessions=[], participants=[], attributes=[], priorities={})
    participants = list((await db.scalars(
        select(SessionParticipant).where(SessionParticipant.session_id.in_(ids), SessionParticipant.left_at.is_(None),
                                         SessionParticipant.user_id.is_not(None),
                                         SessionParticipant.joined_at.is_not(None))
        .order_by(SessionParticipant.id)
    )).all())
    attributes = list((await db.scalars(
        select(ApiSessionAttribute).where(ApiSessionAttribute.session_id.in_(ids)).order_by(ApiSessionAttribute.id)
    )).all())
    priorities = {sid: prio for sid, prio in (await db.execute(
        select(ApiSessionKey.session_id, ApiSessionKey.priority)
        .where(ApiSessionKey.session_id.in_(ids), ApiSessionKey.priority.is_not(None))
    )).all() if prio is not None}  # excluded in SQL already; the check tells the type checker
    return LiveSessions(sessions=sessions, participants=participants, attributes=attributes, priorities=priorities)
