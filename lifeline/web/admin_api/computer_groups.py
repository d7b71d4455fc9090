"""/api/admin/computer-groups: Computer Groups under Technician Groups (unattended access, §27)."""

from __future__ import annotations

from lifeline.services.org import computer_groups
from lifeline.store.org import ComputerGroup
from lifeline.web.admin_api.common import Body, ComputersTab, Description, Id, Name, Out, acting
from lifeline.web.deps import DbDep, ServicesDep


class ComputerGroupIn(Body):
    tech_group_id: Id
    name: Name
    description: Description = ""


class ComputerGroupPatch(Body):
    name: Name | None = None
    description: Description | None = None
    enabled: bool | None = None


class ComputerGroupOut(Out):
    id: int
    tech_group_id: int
    name: str
    description: str
    enabled: bool


def _out(group: ComputerGroup) -> ComputerGroupOut:
    return ComputerGroupOut.model_validate(group)


async def create_computer_group(
    body: ComputerGroupIn, signed: ComputersTab, db: DbDep, services: ServicesDep
) -> ComputerGroupOut:
    return _out(
        await computer_groups.do_create_computer_group(
            db,
            services.bus,
            tech_group_id=body.tech_group_id,
            name=body.name,
            description=body.description,
            **acting(signed),
        )
    )


async def get_computer_group(group_id: int, signed: ComputersTab, db: DbDep) -> ComputerGroupOut:
    return _out(await computer_groups.access_computer_group(db, signed.actor, group_id))


async def update_computer_group(
    group_id: int, body: ComputerGroupPatch, signed: ComputersTab, db: DbDep, services: ServicesDep
) -> ComputerGroupOut:
    return _out(
        await computer_groups.do_update_computer_group(
            db,
            services.bus,
            group_id,
            name=body.name,
            description=body.description,
            enabled=body.enabled,
            **acting(signed),
        )
    )


async def delete_computer_group(
    group_id: int, signed: ComputersTab, db: DbDep, services: ServicesDep
) -> None:
    await computer_groups.do_delete_computer_group(db, services.bus, group_id, **acting(signed))
