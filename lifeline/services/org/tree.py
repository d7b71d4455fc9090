"""The Organization Tree as one actor may see it (spec part1 §1, §3).

Masters see everything: Master Administrators, Administrator Groups with
their Administrators, Technician Groups with technicians and Computer
Groups, the ten channels and External Technician Groups. Administrators see
only what their tabs cover: the Technician Groups (every group, marked
`manageable` only inside their assigned sub-trees; with the global "Show
Technician Groups only to assigned Administrators" on, only the assigned
sub-trees) and the channels. Nodes carry member counts ("TG2(7)").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Action, Actor, decide, may_use
from lifeline.domain.org_tree import children_map
from lifeline.domain.roles import Role
from lifeline.services.org.channels import list_channels
from lifeline.services.settings import get_global_setting
from lifeline.store.org import (
    AdminAssignment,
    AdminGroup,
    ComputerGroup,
    ExternalTechGroup,
    ExternalTechnician,
    TechGroup,
    User,
)

Node = dict[str, Any]


def user_node(user: User) -> Node:
    return {"id": user.id, "name": user.name, "email": user.email, "enabled": user.enabled, "role": user.role}


async def visible_tech_group_ids(session: AsyncSession, actor: Actor) -> set[int] | None:
    """`None` = all groups; otherwise the ids an Administrator may see (the visibility setting is on)."""
    if actor.role.is_master or not may_use(actor, Action.EDIT_TECH_GROUP):
        return None
    if await get_global_setting(session, "show_tg_only_to_assigned_admins"):
        return set(actor.assigned_group_ids)
    return None


async def tech_group_forest(session: AsyncSession, actor: Actor) -> list[Node]:
    visible = await visible_tech_group_ids(session, actor)
    groups = {
        g.id: g
        for g in (await session.scalars(select(TechGroup).order_by(TechGroup.name))).all()
        if visible is None or g.id in visible
    }
    technicians: dict[int, list[Node]] = defaultdict(list)
    for user in (
        await session.scalars(select(User).where(User.role == Role.TECHNICIAN.value).order_by(User.name))
    ).all():
        if user.tech_group_id in groups:
            technicians[user.tech_group_id].append(user_node(user))
    computer_groups: dict[int, list[Node]] = defaultdict(list)
    for cg in (await session.scalars(select(ComputerGroup).order_by(ComputerGroup.name))).all():
        computer_groups[cg.tech_group_id].append({"id": cg.id, "name": cg.name, "enabled": cg.enabled})
    admins: dict[int, list[int]] = defaultdict(list)
    if actor.role.is_master:
        for admin_id, group_id in (
            await session.execute(select(AdminAssignment.admin_id, AdminAssignment.tech_group_id))
        ).all():
            admins[group_id].append(admin_id)
    # A group whose parent is hidden shows at the top level.
    parent_of = {gid: (g.parent_id if g.parent_id in groups else None) for gid, g in groups.items()}
    kids = children_map(parent_of)

    def build(group_id: int) -> Node:
        group = groups[group_id]
        return {
            "id": group.id,
            "name": group.name,
            "description": group.description,
            "enabled": group.enabled,
            "parent_id": group.parent_id,
            "member_count": len(technicians[group.id]),
            "manageable": decide(actor, Action.EDIT_TECH_GROUP, group_id=group.id),
            "assigned_admin_ids": sorted(admins[group.id]),
            "technicians": technicians[group.id],
            "computer_groups": computer_groups[group.id],
            "children": [
                build(child) for child in sorted(kids.get(group.id, []), key=lambda c: groups[c].name)
            ],
        }

    return [build(root) for root in sorted(kids.get(None, []), key=lambda c: groups[c].name)]


async def admin_forest(session: AsyncSession) -> tuple[list[Node], list[Node], list[Node]]:
    """(Master Administrators, Administrator Group forest, Administrators outside any group)."""
    users = (
        await session.scalars(select(User).where(User.role != Role.TECHNICIAN.value).order_by(User.name))
    ).all()
    masters = [user_node(u) for u in users if Role(u.role).is_master]
    by_group: dict[int | None, list[Node]] = defaultdict(list)
    for user in users:
        if user.role == Role.ADMIN.value:
            by_group[user.admin_group_id].append(
                {**user_node(user), "has_technician_seat": user.has_technician_seat}
            )
    groups = {g.id: g for g in (await session.scalars(select(AdminGroup).order_by(AdminGroup.name))).all()}
    kids = children_map({gid: g.parent_id for gid, g in groups.items()})

    def build(group_id: int) -> Node:
        group = groups[group_id]
        return {
            "id": group.id,
            "name": group.name,
            "description": group.description,
            "enabled": group.enabled,
            "parent_id": group.parent_id,
            "rights_mode": group.rights_mode,
            "grants": list(group.grants or []),
            "command_center_only": group.command_center_only,
            "member_count": len(by_group[group.id]),
            "administrators": by_group[group.id],
            "children": [build(c) for c in kids.get(group.id, [])],
        }

    return masters, [build(root) for root in kids.get(None, [])], by_group[None]


async def external_forest(session: AsyncSession) -> list[Node]:
    members: dict[int, list[Node]] = defaultdict(list)
    for m in (await session.scalars(select(ExternalTechnician).order_by(ExternalTechnician.name))).all():
        members[m.group_id].append({"id": m.id, "name": m.name, "email": m.email, "enabled": m.enabled})
    return [
        {
            "id": g.id,
            "name": g.name,
            "description": g.description,
            "enabled": g.enabled,
            "member_count": len(members[g.id]),
            "members": members[g.id],
        }
        for g in (await session.scalars(select(ExternalTechGroup).order_by(ExternalTechGroup.name))).all()
    ]


async def org_tree(session: AsyncSession, actor: Actor) -> Node:
    """The tree sections the actor may see; sections they may not see are absent (`None`)."""
    tree: Node = {
        "master_admins": None,
        "admin_groups": None,
        "ungrouped_admins": None,
        "tech_groups": None,
        "channels": None,
        "external_groups": None,
    }
    if may_use(actor, Action.EDIT_TECH_GROUP) or may_use(actor, Action.ASSIGN_CHANNELS):
        tree["tech_groups"] = await tech_group_forest(session, actor)
    if may_use(actor, Action.CONFIGURE_CHANNELS) or may_use(actor, Action.ASSIGN_CHANNELS):
        tree["channels"] = [
            {
                "id": c.id,
                "number": c.number,
                "name": c.name,
                "description": c.description,
                "tech_group_ids": groups,
                "configurable": configurable,
            }
            for c, groups, configurable in await list_channels(session, actor)
        ]
    if actor.role.is_master:
        tree["master_admins"], tree["admin_groups"], tree["ungrouped_admins"] = await admin_forest(session)
        tree["external_groups"] = await external_forest(session)
    return tree
