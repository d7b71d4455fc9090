"""Technician Groups: create, edit, enable/disable, move, delete (spec part1 §1, §4).

Masters act anywhere; an Administrator acts inside the sub-trees assigned to
them and may create sub-groups there (gap §32.5). A new sub-group starts as a
copy of its parent's permissions (locks included) and settings; a root group
starts with the catalog defaults.

Delete refuses a group that still holds sub-groups, technicians or Computer
Groups (`Conflict` naming what is left): deleting people or unattended
computer assignments as a side effect of removing a folder is too easy to do
by accident. Links (channel assignments, administrator assignments) go with
the group and are audited as `Unassign`.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.domain.org_tree import check_move
from lifeline.domain.settings_catalog import Owner
from lifeline.errors import Conflict
from lifeline.services.access import access_tech_group, require, tech_group_parents
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.org.common import Change, Entity, Kind, clean_edit, clean_name, clean_text, status_word
from lifeline.services.permissions import copy_permissions
from lifeline.services.settings import copy_owner_settings, delete_owner_settings
from lifeline.store.org import AdminAssignment, Channel, ChannelAssignment, ComputerGroup, TechGroup, User

SECTION = "Organization"


def describe(group: TechGroup) -> dict[str, object]:
    """The fields the audit log compares, with the Audit report's words for status."""
    return {"Name": group.name, "Description": group.description, "Status": status_word(group.enabled)}


KIND = Kind(Entity.TECH_GROUP, "tech_group", SECTION, describe)


async def do_create_tech_group(
    session: AsyncSession,
    bus: Bus | None,
    *,
    name: str,
    description: str = "",
    parent_id: int | None = None,
    enabled: bool = True,
    actor: Actor,
    audit_actor: AuditActor,
) -> TechGroup:
    name = clean_name(name, what="Group name")
    description = clean_text(description, field="description", what="Description")
    if parent_id is None:
        require(actor, Action.CREATE_TECH_GROUP)
    else:
        await access_tech_group(session, actor, parent_id, Action.CREATE_TECH_GROUP)
    group = TechGroup(name=name, description=description, parent_id=parent_id, enabled=enabled)
    session.add(group)
    await session.flush()
    if parent_id is not None:
        await copy_permissions(session, parent_id, group.id)
        await copy_owner_settings(session, Owner.TECH_GROUP, parent_id, group.id)
    await KIND.commit_add(session, bus, audit_actor, group)
    return group


async def do_update_tech_group(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    enabled: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> TechGroup:
    """Change name, description and/or status; fields left `None` keep their value."""
    new_name, new_description = clean_edit(name, description)
    group = await access_tech_group(session, actor, group_id, Action.EDIT_TECH_GROUP)
    await KIND.commit_update(
        session, bus, audit_actor, group, name=new_name, description=new_description, enabled=enabled
    )
    return group


async def do_move_tech_group(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    new_parent_id: int | None,
    actor: Actor,
    audit_actor: AuditActor,
) -> TechGroup:
    """Re-parent a group (drag and drop); the actor needs the group and the destination."""
    group = await access_tech_group(session, actor, group_id, Action.EDIT_TECH_GROUP)
    if new_parent_id is None:
        require(actor, Action.CREATE_TECH_GROUP)
    else:
        await access_tech_group(session, actor, new_parent_id, Action.CREATE_TECH_GROUP)
    check_move(group_id, new_parent_id, await tech_group_parents(session))
    old_parent = group.parent_id
    group.parent_id = new_parent_id
    await KIND.commit_move(
        session, bus, audit_actor, group, field="Parent group", old=old_parent, new=new_parent_id
    )
    return group


async def _contents(session: AsyncSession, group_id: int) -> list[str]:
    counts = {
        "sub-group(s)": select(func.count()).select_from(TechGroup).where(TechGroup.parent_id == group_id),
        "technician(s)": select(func.count()).select_from(User).where(User.tech_group_id == group_id),
        "Computer Group(s)": select(func.count())
        .select_from(ComputerGroup)
        .where(ComputerGroup.tech_group_id == group_id),
    }
    left = []
    for label, query in counts.items():
        count = await session.scalar(query) or 0
        if count:
            left.append(f"{count} {label}")
    return left


async def do_delete_tech_group(
    session: AsyncSession, bus: Bus | None, group_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    group = await access_tech_group(session, actor, group_id, Action.EDIT_TECH_GROUP)
    left = await _contents(session, group_id)
    if left:
        raise Conflict(
            f"Technician Group {group.name!r} still contains {', '.join(left)}; move or delete them first.",
            field="group_id",
        )
    await _audit_links(session, audit_actor, group)
    await delete_owner_settings(session, Owner.TECH_GROUP, group_id)
    await KIND.commit_delete(session, bus, audit_actor, group)


async def _audit_links(session: AsyncSession, audit_actor: AuditActor, group: TechGroup) -> None:
    """The channel and administrator links that disappear with the group, one `Unassign` row each."""
    channels = await session.execute(
        select(Channel.id, Channel.name)
        .join(ChannelAssignment, ChannelAssignment.channel_id == Channel.id)
        .where(ChannelAssignment.tech_group_id == group.id)
    )
    for channel_id, channel_name in channels.all():
        record_audit(
            session,
            audit_actor,
            entity_type=Entity.CHANNEL,
            entity_id=channel_id,
            entity_name=channel_name,
            change_type=Change.UNASSIGN,
            section="Channels",
            field="Technician Group",
            old=group.name,
        )
    admins = await session.execute(
        select(User.id, User.name)
        .join(AdminAssignment, AdminAssignment.admin_id == User.id)
        .where(AdminAssignment.tech_group_id == group.id)
    )
    for admin_id, admin_name in admins.all():
        record_audit(
            session,
            audit_actor,
            entity_type=Entity.ADMIN_LINK,
            entity_id=admin_id,
            entity_name=admin_name,
            change_type=Change.UNASSIGN,
            section=SECTION,
            field="Technician Group",
            old=group.name,
        )


async def tech_group_links(session: AsyncSession, group_id: int) -> tuple[list[int], list[int]]:
    """(assigned channel ids, assigned Administrator ids) of a group, for its detail view."""
    channel_ids = (
        await session.scalars(
            select(ChannelAssignment.channel_id)
            .where(ChannelAssignment.tech_group_id == group_id)
            .order_by(ChannelAssignment.channel_id)
        )
    ).all()
    admin_ids = (
        await session.scalars(
            select(AdminAssignment.admin_id)
            .where(AdminAssignment.tech_group_id == group_id)
            .order_by(AdminAssignment.admin_id)
        )
    ).all()
    return list(channel_ids), list(admin_ids)
