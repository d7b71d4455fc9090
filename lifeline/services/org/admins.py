"""Master Administrators and Administrators: accounts, passwords, Technician Group assignments (spec §2-§3).

Only Master Administrators (and the Master Account Holder) create, edit or
delete administrator accounts and assign Administrators to Technician Groups
(drag an Administrator onto a group, §1). Nobody disables or deletes the
Master Account Holder or their own account: the organization must keep
someone who can sign in and repair it. Administrator Groups are in
`admin_groups.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.domain.roles import Role
from lifeline.errors import Conflict, InvalidInput, NotFound
from lifeline.services.access import access_tech_group, require
from lifeline.services.audit import AuditActor
from lifeline.services.auth import end_all_sessions
from lifeline.services.org.common import Change, Entity, Kind, ensure_email_free
from lifeline.services.org.technicians import reset_2sv
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
from lifeline.store.org import AdminAssignment, AdminGroup, User

SECTION = "Organization"
ADMIN_ROLES = (Role.MASTER_ACCOUNT_HOLDER.value, Role.MASTER_ADMIN.value, Role.ADMIN.value)

# Every administrator `org` event names the entity "admin"; the audit log tells roles and links apart.
ADMIN = Kind(Entity.ADMIN, "admin", SECTION, describe_user)
MASTER_ADMIN = Kind(Entity.MASTER_ADMIN, "admin", SECTION, describe_user)
GROUP_LINK = Kind(Entity.ADMIN_GROUP_LINK, "admin", SECTION, describe_user)
TECH_GROUP_LINK = Kind(Entity.ADMIN_LINK, "admin", SECTION, describe_user)


def entity_of(user: User) -> str:
    return _kind(user).entity_type


def _kind(user: User) -> Kind[User]:
    return ADMIN if user.role == Role.ADMIN.value else MASTER_ADMIN


def _describe_with_seat(user: User) -> dict[str, object]:
    """An edit also audits the technician seat, which only administrators can switch."""
    return {**describe_user(user), "Technician seat": user.has_technician_seat}


def _action_for(role: str) -> Action:
    return Action.CREATE_ADMIN if role == Role.ADMIN.value else Action.CREATE_MASTER_ADMIN


async def access_admin(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """An administrator account the actor (a master) may manage; `NotFound` for anything else."""
    require(actor, Action.CREATE_ADMIN)
    user = await session.get(User, user_id)
    if user is None or user.role not in ADMIN_ROLES:
        raise NotFound(f"Administrator {user_id} not found.")
    require(actor, _action_for(user.role))
    return user


async def _check_admin_group(session: AsyncSession, role: str, admin_group_id: int | None) -> None:
    if admin_group_id is None:
        return
    if role != Role.ADMIN.value:
        raise InvalidInput("Only Administrators belong to Administrator Groups.", field="admin_group_id")
    if await session.get(AdminGroup, admin_group_id) is None:
        raise InvalidInput(f"Administrator Group {admin_group_id} does not exist.", field="admin_group_id")


async def do_create_admin(
    session: AsyncSession,
    bus: Bus | None,
    *,
    role: str,
    profile: Profile,
    password: str,
    admin_group_id: int | None = None,
    has_technician_seat: bool = False,
    actor: Actor,
    audit_actor: AuditActor,
    now: datetime,
) -> User:
    """Create a Master Administrator (`role="master_admin"`) or an Administrator (`role="admin"`)."""
    if role not in (Role.MASTER_ADMIN.value, Role.ADMIN.value):
        raise InvalidInput("Role must be master_admin or admin.", field="role")
    require(actor, _action_for(role))
    cleaned = profile.cleaned()
    require_name_and_email(cleaned, "An administrator")
    assert cleaned.email is not None  # required just above
    await check_password(session, password)
    await _check_admin_group(session, role, admin_group_id)
    await ensure_email_free(session, cleaned.email)
    user = User(
        role=role,
        name=cleaned.name,
        email=cleaned.email,
        admin_group_id=admin_group_id,
        has_technician_seat=has_technician_seat,
        standard_license=has_technician_seat,
        mobile_license=False,
        enabled=True if cleaned.enabled is None else cleaned.enabled,
    )
    await insert_user(
        session, user, cleaned, password=password, now=now, kind=_kind(user), audit_actor=audit_actor
    )
    if admin_group_id is not None:
        GROUP_LINK.audit(
            session,
            audit_actor,
            user,
            change_type=Change.ASSIGN,
            field="Administrator Group",
            new=admin_group_id,
        )
    await _kind(user).commit(session, bus, "add", user.id)
    return user


def _protect(actor: Actor, user: User, verb: str) -> None:
    """Keep someone able to sign in and repair the organization."""
    if user.role == Role.MASTER_ACCOUNT_HOLDER.value:
        raise Conflict(f"You cannot {verb} the Master Account Holder.")
    if user.id == actor.user_id:
        raise Conflict(f"You cannot {verb} your own account.")


async def do_update_admin(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    profile: Profile,
    has_technician_seat: bool | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> User:
    cleaned = profile.cleaned()
    user = await access_admin(session, actor, user_id)
    if cleaned.enabled is False and user.enabled:
        _protect(actor, user, "disable")
    before = _describe_with_seat(user)
    await apply_profile(session, user, cleaned)
    if has_technician_seat is not None:
        user.has_technician_seat = has_technician_seat
        user.standard_license = has_technician_seat
    await check_licences(session, user)
    if not user.enabled:
        await end_all_sessions(session, user.id)
    await _kind(user).commit_changes(session, bus, audit_actor, user, before, _describe_with_seat(user))
    return user


async def do_set_admin_group(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    admin_group_id: int | None,
    actor: Actor,
    audit_actor: AuditActor,
) -> User:
    """Put an Administrator in an Administrator Group (at most one, §3), or take them out (`None`)."""
    user = await access_admin(session, actor, user_id)
    require(actor, Action.MANAGE_ADMIN_GROUPS)
    await _check_admin_group(session, user.role, admin_group_id)
    old = user.admin_group_id
    user.admin_group_id = admin_group_id
    if old != admin_group_id:
        GROUP_LINK.audit(
            session,
            audit_actor,
            user,
            change_type=Change.UNASSIGN if admin_group_id is None else Change.ASSIGN,
            field="Administrator Group",
            old=old,
            new=admin_group_id,
        )
    await _kind(user).commit(session, bus, "change", user.id)
    return user


async def do_delete_admin(
    session: AsyncSession, bus: Bus | None, user_id: int, *, actor: Actor, audit_actor: AuditActor
) -> None:
    user = await access_admin(session, actor, user_id)
    _protect(actor, user, "delete")
    await _kind(user).commit_delete(session, bus, audit_actor, user)


async def do_set_admin_password(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    password: str,
    actor: Actor,
    audit_actor: AuditActor,
    now: datetime,
) -> User:
    user = await access_admin(session, actor, user_id)
    await commit_password_set(
        session, bus, user, password=password, now=now, kind=_kind(user), audit_actor=audit_actor
    )
    return user


async def do_reset_admin_2sv(
    session: AsyncSession, bus: Bus | None, user_id: int, *, actor: Actor, audit_actor: AuditActor
) -> User:
    user = await access_admin(session, actor, user_id)
    reset_2sv(session, audit_actor, user, entity_of(user))
    await _kind(user).commit(session, bus, "change", user.id)
    return user


async def do_assign_admin(
    session: AsyncSession,
    bus: Bus | None,
    user_id: int,
    *,
    group_id: int,
    assigned: bool,
    actor: Actor,
    audit_actor: AuditActor,
) -> User:
    """Make an Administrator responsible for a Technician Group and its sub-groups, or undo it."""
    user = await access_admin(session, actor, user_id)
    if user.role != Role.ADMIN.value:
        raise InvalidInput(
            "Master Administrators already administer every group; only Administrators are assigned.",
            field="admin_id",
        )
    group = await access_tech_group(session, actor, group_id, Action.EDIT_TECH_GROUP)
    existing = await session.scalar(
        select(AdminAssignment).where(
            AdminAssignment.admin_id == user.id, AdminAssignment.tech_group_id == group.id
        )
    )
    if assigned and existing is None:
        session.add(AdminAssignment(admin_id=user.id, tech_group_id=group.id))
    elif not assigned and existing is not None:
        await session.delete(existing)
    else:
        return user  # already in the requested state: nothing to audit
    TECH_GROUP_LINK.audit(
        session,
        audit_actor,
        user,
        change_type=Change.ASSIGN if assigned else Change.UNASSIGN,
        field="Technician Group",
        old=None if assigned else group.name,
        new=group.name if assigned else None,
    )
    await ADMIN.commit(session, bus, "assign" if assigned else "unassign", user.id, tech_group_id=group.id)
    return user


async def assigned_group_ids(session: AsyncSession, user_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(AdminAssignment.tech_group_id)
            .where(AdminAssignment.admin_id == user_id)
            .order_by(AdminAssignment.tech_group_id)
        )
    )
