"""The sign-in journey for the Administration Center and the Technician Console.

One password check, then as many further steps as the policies demand, each
recorded as the browser session's stage (see `lifeline.services.auth`):

    password ─▶ [totp | totp_enrol] ─▶ [password_change] ─▶ full

- 2SV comes first because spec §10 makes a password change itself need 2SV
  when the rule covers the user; a forced change is therefore only offered to
  a session that already passed 2SV.
- A user who has enrolled is always asked for a code, even when no rule covers
  them any more: the second factor is theirs, and quietly dropping it when an
  administrator edits a policy would surprise them.
- IP restrictions (§12) are checked in two places: the global rule before the
  password is even looked at (it needs no user, and a refused network learns
  nothing about accounts), the Technician Group's Console rule right after it.

Every function here commits its own transaction, because failures (rate-limit
rows) must be stored even when the request then fails.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.password_policy import (
    check_new_password,
    days_until_expiry,
    password_expired,
    should_warn,
)
from lifeline.domain.roles import Role
from lifeline.errors import Conflict, InvalidInput, LifelineError, NotAuthenticated, PermissionDenied
from lifeline.services import rate_limit, sign_in_policy, totp
from lifeline.services.auth import (
    Stage,
    advance_session,
    check_password_login,
    end_all_sessions,
    end_session,
    issue_session,
    normalise_email,
)
from lifeline.services.passwords import hash_password, verify_password
from lifeline.store.auth import WebSession
from lifeline.store.org import User

log = logging.getLogger(__name__)

WRONG_CURRENT_PASSWORD = "Your current password is not correct."


class App(StrEnum):
    """Which web application the person is signing in to."""

    ADMIN = "admin"
    CONSOLE = "console"


@dataclass(frozen=True)
class StepResult:
    """Where a sign-in stands after one step; `token` is the (new) session cookie value."""

    token: str
    stage: str
    password_expires_in_days: int | None = None


def may_use_app(user: User, app: App) -> bool:
    """The Administration Center is for administrators, the Console for technician seats (§2)."""
    role = Role(user.role)
    if app == App.ADMIN:
        return role.is_administrator
    return role == Role.TECHNICIAN or user.has_technician_seat


async def _password_change_due(session: AsyncSession, user: User, now: datetime) -> bool:
    if user.must_change_password:
        return True
    policy = await sign_in_policy.password_policy(session)
    return password_expired(user.password_changed_at or user.created_at, now, policy.max_age_days)


async def expiry_notice_days(session: AsyncSession, user: User, now: datetime) -> int | None:
    """Days left before the password expires, only inside the notice window (§9)."""
    policy = await sign_in_policy.password_policy(session)
    changed_at = user.password_changed_at or user.created_at
    if not should_warn(changed_at, now, policy.max_age_days, policy.notice_days):
        return None
    return days_until_expiry(changed_at, now, policy.max_age_days)


async def _stage_after_password(session: AsyncSession, user: User, now: datetime) -> str:
    if user.totp_enrolled and user.totp_secret:
        return Stage.TOTP
    if await sign_in_policy.two_step_required(session, user):
        return Stage.TOTP_ENROL
    return await _stage_after_two_step(session, user, now)


async def _stage_after_two_step(session: AsyncSession, user: User, now: datetime) -> str:
    return Stage.PASSWORD_CHANGE if await _password_change_due(session, user, now) else Stage.FULL


def _deny_ip(ip: str, email: str, app: App, which: str) -> PermissionDenied:
    log.warning("sign-in refused by the %s IP restriction: ip=%s email=%s app=%s",
                which, ip, email, app.value)
    return PermissionDenied(
        f"Signing in from your network address ({ip}) is not allowed by this organization's "
        "IP restrictions. Contact your administrator."
    )


async def do_password_sign_in(
    session: AsyncSession, *, email: str, password: str, app: App, ip: str, now: datetime,
    previous_token: str = "",
) -> StepResult:
    """First step: IP rules, rate limits, password; returns the session at its first stage."""
    if not await sign_in_policy.ip_allowed(session, None, ip, app):
        raise _deny_ip(ip, normalise_email(email), app, "global")
    try:
        user = await check_password_login(session, email, password, ip, now)
    except LifelineError:
        await session.commit()  # keep the recorded failure
        raise
    if not await sign_in_policy.ip_allowed(session, user, ip, app):
        await session.commit()
        raise _deny_ip(ip, user.email, app, "Technician Console")
    if not may_use_app(user, app):
        await session.commit()
        raise PermissionDenied(
            "This account cannot use the Administration Center." if app == App.ADMIN
            else "This account has no technician seat, so it cannot use the Technician Console."
        )
    if previous_token:
        await end_session(session, previous_token)
    stage = await _stage_after_password(session, user, now)
    issued = issue_session(session, user, stage=stage, ip=ip, now=now)
    return await _finish_step(session, user, issued.token, stage, now)


async def _finish_step(
    session: AsyncSession, user: User, token: str, stage: str, now: datetime
) -> StepResult:
    notice = None
    if stage == Stage.FULL:
        user.last_login_at = now
        notice = await expiry_notice_days(session, user, now)
    await session.commit()
    log.info("sign-in step: user=%s stage=%s", user.id, stage)
    return StepResult(token=token, stage=stage, password_expires_in_days=notice)


def _require_stage(web_session: WebSession, *stages: str) -> None:
    if web_session.stage not in stages:
        raise Conflict(f"This step does not apply now: your sign-in is at the '{web_session.stage}' step.")


async def _accept_code(session: AsyncSession, user: User, code: str, now: datetime) -> None:
    """Check a 2SV code; a wrong one is committed as a failure before the error goes up."""
    try:
        await totp.accept_code(session, user, user.totp_secret, code, now)
    except NotAuthenticated:
        await session.commit()
        raise


async def do_verify_totp(
    session: AsyncSession, web_session: WebSession, user: User, *, code: str, now: datetime
) -> StepResult:
    """Second step for an enrolled user: a fresh code from their authenticator."""
    _require_stage(web_session, Stage.TOTP)
    await _accept_code(session, user, code, now)
    stage = await _stage_after_two_step(session, user, now)
    return await _finish_step(session, user, advance_session(web_session, stage, now), stage, now)


async def pending_enrolment(session: AsyncSession, web_session: WebSession, user: User) -> dict[str, str]:
    """The secret to enrol, created on first view and kept until confirmed (a reload shows the same QR)."""
    _require_stage(web_session, Stage.TOTP_ENROL)
    if not user.totp_secret:
        user.totp_secret = totp.new_secret()
        user.totp_last_step = 0
        await session.commit()
    uri = totp.provisioning_uri(user.totp_secret, user.email)
    qr_svg = totp.qr_svg_data_uri(uri)
    return {"secret": user.totp_secret, "uri": uri, "qr_svg": qr_svg, "issuer": totp.TOTP_ISSUER}


async def do_confirm_enrolment(
    session: AsyncSession, web_session: WebSession, user: User, *, code: str, now: datetime
) -> StepResult:
    """The first code proves the authenticator holds the secret; only then is 2SV on."""
    _require_stage(web_session, Stage.TOTP_ENROL)
    if not user.totp_secret:
        raise InvalidInput("Open the enrolment page first to get your QR code.", field="code")
    await _accept_code(session, user, code, now)
    user.totp_enrolled = True
    stage = await _stage_after_two_step(session, user, now)
    return await _finish_step(session, user, advance_session(web_session, stage, now), stage, now)


async def do_change_password(
    session: AsyncSession, web_session: WebSession, user: User, *, current: str, new: str,
    code: str | None, ip: str, now: datetime,
) -> StepResult:
    """A forced change (stage `password_change`) or a voluntary one (stage `full`).

    The forced change comes after this sign-in's 2SV step. A voluntary change by
    a user whom 2SV covers needs a fresh code (§10: 2SV applies to password
    changes too). Every other session of the user ends.
    """
    _require_stage(web_session, Stage.PASSWORD_CHANGE, Stage.FULL)
    key = normalise_email(user.email)
    await rate_limit.check_limit(session, rate_limit.LOGIN_PER_ACCOUNT, key, now)
    if not await asyncio.to_thread(verify_password, user.password_hash, current):
        rate_limit.record_failure(session, rate_limit.LOGIN_PER_ACCOUNT, key, now)
        await session.commit()
        raise NotAuthenticated(WRONG_CURRENT_PASSWORD, field="current")
    if web_session.stage == Stage.FULL:
        await _second_factor_for_voluntary_change(session, user, code, now)
    policy = await sign_in_policy.password_policy(session)
    check_new_password(new, policy.minimum)
    if hmac.compare_digest(current.encode(), new.encode()):
        raise InvalidInput("Choose a password different from your current one.", field="new")
    user.password_hash = await asyncio.to_thread(hash_password, new)
    user.password_changed_at = now
    user.must_change_password = False
    token = advance_session(web_session, Stage.FULL, now)
    await end_all_sessions(session, user.id, except_token=token)
    log.info("password changed: user=%s ip=%s", user.id, ip)
    return await _finish_step(session, user, token, Stage.FULL, now)


async def _second_factor_for_voluntary_change(
    session: AsyncSession, user: User, code: str | None, now: datetime
) -> None:
    if user.totp_enrolled and user.totp_secret:
        if not code:
            raise InvalidInput(
                "Enter the code from your authenticator app to change your password.", field="code"
            )
        await _accept_code(session, user, code, now)
    elif await sign_in_policy.two_step_required(session, user):
        raise PermissionDenied(
            "Two-step verification is now required for your account: sign out and sign in again "
            "to set it up, then change your password."
        )


async def do_sign_out(session: AsyncSession, token: str) -> None:
    await end_session(session, token)
    await session.commit()
