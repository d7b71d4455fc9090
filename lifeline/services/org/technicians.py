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
from lifeline.errors import InvalidInput
from lifeline.services.access import access_tech_group, access_technician
from lifeline.services.audit import AuditActor, record_audit, record_changes
from lifeline.services.auth import end_all_sessions
from lifeline.services.org.common import Change, Entity, commit, ensure_email_free
from lifeline.services.org.users import (
    Profile,
    apply_profile,
    audit_password_set,
    check_licences,
    check_password,
    describe_user,
    set_password_by_admin,
)
from lifeline.store.org import User

SECTION = "Organization"


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
    if not cleaned.name or not cleaned.email:
        raise InvalidInput(
            "A technician needs a name and an email address.", field="name" if not cleaned.name else "email"
        )
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
    await apply_profile(
        session,
        user,
        Profile(nickname=cleaned.nickname, sso_id=cleaned.sso_id, description=cleaned.description),
    )
    await check_licences(session, user)
    await set_password_by_admin(session, user, password, now)
    session.add(user)
    await session.flush()
    record_audit(
        session,
        audit_actor,
        entity_type=Entity.TECHNICIAN,
        entity_id=user.id,
        entity_name=user.name,
        change_type=Change.ADD,
        section=SECTION,
        new=describe_user(user),
    )
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
    await commit(
        session, bus, {"op": "add", "entity": "technician", "id": user.id, "tech_group_id": group_id}
    )
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
    record_changes(
        session,
        audit_actor,
        entity_type=Entity.TECHNICIAN,
        entity_id=user.id,
        entity_name=user.name,
        section=SECTION,
        before=before,
        after=describe_user(user),
    )
    await commit(session, bus, {"op": "change", "entity": "technician", "id": user.id})
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
    record_audit(
        session,
        audit_actor,
        entity_type=Entity.TECHNICIAN,
        entity_id=user.id,
        entity_name=user.name,
        change_type=Change.MOVE,
        section=SECTION,
        field="Technician Group",
        old=old_group,
        new=destination.id,
    )
    await commit(
        session, bus, {"op": "move", "entity": "technician", "id": user.id, "tech_group_id": group_id}
    )
    return user


async def do_delete_technician(
    session: AsyncSession, bus: Bus | None, user_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    user = await access_technician(session, actor, user_id, Action.MANAGE_TECHNICIANS)
    record_audit(
        session,
        audit_actor,
        entity_type=Entity.TECHNICIAN,
        entity_id=user.id,
        entity_name=user.name,
        change_type=Change.DELETE,
        section=SECTION,
        old=describe_user(user),
    )
    await session.delete(user)
    await commit(session, bus, {"op": "delete", "entity": "technician", "id": user_id})


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
    await set_password_by_admin(session, user, password, now)
    audit_password_set(session, audit_actor, user, Entity.TECHNICIAN)
    await commit(session, bus, {"op": "change", "entity": "technician", "id": user.id})
    return user


async def do_force_2sv_reset(
    session: AsyncSession, bus: Bus | None, user_id: int, *, actor: Actor, audit_actor: AuditActor
) -> User:
    """ "Force two-step verification reset" (§10): the next sign-in enrols a new authenticator."""
    user = await access_technician(session, actor, user_id, Action.RESET_2SV)
    reset_2sv(session, audit_actor, user, Entity.TECHNICIAN)
    await commit(session, bus, {"op": "change", "entity": "technician", "id": user.id})
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
