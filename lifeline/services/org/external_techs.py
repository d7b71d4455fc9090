"""External Technician Groups and their approved members (spec §2; part B L4852-4990).

An external technician is not a user: they never sign in here, they are the
"approved" people a technician may invite when the group's *Invite external
technicians* permission says `approved_only`. The §31 matrix has no row for
this list; it is account-wide, so Master Administrators manage it (the
domain has no Action for it, hence `require_master`).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Actor
from lifeline.errors import Conflict, NotFound
from lifeline.services.audit import AuditActor
from lifeline.services.org.common import (
    Entity,
    Kind,
    clean_edit,
    clean_email,
    clean_name,
    clean_text,
    require_master,
    status_word,
)
from lifeline.store.org import ExternalTechGroup, ExternalTechnician

SECTION = "External Technicians"


def describe_group(group: ExternalTechGroup) -> dict[str, object]:
    return {"Name": group.name, "Description": group.description, "Status": status_word(group.enabled)}


def describe_member(member: ExternalTechnician) -> dict[str, object]:
    return {"Name": member.name, "Email": member.email, "Status": status_word(member.enabled)}


GROUP = Kind(Entity.EXTERNAL_GROUP, "external_group", SECTION, describe_group)
MEMBER = Kind(Entity.EXTERNAL_TECH, "external_technician", SECTION, describe_member)


async def access_external_group(session: AsyncSession, actor: Actor, group_id: int) -> ExternalTechGroup:
    require_master(actor)
    group = await session.get(ExternalTechGroup, group_id)
    if group is None:
        raise NotFound(f"External Technician Group {group_id} not found.")
    return group


async def access_external_member(session: AsyncSession, actor: Actor, member_id: int) -> ExternalTechnician:
    require_master(actor)
    member = await session.get(ExternalTechnician, member_id)
    if member is None:
        raise NotFound(f"External technician {member_id} not found.")
    return member


async def do_create_external_group(
    session: AsyncSession,
    bus: Bus | None,
    *,
    name: str,
    description: str = "",
    actor: Actor,
    audit_actor: AuditActor,
) -> ExternalTechGroup:
    require_master(actor)
    group = ExternalTechGroup(
        name=clean_name(name, what="Group name"),
        description=clean_text(description, field="description", what="Description"),
    )
    session.add(group)
    await session.flush()
    await GROUP.commit_add(session, bus, audit_actor, group)
    return group


async def do_update_external_group(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    enabled: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> ExternalTechGroup:
    new_name, new_description = clean_edit(name, description)
    group = await access_external_group(session, actor, group_id)
    await GROUP.commit_update(
        session, bus, audit_actor, group, name=new_name, description=new_description, enabled=enabled
    )
    return group


async def do_delete_external_group(
    session: AsyncSession, bus: Bus | None, group_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    """Deleting the group removes its approvals too: they exist only as members of it."""
    group = await access_external_group(session, actor, group_id)
    await GROUP.commit_delete(session, bus, audit_actor, group)


async def do_add_external_technician(
    session: AsyncSession,
    bus: Bus | None,
    group_id: int,
    *,
    name: str,
    email: str,
    actor: Actor,
    audit_actor: AuditActor,
) -> ExternalTechnician:
    clean = clean_name(name)
    address = clean_email(email)
    group = await access_external_group(session, actor, group_id)
    duplicate = await session.scalar(
        select(func.count())
        .select_from(ExternalTechnician)
        .where(ExternalTechnician.group_id == group.id, func.lower(ExternalTechnician.email) == address)
    )
    if duplicate:
        raise Conflict(f"{address} is already approved in {group.name!r}.", field="email")
    member = ExternalTechnician(group_id=group.id, name=clean, email=address)
    session.add(member)
    await session.flush()
    await MEMBER.commit_add(session, bus, audit_actor, member)
    return member


async def do_update_external_technician(
    session: AsyncSession,
    bus: Bus | None,
    member_id: int,
    *,
    name: str | None = None,
    email: str | None = None,
    enabled: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> ExternalTechnician:
    new_name = None if name is None else clean_name(name)
    new_email = None if email is None else clean_email(email)
    member = await access_external_member(session, actor, member_id)
    await MEMBER.commit_update(
        session, bus, audit_actor, member, name=new_name, email=new_email, enabled=enabled
    )
    return member


async def do_delete_external_technician(
    session: AsyncSession, bus: Bus | None, member_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    member = await access_external_member(session, actor, member_id)
    await MEMBER.commit_delete(session, bus, audit_actor, member)
