"""Helpers shared by every kind of user account (technicians, administrators, master administrators).

Profile validation, the licence pools (spec §2: Standard and Mobile licences
drawn from the account's totals), and an administrator setting someone's
password under the global password policy (§9), including "Admin password
changes force user to change password at next logon".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.password_policy import Strength, check_new_password
from lifeline.errors import Conflict, InvalidInput
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.auth import end_all_sessions
from lifeline.services.org.common import (
    Kind,
    clean_email,
    clean_name,
    clean_text,
    ensure_email_free,
    status_word,
)
from lifeline.services.passwords import hash_password
from lifeline.services.settings import get_global_setting
from lifeline.store.org import NAME_MAX, Account, User

STRENGTH_OF_SETTING = {"good": Strength.GOOD, "strong": Strength.STRONG, "excellent": Strength.EXCELLENT}


class ProfileFields(Protocol):
    """Anything that names the Organization-tab fields as `Profile` does: a request body, an import row."""

    @property
    def name(self) -> str | None: ...

    @property
    def email(self) -> str | None: ...

    @property
    def nickname(self) -> str | None: ...

    @property
    def sso_id(self) -> str | None: ...

    @property
    def description(self) -> str | None: ...

    @property
    def enabled(self) -> bool | None: ...


@dataclass
class Profile:
    """The Organization-tab fields every user has; `None` = leave unchanged (on edits)."""

    name: str | None = None
    email: str | None = None
    nickname: str | None = None
    sso_id: str | None = None
    description: str | None = None
    enabled: bool | None = None

    @classmethod
    def of(cls, fields: ProfileFields) -> Profile:
        """The profile part of a request body or import row, which name their fields as `Profile` does."""
        return cls(
            name=fields.name,
            email=fields.email,
            nickname=fields.nickname,
            sso_id=fields.sso_id,
            description=fields.description,
            enabled=fields.enabled,
        )

    def cleaned(self) -> Profile:
        return Profile(
            name=None if self.name is None else clean_name(self.name),
            email=None if self.email is None else clean_email(self.email),
            nickname=None
            if self.nickname is None
            else clean_text(self.nickname, field="nickname", what="Nickname", limit=NAME_MAX),
            sso_id=None
            if self.sso_id is None
            else clean_text(self.sso_id, field="sso_id", what="Single Sign-On ID", limit=NAME_MAX),
            description=None
            if self.description is None
            else clean_text(self.description, field="description", what="Description"),
            enabled=self.enabled,
        )


def describe_user(user: User) -> dict[str, object]:
    """The audited fields of a user (never the password hash or 2SV secret)."""
    return {
        "Name": user.name,
        "Nickname": user.nickname,
        "Email": user.email,
        "Single Sign-On ID": user.sso_id,
        "Description": user.description,
        "Status": status_word(user.enabled),
        "Standard license": user.standard_license,
        "Mobile license": user.mobile_license,
        "Never auto-start waiting channel sessions": user.never_auto_start,
    }


async def apply_profile(session: AsyncSession, user: User, profile: Profile) -> None:
    """Write the non-`None` fields of an already cleaned profile; the email must stay unique."""
    if profile.email is not None and profile.email != user.email:
        await ensure_email_free(session, profile.email, except_user_id=user.id)
        user.email = profile.email
    for attr in ("name", "nickname", "sso_id", "description", "enabled"):
        value = getattr(profile, attr)
        if value is not None:
            setattr(user, attr, value)


def require_name_and_email(profile: Profile, who: str) -> None:
    """A new account needs both: the name is what everyone sees, the email is the login."""
    if not profile.name or not profile.email:
        raise InvalidInput(
            f"{who} needs a name and an email address.", field="name" if not profile.name else "email"
        )


async def insert_user(
    session: AsyncSession,
    user: User,
    profile: Profile,
    *,
    password: str,
    now: datetime,
    kind: Kind[User],
    audit_actor: AuditActor,
) -> None:
    """Finish a new account the same way for every role; the caller commits.

    `user` already carries its name, email, status and role columns; this adds
    the optional profile fields of the cleaned `profile`, checks the licence
    pools, sets the password under the policy and writes the `Add` row.
    """
    await apply_profile(
        session,
        user,
        Profile(nickname=profile.nickname, sso_id=profile.sso_id, description=profile.description),
    )
    await check_licences(session, user)
    await set_password_by_admin(session, user, password, now)
    session.add(user)
    await session.flush()
    kind.audit_add(session, audit_actor, user)


async def licence_totals(session: AsyncSession) -> tuple[int, int]:
    """(standard, mobile) pool sizes from the account row, else the column defaults."""
    account = await session.scalar(select(Account).order_by(Account.id).limit(1))
    if account is not None:
        return account.standard_licenses_total, account.mobile_licenses_total
    columns = Account.__table__.c
    return int(columns.standard_licenses_total.default.arg), int(columns.mobile_licenses_total.default.arg)


async def check_licences(session: AsyncSession, user: User) -> None:
    """Refuse if the user's licences (held while enabled) would exceed a pool; call after the change."""
    if not user.enabled:
        return
    standard_total, mobile_total = await licence_totals(session)
    for flag, column, total, label in (
        (user.standard_license, User.standard_license, standard_total, "Standard"),
        (user.mobile_license, User.mobile_license, mobile_total, "Mobile"),
    ):
        if not flag:
            continue
        query = select(func.count()).select_from(User).where(column.is_(True), User.enabled.is_(True))
        if user.id is not None:
            query = query.where(User.id != user.id)
        used = await session.scalar(query) or 0
        if used + 1 > total:
            raise Conflict(
                f"No {label} licence is available: all {total} are in use.", field=f"{label.lower()}_license"
            )


async def check_password(session: AsyncSession, password: str) -> None:
    """Validate against the global minimum strength before anything else happens."""
    if not isinstance(password, str):
        raise InvalidInput("Password must be text.", field="password")
    minimum = STRENGTH_OF_SETTING.get(
        str(await get_global_setting(session, "password_min_strength")), Strength.GOOD
    )
    check_new_password(password, minimum)


async def set_password_by_admin(session: AsyncSession, user: User, password: str, now: datetime) -> None:
    """An administrator sets `user`'s password: policy-checked, hashed off the event loop, sessions ended.

    With "Admin password changes force user to change password at next logon"
    on (the default), the user must choose a new password after signing in.
    """
    await check_password(session, password)
    user.password_hash = await asyncio.to_thread(hash_password, password)
    user.password_changed_at = now
    user.must_change_password = bool(await get_global_setting(session, "admin_password_change_forces_reset"))
    if user.id is not None:
        await end_all_sessions(session, user.id)


async def commit_password_set(
    session: AsyncSession,
    bus: Bus | None,
    user: User,
    *,
    password: str,
    now: datetime,
    kind: Kind[User],
    audit_actor: AuditActor,
) -> None:
    """The whole "Set password" action once the caller has checked access: set, audit, commit."""
    await set_password_by_admin(session, user, password, now)
    audit_password_set(session, audit_actor, user, kind.entity_type)
    await kind.commit(session, bus, "change", user.id)


def audit_password_set(session: AsyncSession, audit_actor: AuditActor, user: User, entity_type: str) -> None:
    record_audit(
        session,
        audit_actor,
        entity_type=entity_type,
        entity_id=user.id,
        entity_name=user.name,
        change_type="Change",
        section="Organization",
        field="Password",
        old="Set",
        new="Set",
    )
