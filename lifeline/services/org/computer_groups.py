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
from lifeline.services.audit import AuditActor, record_audit, record_changes
from lifeline.services.org.common import Change, Entity, clean_name, clean_text, commit, status_word
from lifeline.store.org import ComputerGroup

SECTION = "Computers"


def describe(group: ComputerGroup) -> dict[str, object]:
    return {"Name": group.name, "Description": group.description, "Status": status_word(group.enabled)}


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
    record_audit(
        session,
        audit_actor,
        entity_type=Entity.COMPUTER_GROUP,
        entity_id=group.id,
        entity_name=name,
        change_type=Change.ADD,
        section=SECTION,
        new=describe(group),
    )
    await commit(session, bus, {"op": "add", "entity": "computer_group", "id": group.id})
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
    new_name = None if name is None else clean_name(name, what="Group name")
    new_description = (
        None if description is None else clean_text(description, field="description", what="Description")
    )
    group = await access_computer_group(session, actor, group_id)
    before = describe(group)
    group.name = new_name if new_name is not None else group.name
    group.description = new_description if new_description is not None else group.description
    group.enabled = group.enabled if enabled is None else enabled
    record_changes(
        session,
        audit_actor,
        entity_type=Entity.COMPUTER_GROUP,
        entity_id=group.id,
        entity_name=group.name,
        section=SECTION,
        before=before,
        after=describe(group),
    )
    await commit(session, bus, {"op": "change", "entity": "computer_group", "id": group.id})
    return group


async def do_delete_computer_group(
    session: AsyncSession, bus: Bus | None, group_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    group = await access_computer_group(session, actor, group_id)
    record_audit(
        session,
        audit_actor,
        entity_type=Entity.COMPUTER_GROUP,
        entity_id=group.id,
        entity_name=group.name,
        change_type=Change.DELETE,
        section=SECTION,
        old=describe(group),
    )
    await session.delete(group)
    await commit(session, bus, {"op": "delete", "entity": "computer_group", "id": group_id})
