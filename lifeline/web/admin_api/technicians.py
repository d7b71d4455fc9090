"""/api/admin/technicians: technician accounts, their password, 2SV reset and channel exclusions."""

from __future__ import annotations

from pydantic import Field

from lifeline.domain.authorization import Action
from lifeline.services.access import access_technician
from lifeline.services.org import channels, technicians
from lifeline.services.org.users import Profile
from lifeline.store.org import User
from lifeline.web.admin_api.common import (
    Body,
    Changed,
    ChannelsTab,
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

NICKNAME = Field(None, max_length=128, description="Shown to customers instead of the name.")


class TechnicianIn(Body):
    group_id: Id
    name: Name
    email: Email
    password: Password
    nickname: str = Field("", max_length=128)
    sso_id: str = Field("", max_length=128)
    description: Description = ""
    enabled: bool = True
    standard_license: bool = True
    mobile_license: bool = False
    never_auto_start: bool = False


class TechnicianPatch(Body):
    name: Name | None = None
    email: Email | None = None
    nickname: str | None = NICKNAME
    sso_id: str | None = Field(None, max_length=128)
    description: Description | None = None
    enabled: bool | None = None
    standard_license: bool | None = None
    mobile_license: bool | None = None
    never_auto_start: bool | None = None


class MoveIn(Body):
    group_id: Id


class PasswordIn(Body):
    password: Password


class ChannelExclusionIn(Body):
    assigned: bool = Field(description="false takes the technician off this channel of their group.")


class TechnicianOut(Out):
    id: int
    name: str
    nickname: str
    email: str
    sso_id: str
    description: str
    enabled: bool
    tech_group_id: int | None
    standard_license: bool
    mobile_license: bool
    never_auto_start: bool
    must_change_password: bool
    totp_enrolled: bool


class TechnicianChannelOut(Out):
    channel_id: int
    name: str
    assigned: bool


def _out(user: User) -> TechnicianOut:
    return TechnicianOut.model_validate(user)


async def create_technician(
    body: TechnicianIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechnicianOut:
    user = await technicians.do_create_technician(
        db,
        services.bus,
        group_id=body.group_id,
        profile=Profile.of(body),
        password=body.password,
        standard_license=body.standard_license,
        mobile_license=body.mobile_license,
        never_auto_start=body.never_auto_start,
        **acting(signed),
        now=services.now(),
    )
    return _out(user)


async def get_technician(user_id: int, signed: OrgTab, db: DbDep) -> TechnicianOut:
    return _out(await access_technician(db, signed.actor, user_id, Action.MANAGE_TECHNICIANS))


async def update_technician(
    user_id: int, body: TechnicianPatch, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechnicianOut:
    user = await technicians.do_update_technician(
        db,
        services.bus,
        user_id,
        profile=Profile.of(body),
        standard_license=body.standard_license,
        mobile_license=body.mobile_license,
        never_auto_start=body.never_auto_start,
        **acting(signed),
    )
    return _out(user)


async def move_technician(
    user_id: int, body: MoveIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechnicianOut:
    return _out(
        await technicians.do_move_technician(
            db,
            services.bus,
            user_id,
            group_id=body.group_id,
            **acting(signed),
        )
    )


async def set_password(
    user_id: int, body: PasswordIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> TechnicianOut:
    return _out(
        await technicians.do_set_technician_password(
            db,
            services.bus,
            user_id,
            password=body.password,
            **acting(signed),
            now=services.now(),
        )
    )


async def reset_2sv(user_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> TechnicianOut:
    return _out(
        await technicians.do_force_2sv_reset(db, services.bus, user_id, **acting(signed))
    )


async def delete_technician(user_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> None:
    await technicians.do_delete_technician(db, services.bus, user_id, **acting(signed))


async def list_technician_channels(
    user_id: int, signed: ChannelsTab, db: DbDep
) -> list[TechnicianChannelOut]:
    user = await access_technician(db, signed.actor, user_id, Action.ASSIGN_CHANNELS)
    rows = await channels.technician_channels(db, user.id, user.tech_group_id)
    return [TechnicianChannelOut.model_validate(row) for row in rows]


async def set_technician_channel(
    user_id: int,
    channel_id: int,
    body: ChannelExclusionIn,
    signed: ChannelsTab,
    db: DbDep,
    services: ServicesDep,
) -> Changed:
    changed = await channels.do_set_channel_exclusion(
        db,
        services.bus,
        channel_id,
        technician_id=user_id,
        excluded=not body.assigned,
        **acting(signed),
    )
    return Changed(changed=changed)
