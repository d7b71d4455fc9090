"""Computer Groups: named folders for unattended computers under a Technician Group (spec §27).

They are created from a Technician Group (right-click → Create Computer Group)
and managed by whoever manages that group's computers. Deleting one removes
only the folder and its computer assignments (the computers stay enrolled).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor, decide
from lifeline.errors import NotFound
from lifeline.services.access import access_tech_group
from lifeline.services.audit import AuditActor
from lifeline.services.org.common import Entity, Kind, clean_edit, clean_name, clean_text, status_word
from lifeline.store.org import ComputerGroup

SECTION = "Computers"


def describe(group: ComputerGroup) -> dict[str, object]:
    return {"Name": group.name, "Description": group.description, "Status": status_word(group.enabled)}


KIND = Kind(Entity.COMPUTER_GROUP, "computer_group", SECTION, describe)


async def access_computer_group(session: AsyncSession, actor: Actor, group_id: int) -> ComputerGroup:
    group = await session.get(ComputerGroup, group_id)
    if group is None or not decide(actor, Action.MANAGE_COMPUTERS, group_id=group.tech_group_id):
        raise NotFound(f"Computer Group {group_id} not found.")
    return group


async def do_create_computer_group(
    session: AsyncSession,
    bus: Bus | None,
    *,
    tech_group_id: int,
    name: str,
    description: str = "",
    actor: Actor,
    audit_actor: AuditActor,
) -> ComputerGroup:
    name = clean_name(name, what="Group name")
    description = clean_text(description, field="description", what="Description")
    await access_tech_group(session, actor, tech_group_id, Action.MANAGE_COMPUTERS)
    group = ComputerGroup(tech_group_id=tech_group_id, name=name, description=description)
    session.add(group)
    await session.flush()
    await KIND.commit_add(session, bus, audit_actor, group)
    return group


async def do_update_computer_group(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    enabled: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> ComputerGroup:
    new_name, new_description = clean_edit(name, description)
    group = await access_computer_group(session, actor, group_id)
    await KIND.commit_update(
        session, bus, audit_actor, group, name=new_name, description=new_description, enabled=enabled
    )
    return group


async def do_delete_computer_group(
    session: AsyncSession, bus: Bus | None, group_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    group = await access_computer_group(session, actor, group_id)
    await KIND.commit_delete(session, bus, audit_actor, group)
