"""/api/admin/admins and /api/admin/admin-groups: administrator accounts and Administrator Groups."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lifeline.domain.roles import RestrictedGrant, RightsMode
from lifeline.services.org import admin_groups, admins
from lifeline.services.org.users import Profile
from lifeline.store.org import AdminGroup, User
from lifeline.web.admin_api.common import (
    Body,
    Description,
    Email,
    Id,
    Name,
    OrgTab,
    Out,
    Password,
    acting,
)
from lifeline.web.deps import DbDep, ServicesDep


class AdminIn(Body):
    role: Literal["master_admin", "admin"]
    name: Name
    email: Email
    password: Password
    nickname: str = Field("", max_length=128)
    sso_id: str = Field("", max_length=128)
    description: Description = ""
    enabled: bool = True
    admin_group_id: Id | None = None
    has_technician_seat: bool = False


class AdminPatch(Body):
    name: Name | None = None
    email: Email | None = None
    nickname: str | None = Field(None, max_length=128)
    sso_id: str | None = Field(None, max_length=128)
    description: Description | None = None
    enabled: bool | None = None
    has_technician_seat: bool | None = None


class AdminGroupMembershipIn(Body):
    admin_group_id: Id | None = Field(description="null takes the Administrator out of their group.")


class PasswordIn(Body):
    password: Password


class AdminOut(Out):
    id: int
    role: str
    name: str
    nickname: str
    email: str
    sso_id: str
    description: str
    enabled: bool
    admin_group_id: int | None
    has_technician_seat: bool
    must_change_password: bool
    totp_enrolled: bool
    assigned_tech_group_ids: list[int] = Field(default_factory=list)


class AdminGroupIn(Body):
    name: Name
    description: Description = ""
    parent_id: Id | None = None
    enabled: bool = True
    rights_mode: RightsMode = RightsMode.STANDARD
    grants: list[RestrictedGrant] = Field(default_factory=list, max_length=len(RestrictedGrant))
    command_center_only: bool = False


class AdminGroupPatch(Body):
    name: Name | None = None
    description: Description | None = None
    enabled: bool | None = None
    rights_mode: RightsMode | None = None
    grants: list[RestrictedGrant] | None = Field(None, max_length=len(RestrictedGrant))
    command_center_only: bool | None = None


class MoveIn(Body):
    parent_id: Id | None


class AdminGroupOut(Out):
    id: int
    name: str
    description: str
    enabled: bool
    parent_id: int | None
    rights_mode: str
    grants: list[str]
    command_center_only: bool


async def _out(db: DbDep, user: User) -> AdminOut:
    out = AdminOut.model_validate(user)
    out.assigned_tech_group_ids = await admins.assigned_group_ids(db, user.id)
    return out


def _group_out(group: AdminGroup) -> AdminGroupOut:
    return AdminGroupOut.model_validate(group)


async def create_admin(body: AdminIn, signed: OrgTab, db: DbDep, services: ServicesDep) -> AdminOut:
    user = await admins.do_create_admin(
        db,
        services.bus,
        role=body.role,
        profile=Profile.of(body),
        password=body.password,
        admin_group_id=body.admin_group_id,
        has_technician_seat=body.has_technician_seat,
        **acting(signed),
        now=services.now(),
    )
    return await _out(db, user)


async def get_admin(user_id: int, signed: OrgTab, db: DbDep) -> AdminOut:
    return await _out(db, await admins.access_admin(db, signed.actor, user_id))


async def update_admin(
    user_id: int, body: AdminPatch, signed: OrgTab, db: DbDep, services: ServicesDep
) -> AdminOut:
    user = await admins.do_update_admin(
        db,
        services.bus,
        user_id,
        profile=Profile.of(body),
        has_technician_seat=body.has_technician_seat,
        **acting(signed),
    )
    return await _out(db, user)


async def set_admin_group(
    user_id: int, body: AdminGroupMembershipIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> AdminOut:
    user = await admins.do_set_admin_group(
        db,
        services.bus,
        user_id,
        admin_group_id=body.admin_group_id,
        **acting(signed),
    )
    return await _out(db, user)


async def set_admin_password(
    user_id: int, body: PasswordIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> AdminOut:
    user = await admins.do_set_admin_password(
        db,
        services.bus,
        user_id,
        password=body.password,
        **acting(signed),
        now=services.now(),
    )
    return await _out(db, user)


async def reset_admin_2sv(user_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> AdminOut:
    user = await admins.do_reset_admin_2sv(db, services.bus, user_id, **acting(signed))
    return await _out(db, user)


async def delete_admin(user_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> None:
    await admins.do_delete_admin(db, services.bus, user_id, **acting(signed))


async def create_admin_group(
    body: AdminGroupIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> AdminGroupOut:
    group = await admin_groups.do_create_admin_group(
        db,
        services.bus,
        name=body.name,
        description=body.description,
        parent_id=body.parent_id,
        enabled=body.enabled,
        rights_mode=body.rights_mode.value,
        grants=[g.value for g in body.grants],
        command_center_only=body.command_center_only,
        **acting(signed),
    )
    return _group_out(group)


async def get_admin_group(group_id: int, signed: OrgTab, db: DbDep) -> AdminGroupOut:
    return _group_out(await admin_groups.access_admin_group(db, signed.actor, group_id))


async def update_admin_group(
    group_id: int, body: AdminGroupPatch, signed: OrgTab, db: DbDep, services: ServicesDep
) -> AdminGroupOut:
    group = await admin_groups.do_update_admin_group(
        db,
        services.bus,
        group_id,
        name=body.name,
        description=body.description,
        enabled=body.enabled,
        rights_mode=None if body.rights_mode is None else body.rights_mode.value,
        grants=None if body.grants is None else [g.value for g in body.grants],
        command_center_only=body.command_center_only,
        **acting(signed),
    )
    return _group_out(group)


async def move_admin_group(
    group_id: int, body: MoveIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> AdminGroupOut:
    group = await admin_groups.do_move_admin_group(
        db,
        services.bus,
        group_id,
        new_parent_id=body.parent_id,
        **acting(signed),
    )
    return _group_out(group)


async def delete_admin_group(group_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> None:
    await admin_groups.do_delete_admin_group(db, services.bus, group_id, **acting(signed))
