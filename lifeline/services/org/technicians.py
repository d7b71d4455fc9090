"""Technicians: create, edit, move, delete, set password, force 2SV reset (spec part1 §2, §10, §18).

A technician always belongs to exactly one Technician Group and inherits its
permissions. Masters manage any technician; an Administrator only those in
their assigned sub-trees, and may move a technician only between groups they
administer. `add_technician` is the non-committing core shared with the bulk
import, which runs it once per row inside a savepoint.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.domain.roles import Role
from lifeline.services.access import access_tech_group, access_technician
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.auth import end_all_sessions
from lifeline.services.org.common import Change, Entity, Kind, ensure_email_free
from lifeline.services.org.users import (
    Profile,
    apply_profile,
    check_licences,
    check_password,
    commit_password_set,
    describe_user,
    insert_user,
    require_name_and_email,
)
from lifeline.store.org import User

SECTION = "Organization"
KIND = Kind(Entity.TECHNICIAN, "technician", SECTION, describe_user)


async def add_technician(
    session: AsyncSession,
    *,
    group_id: int,
    profile: Profile,
    password: str,
    standard_license: bool = True,
    mobile_license: bool = False,
    never_auto_start: bool = False,
    provisioned_by: str = "manual",
    actor: Actor,
    audit_actor: AuditActor,
    now: datetime,
) -> User:
    """Validate and insert one technician with its audit row; the caller commits."""
    cleaned = profile.cleaned()
    require_name_and_email(cleaned, "A technician")
    assert cleaned.email is not None  # required just above
    await check_password(session, password)
    await access_tech_group(session, actor, group_id, Action.MANAGE_TECHNICIANS)
    await ensure_email_free(session, cleaned.email)
    user = User(
        role=Role.TECHNICIAN.value,
        name=cleaned.name,
        email=cleaned.email,
        tech_group_id=group_id,
        has_technician_seat=True,
        standard_license=standard_license,
        mobile_license=mobile_license,
        never_auto_start=never_auto_start,
        provisioned_by=provisioned_by,
        enabled=True if cleaned.enabled is None else cleaned.enabled,
    )
    await insert_user(session, user, cleaned, password=password, now=now, kind=KIND, audit_actor=audit_actor)
    return user


async def do_create_technician(
    session: AsyncSession,
    bus: Bus | None,
    *,
    group_id: int,
    profile: Profile,
    password: str,
    standard_license: bool = True,
    mobile_license: bool = False,
    never_auto_start: bool = False,
    actor: Actor,
    audit_actor: AuditActor,
    now: datetime,
) -> User:
    user = await add_technician(
        session,
        group_id=group_id,
        profile=profile,
        password=password,
        standard_license=standard_license,
        mobile_license=mobile_license,
        never_auto_start=never_auto_start,
        actor=actor,
        audit_actor=audit_actor,
        now=now,
    )
    await KIND.commit(session, bus, "add", user.id, tech_group_id=group_id)
    return user


async def do_update_technician(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    profile: Profile,
    standard_license: bool | None = None,
    mobile_license: bool | None = None,
    never_auto_start: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> User:
    """Change profile fields, licences, status or the auto-start opt-out; `None` keeps a field."""
    cleaned = profile.cleaned()
    user = await access_technician(session, actor, user_id, Action.MANAGE_TECHNICIANS)
    before = describe_user(user)
    await apply_profile(session, user, cleaned)
    for attr, value in (
        ("standard_license", standard_license),
        ("mobile_license", mobile_license),
        ("never_auto_start", never_auto_start),
    ):
        if value is not None:
            setattr(user, attr, value)
    await check_licences(session, user)
    if before["Status"] != describe_user(user)["Status"] and not user.enabled:
        await end_all_sessions(session, user.id)  # a disabled technician is signed out everywhere
    await KIND.commit_changes(session, bus, audit_actor, user, before)
    return user


async def do_move_technician(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    group_id: int,
    actor: Actor,
    audit_actor: AuditActor,
) -> User:
    """ "Move to Technician Group": the actor needs both the technician and the destination group."""
    user = await access_technician(session, actor, user_id, Action.MANAGE_TECHNICIANS)
    destination = await access_tech_group(session, actor, group_id, Action.MANAGE_TECHNICIANS)
    old_group = user.tech_group_id
    user.tech_group_id = destination.id
    await KIND.commit_move(
        session,
        bus,
        audit_actor,
        user,
        field="Technician Group",
        old=old_group,
        new=destination.id,
        tech_group_id=group_id,
    )
    return user


async def do_delete_technician(
    session: AsyncSession, bus: Bus | None, user_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    user = await access_technician(session, actor, user_id, Action.MANAGE_TECHNICIANS)
    await KIND.commit_delete(session, bus, audit_actor, user)


async def do_set_technician_password(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    password: str,
    actor: Actor,
    audit_actor: AuditActor,
    now: datetime,
) -> User:
    user = await access_technician(session, actor, user_id, Action.MANAGE_TECHNICIANS)
    await commit_password_set(
        session, bus, user, password=password, now=now, kind=KIND, audit_actor=audit_actor
    )
    return user


async def do_force_2sv_reset(
    session: AsyncSession, bus: Bus | None, user_id: int, *, actor: Actor, audit_actor: AuditActor
) -> User:
    """ "Force two-step verification reset" (§10): the next sign-in enrols a new authenticator."""
    user = await access_technician(session, actor, user_id, Action.RESET_2SV)
    reset_2sv(session, audit_actor, user, KIND.entity_type)
    await KIND.commit(session, bus, "change", user.id)
    return user


def reset_2sv(session: AsyncSession, audit_actor: AuditActor, user: User, entity_type: str) -> None:
    """Forget the enrolled authenticator; shared with administrators' reset."""
    was = "Set" if user.totp_enrolled else "Not set"
    user.totp_secret = ""
    user.totp_enrolled = False
    user.totp_last_step = 0
    record_audit(
        session,
        audit_actor,
        entity_type=entity_type,
        entity_id=user.id,
        entity_name=user.name,
        change_type=Change.CHANGE,
        section=SECTION,
        field="Two-step verification",
        old=was,
        new="Not set",
    )
