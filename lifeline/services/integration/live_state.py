"""What is live right now, read in one go for the real-time state API (`/nw`).

Returned in Lifeline terms; `lifeline/api/realtime_model.py` turns it into the
BeyondTrust tables. A handful of whole-table queries over open sessions and
signed-in technicians: small however long the installation has run, because
closed sessions and offline technicians are filtered in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.session_state import OPEN_STATUSES
from lifeline.services.integration.directory import OnlineTechnician, online_technicians
from lifeline.store.api_accounts import ApiSessionAttribute, ApiSessionKey
from lifeline.store.org import Channel, ChannelAssignment, TechGroup
from lifeline.store.sessions import SessionParticipant, SupportSession


@dataclass(frozen=True)
class LiveState:
    technicians: list[OnlineTechnician]
    groups: list[TechGroup]
    channels: dict[int, Channel]
    channel_groups: dict[int, list[int]]  # channel id → its groups, by id
    sessions: list[SupportSession]
    participants: list[SessionParticipant]
    attributes: list[ApiSessionAttribute]
    priorities: dict[int, int]  # session id → priority given with its API key


async def load_live_state(db: AsyncSession) -> LiveState:
    sessions = list((await db.scalars(
        select(SupportSession).where(SupportSession.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(SupportSession.id)
    )).all())
    ids = [s.id for s in sessions]
    participants = list((await db.scalars(
        select(SessionParticipant).where(SessionParticipant.session_id.in_(ids), SessionParticipant.left_at.is_(None),
                                         SessionParticipant.user_id.is_not(None),
                                         SessionParticipant.joined_at.is_not(None))
        .order_by(SessionParticipant.id)
    )).all()) if ids else []
    attributes = list((await db.scalars(
        select(ApiSessionAttribute).where(ApiSessionAttribute.session_id.in_(ids)).order_by(ApiSessionAttribute.id)
    )).all()) if ids else []
    priorities = {sid: prio for sid, prio in (await db.execute(
        select(ApiSessionKey.session_id, ApiSessionKey.priority)
        .where(ApiSessionKey.session_id.in_(ids), ApiSessionKey.priority.is_not(None))
    )).all()} if ids else {}
    links: dict[int, list[int]] = {}
    for channel_id, group_id in (await db.execute(
        select(ChannelAssignment.channel_id, ChannelAssignment.tech_group_id).order_by(ChannelAssignment.tech_group_id)
    )).all():
        links.setdefault(channel_id, []).append(group_id)
    return LiveState(
        technicians=await online_technicians(db),
        groups=list((await db.scalars(select(TechGroup).where(TechGroup.enabled.is_(True)).order_by(TechGroup.id))).all()),
        channels={c.id: c for c in (await db.scalars(select(Channel))).all()},
        channel_groups=links, sessions=sessions, participants=participants, attributes=attributes,
        priorities=priorities,
    )
