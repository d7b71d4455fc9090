"""/api/admin/external-groups and /api/admin/external-technicians: approved outside invitees."""

from __future__ import annotations

from lifeline.services.org import external_techs
from lifeline.store.org import ExternalTechGroup, ExternalTechnician
from lifeline.web.admin_api.common import Body, Description, Email, Name, OrgTab, Out, acting
from lifeline.web.deps import DbDep, ServicesDep


class ExternalGroupIn(Body):
    name: Name
    description: Description = ""


class ExternalGroupPatch(Body):
    name: Name | None = None
    description: Description | None = None
    enabled: bool | None = None


class ExternalTechIn(Body):
    name: Name
    email: Email


class ExternalTechPatch(Body):
    name: Name | None = None
    email: Email | None = None
    enabled: bool | None = None


class ExternalGroupOut(Out):
    id: int
    name: str
    description: str
    enabled: bool


class ExternalTechOut(Out):
    id: int
    group_id: int
    name: str
    email: str
    enabled: bool


def _group(group: ExternalTechGroup) -> ExternalGroupOut:
    return ExternalGroupOut.model_validate(group)


def _member(member: ExternalTechnician) -> ExternalTechOut:
    return ExternalTechOut.model_validate(member)


async def create_external_group(
    body: ExternalGroupIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> ExternalGroupOut:
    return _group(
        await external_techs.do_create_external_group(
            db,
            services.bus,
            name=body.name,
            description=body.description,
            **acting(signed),
        )
    )


async def update_external_group(
    group_id: int, body: ExternalGroupPatch, signed: OrgTab, db: DbDep, services: ServicesDep
) -> ExternalGroupOut:
    return _group(
        await external_techs.do_update_external_group(
            db,
            services.bus,
            group_id,
            name=body.name,
            description=body.description,
            enabled=body.enabled,
            **acting(signed),
        )
    )


async def delete_external_group(group_id: int, signed: OrgTab, db: DbDep, services: ServicesDep) -> None:
    await external_techs.do_delete_external_group(db, services.bus, group_id, **acting(signed))


async def add_external_technician(
    group_id: int, body: ExternalTechIn, signed: OrgTab, db: DbDep, services: ServicesDep
) -> ExternalTechOut:
    return _member(
        await external_techs.do_add_external_technician(
            db,
            services.bus,
            group_id,
            name=body.name,
            email=body.email,
            **acting(signed),
        )
    )


async def update_external_technician(
    member_id: int, body: ExternalTechPatch, signed: OrgTab, db: DbDep, services: ServicesDep
) -> ExternalTechOut:
    return _member(
        await external_techs.do_update_external_technician(
            db,
            services.bus,
            member_id,
            name=body.name,
            email=body.email,
            enabled=body.enabled,
            **acting(signed),
        )
    )


async def delete_external_technician(
    member_id: int, signed: OrgTab, db: DbDep, services: ServicesDep
) -> None:
    await external_techs.do_delete_external_technician(db, services.bus, member_id, **acting(signed))
