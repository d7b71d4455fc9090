"""/api/admin/tech-groups: Technician Groups, their channels, administrators and permissions."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lifeline.domain.authorization import Action
from lifeline.domain.settings_catalog import SaveScope
from lifeline.services.access import access_tech_group
from lifeline.services.org import admins, channels, tech_groups
from lifeline.services.permissions import do_save_permissions, get_permissions
from lifeline.store.org import TechGroup
from lifeline.web.admin_api.common import (
    Body,
    Changed,
    ChannelsTab,
    Description,
    Id,
    Name,
    OrgTab,
    Out,
    acting,
)
from lifeline.web.deps import DbDep, ServicesDep


class TechGroupIn(Body):
    name: Name
    description: Description = ""
    parent_id: Id | None = Field(None, description="Parent group; omit or null for the Technicians root.")
    enabled: bool = True


class TechGroupPatch(Body):
    name: Name | None = None
    description: Description | None = None
    enabled: bool | None = None


class MoveIn(Body):
    parent_id: Id | None = Field(description="New parent group; null moves to the root.")


class AssignIn(Body):
    assigned: bool


class TechGroupOut(Out):
    id: int
    name: str
    description: str
    enabled: bool
    parent_id: int | None
    channel_ids: list[int] = Field(default_factory=list)
    assigned_admin_ids: list[int] = Field(default_factory=list)


class PermissionsIn(Body):
    permissions: dict[str, dict[str, Any]] = Field(
        min_length=1,
        max_length=32,
        description="Permission key → {allowed, option (or the option's own name), targets, locked}.",
    )
    scope: SaveScope = SaveScope.SAVE


class PermissionsOut(Out):
    tech_group_id: int
    permissions: dict[str, dict[str, Any]]


async def _out(db: DbDep, group: TechGroup) -> TechGroupOut:
    channel_ids, admin_ids = await tech_groups.tech_group_links(db, group.id)
    return TechGroupOut(
        id=group.id,
        name=group.name,
        description=group.description,
        enabled=group.enabled,
        parent_id=group.parent_id,
        channel_ids=channel_ids,
        assigned_admin_ids=admin_ids,
    )


async def create_tech_group(
    body: TechGroupIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechGroupOut:
    group = await tech_groups.do_create_tech_group(
        db,
        services.bus,
        name=body.name,
        description=body.description,
        parent_id=body.parent_id,
        enabled=body.enabled,
        **acting(signed),
    )
    return await _out(db, group)


async def get_tech_group(group_id: int, signed: OrgTab, db: DbDep) -> TechGroupOut:
    return await _out(db, await access_tech_group(db, signed.actor, group_id, Action.EDIT_TECH_GROUP))


async def update_tech_group(
    group_id: int, body: TechGroupPatch, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechGroupOut:
    group = await tech_groups.do_update_tech_group(
        db,
        services.bus,
        group_id,
        name=body.name,
        description=body.description,
        enabled=body.enabled,
        **acting(signed),
    )
    return await _out(db, group)


async def move_tech_group(
    group_id: int, body: MoveIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechGroupOut:
    group = await tech_groups.do_move_tech_group(
        db,
        services.bus,
        group_id,
        new_parent_id=body.parent_id,
        **acting(signed),
    )
    return await _out(db, group)


async def delete_tech_group(group_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> None:
    await tech_groups.do_delete_tech_group(db, services.bus, group_id, **acting(signed))


async def assign_channel(
    group_id: int, channel_id: int, body: AssignIn, signed: ChannelsTab, db: DbDep, services: ServicesDep
) -> Changed:
    changed = await channels.do_assign_channel(
        db,
        services.bus,
        channel_id,
        group_id=group_id,
        assigned=body.assigned,
        **acting(signed),
    )
    return Changed(changed=changed)


async def assign_admin(
    group_id: int, admin_id: int, body: AssignIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechGroupOut:
    await admins.do_assign_admin(
        db,
        services.bus,
        admin_id,
        group_id=group_id,
        assigned=body.assigned,
        **acting(signed),
    )
    return await get_tech_group(group_id, signed, db)


async def read_permissions(group_id: int, signed: OrgTab, db: DbDep) -> PermissionsOut:
    await access_tech_group(db, signed.actor, group_id, Action.EDIT_TECH_GROUP)
    grants = await get_permissions(db, group_id)
    return PermissionsOut(tech_group_id=group_id, permissions={k: g.as_dict() for k, g in grants.items()})


async def save_permissions(
    group_id: int, body: PermissionsIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> PermissionsOut:
    grants = await do_save_permissions(
        db,
        **acting(signed),
        group_id=group_id,
        values=body.permissions,
        scope=body.scope,
        bus=services.bus,
    )
    return PermissionsOut(tech_group_id=group_id, permissions={k: g.as_dict() for k, g in grants.items()})
