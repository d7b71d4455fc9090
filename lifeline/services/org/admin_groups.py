"""Administrator Groups: nested groups that give their members standard or restricted rights (spec §3).

Master Administrators only. Rights are validated by `domain.roles.AdminRights`
(restricted needs at least one grant); "Access Command Center only" needs
`SET_COMMAND_CENTER_ONLY`. Like Technician Groups, a group that still has
sub-groups or members is not deleted (`Conflict`): removing it would silently
change what its members may do.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.domain.org_tree import check_move
from lifeline.domain.roles import AdminRights
from lifeline.errors import Conflict, NotFound
from lifeline.services.access import require
from lifeline.services.audit import AuditActor
from lifeline.services.org.common import Entity, Kind, clean_edit, clean_name, clean_text, status_word
from lifeline.store.org import AdminGroup, User

SECTION = "Organization"


def describe(group: AdminGroup) -> dict[str, object]:
    return {
        "Name": group.name,
        "Description": group.description,
        "Status": status_word(group.enabled),
        "Rights": group.rights_mode,
        "Grants": sorted(group.grants or []),
        "Access Command Center only": group.command_center_only,
    }


KIND = Kind(Entity.ADMIN_GROUP, "admin_group", SECTION, describe)


async def access_admin_group(session: AsyncSession, actor: Actor, group_id: int) -> AdminGroup:
    require(actor, Action.MANAGE_ADMIN_GROUPS)
    group = await session.get(AdminGroup, group_id)
    if group is None:
        raise NotFound(f"Administrator Group {group_id} not found.")
    return group


async def _parents(session: AsyncSession) -> dict[int, int | None]:
    return dict((await session.execute(select(AdminGroup.id, AdminGroup.parent_id))).all())


async def do_create_admin_group(
    session: AsyncSession,
    bus: Bus | None,
    *,
    name: str,
    description: str = "",
    parent_id: int | None = None,
    enabled: bool = True,
    rights_mode: str = "standard",
    grants: Sequence[str] = (),
    command_center_only: bool = False,
    actor: Actor,
    audit_actor: AuditActor,
) -> AdminGroup:
    require(actor, Action.MANAGE_ADMIN_GROUPS)
    if command_center_only:
        require(actor, Action.SET_COMMAND_CENTER_ONLY)
    name = clean_name(name, what="Group name")
    description = clean_text(description, field="description", what="Description")
    rights = AdminRights.parse(rights_mode, grants, command_center_only=command_center_only)
    if parent_id is not None:
        await access_admin_group(session, actor, parent_id)
    group = AdminGroup(
        name=name,
        description=description,
        parent_id=parent_id,
        enabled=enabled,
        rights_mode=rights.mode.value,
        grants=sorted(g.value for g in rights.grants),
        command_center_only=command_center_only,
    )
    session.add(group)
    await session.flush()
    await KIND.commit_add(session, bus, audit_actor, group)
    return group


async def do_update_admin_group(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    enabled: bool | None = None,
    rights_mode: str | None = None,
    grants: Sequence[str] | None = None,
    command_center_only: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> AdminGroup:
    """Change fields; rights are re-validated as a whole (mode, grants and CC-only together)."""
    group = await access_admin_group(session, actor, group_id)
    if command_center_only is not None and command_center_only != group.command_center_only:
        require(actor, Action.SET_COMMAND_CENTER_ONLY)
    new_name, new_description = clean_edit(name, description)
    rights = AdminRights.parse(
        group.rights_mode if rights_mode is None else rights_mode,
        list(group.grants or []) if grants is None else grants,
        command_center_only=group.command_center_only if command_center_only is None else command_center_only,
    )
    await KIND.commit_update(
        session,
        bus,
        audit_actor,
        group,
        name=new_name,
        description=new_description,
        enabled=enabled,
        rights_mode=rights.mode.value,
        grants=sorted(g.value for g in rights.grants),
        command_center_only=rights.command_center_only,
    )
    return group


async def do_move_admin_group(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    new_parent_id: int | None,
    actor: Actor,
    audit_actor: AuditActor,
) -> AdminGroup:
    group = await access_admin_group(session, actor, group_id)
    if new_parent_id is not None:
        await access_admin_group(session, actor, new_parent_id)
    check_move(group_id, new_parent_id, await _parents(session))
    old = group.parent_id
    group.parent_id = new_parent_id
    await KIND.commit_move(session, bus, audit_actor, group, field="Parent group", old=old, new=new_parent_id)
    return group


async def do_delete_admin_group(
    session: AsyncSession, bus: Bus | None, group_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    group = await access_admin_group(session, actor, group_id)
    children = await session.scalar(
        select(func.count()).select_from(AdminGroup).where(AdminGroup.parent_id == group_id)
    )
    members = await session.scalar(
        select(func.count()).select_from(User).where(User.admin_group_id == group_id)
    )
    if children or members:
        raise Conflict(
            f"Administrator Group {group.name!r} still contains {children or 0} sub-group(s) and "
            f"{members or 0} administrator(s); move them first.",
            field="group_id",
        )
    await KIND.commit_delete(session, bus, audit_actor, group)
