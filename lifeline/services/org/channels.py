"""Channels: rename/describe, assign to Technician Groups, exclude single technicians (spec §14).

There are exactly ten channels, created by the first migration; nothing here
creates or deletes one. Channel↔group is many-to-many. A technician can be
taken off a channel their group is assigned to (skill routing); excluding
from a channel the group does not have is refused, since it would have no
effect and hide a mistake.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor, decide_for_any_group
from lifeline.errors import InvalidInput
from lifeline.services.access import access_tech_group, access_technician
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.org.common import Change, Entity, Kind, clean_edit, commit
from lifeline.services.settings import access_channel, channel_group_ids
from lifeline.store.org import Channel, ChannelAssignment, ChannelExclusion

SECTION = "Channels"


def describe(channel: Channel) -> dict[str, object]:
    return {"Channel name": channel.name, "Description": channel.description}


KIND = Kind(Entity.CHANNEL, "channel", SECTION, describe)


async def list_channels(session: AsyncSession, actor: Actor) -> list[tuple[Channel, list[int], bool]]:
    """All ten channels with their group ids and whether the actor may configure each."""
    channels = (await session.scalars(select(Channel).order_by(Channel.number))).all()
    result = []
    for channel in channels:
        groups = await channel_group_ids(session, channel.id)
        result.append((channel, groups, decide_for_any_group(actor, Action.CONFIGURE_CHANNELS, groups)))
    return result


async def do_update_channel(
    session: AsyncSession,
    bus: Bus | None,
    channel_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> Channel:
    new_name, new_description = clean_edit(name, description, what="Channel name")
    channel = await access_channel(session, actor, channel_id, Action.CONFIGURE_CHANNELS)
    await KIND.commit_update(session, bus, audit_actor, channel, name=new_name, description=new_description)
    return channel


async def _existing_channel(session: AsyncSession, channel_id: int) -> Channel:
    channel = await session.get(Channel, channel_id)
    if channel is None:
        raise InvalidInput(
            f"There is no channel {channel_id}; channels are numbered 1-10.", field="channel_id"
        )
    return channel


async def do_assign_channel(
    session: AsyncSession,
    bus: Bus | None,
    channel_id: int,
    *,
    group_id: int,
    assigned: bool,
    actor: Actor,
    audit_actor: AuditActor,
) -> bool:
    """Tick or untick a channel on a group's Channels tab; returns whether anything changed."""
    group = await access_tech_group(session, actor, group_id, Action.ASSIGN_CHANNELS)
    channel = await _existing_channel(session, channel_id)
    existing = await session.scalar(
        select(ChannelAssignment).where(
            ChannelAssignment.channel_id == channel.id, ChannelAssignment.tech_group_id == group.id
        )
    )
    if assigned == (existing is not None):
        return False
    if assigned:
        session.add(ChannelAssignment(channel_id=channel.id, tech_group_id=group.id))
    else:
        await session.delete(existing)
    KIND.audit(
        session,
        audit_actor,
        channel,
        change_type=Change.ASSIGN if assigned else Change.UNASSIGN,
        field="Technician Group",
        old=None if assigned else group.name,
        new=group.name if assigned else None,
    )
    await KIND.commit(session, bus, "assign" if assigned else "unassign", channel.id, tech_group_id=group.id)
    return True


async def do_set_channel_exclusion(
    session: AsyncSession,
    bus: Bus | None,
    channel_id: int,
    *,
    technician_id: int,
    excluded: bool,
    actor: Actor,
    audit_actor: AuditActor,
) -> bool:
    """Untick (exclude) or tick again "Assigned to…" for one technician on one channel."""
    user = await access_technician(session, actor, technician_id, Action.ASSIGN_CHANNELS)
    channel = await _existing_channel(session, channel_id)
    if user.tech_group_id not in await channel_group_ids(session, channel.id):
        raise InvalidInput(f"{channel.name} is not assigned to this technician's group.", field="channel_id")
    existing = await session.scalar(
        select(ChannelExclusion).where(
            ChannelExclusion.channel_id == channel.id, ChannelExclusion.technician_id == user.id
        )
    )
    if excluded == (existing is not None):
        return False
    if excluded:
        session.add(ChannelExclusion(channel_id=channel.id, technician_id=user.id))
    else:
        await session.delete(existing)
    record_audit(
        session,
        audit_actor,
        entity_type=Entity.TECHNICIAN,
        entity_id=user.id,
        entity_name=user.name,
        change_type=Change.UNASSIGN if excluded else Change.ASSIGN,
        section=SECTION,
        field=channel.name,
        old="Assigned" if excluded else "Unassigned",
        new="Unassigned" if excluded else "Assigned",
    )
    await commit(session, bus, {"op": "change", "entity": "technician", "id": user.id})
    return True


async def technician_channels(
    session: AsyncSession, technician_id: int, group_id: int | None
) -> list[dict[str, object]]:
    """The channels a technician inherits from their group, each with its exclusion state."""
    if group_id is None:
        return []
    group_channels = (
        await session.scalars(
            select(Channel)
            .join(ChannelAssignment, ChannelAssignment.channel_id == Channel.id)
            .where(ChannelAssignment.tech_group_id == group_id)
            .order_by(Channel.number)
        )
    ).all()
    excluded = set(
        (
            await session.scalars(
                select(ChannelExclusion.channel_id).where(ChannelExclusion.technician_id == technician_id)
            )
        ).all()
    )
    return [{"channel_id": c.id, "name": c.name, "assigned": c.id not in excluded} for c in group_channels]
