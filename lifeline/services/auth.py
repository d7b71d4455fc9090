"""Signing in and out of the browser UIs (Administration Center, Technician Console).

A browser session is a random token in an HttpOnly cookie; only its SHA-256 is
stored, so a leaked database does not leak live sessions. A session passes
through stages: `totp`, `totp_enrol` or `password_change` while a further
step is pending, `full` once every check passed (the journey itself is in
`lifeline.services.sign_in`). Handlers only ever see `full` sessions (see
`lifeline.web.deps`), so a half-signed-in user can do nothing but finish.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.errors import NotAuthenticated
from lifeline.services import rate_limit
from lifeline.services.passwords import hash_password, needs_rehash, verify_password
from lifeline.store.auth import WebSession
from lifeline.store.org import User

SESSION_TOKEN_BYTES = 32
CSRF_TOKEN_BYTES = 32
SESSION_IDLE_LIFETIME = timedelta(hours=12)  # a technician's working day without re-entering the password
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)  # write last_seen_at at most this often
BAD_CREDENTIALS = "Wrong email or password."  # one message for both, so accounts cannot be enumerated


class Stage:
    FULL = "full"
    TOTP = "totp"
    TOTP_ENROL = "totp_enrol"
    PASSWORD_CHANGE = "password_change"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class IssuedSession:
    token: str
    stage: str
    user_id: int


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


async def check_password_login(session: AsyncSession, email: str, password: str, ip: str, now: datetime) -> User:
    """Verify credentials under the rate limits; failures are recorded and committed by the caller."""
    email_key = normalise_email(email)
    await rate_limit.check_limit(session, rate_limit.LOGIN_PER_IP, ip, now)
    await rate_limit.check_limit(session, rate_limit.LOGIN_PER_ACCOUNT, email_key, now)
    user = await find_user_by_email(session, email_key)
    # argon2 takes tens of milliseconds of CPU: off the event loop, so one sign-in does not stall every socket.
    verified = await asyncio.to_thread(verify_password, user.password_hash if user else "", password)
    if user is None or not verified or not user.enabled:
        rate_limit.record_failure(session, rate_limit.LOGIN_PER_IP, ip, now)
        rate_limit.record_failure(session, rate_limit.LOGIN_PER_ACCOUNT, email_key, now)
        raise NotAuthenticated(BAD_CREDENTIALS)
    await rate_limit.clear_failures(session, rate_limit.LOGIN_PER_ACCOUNT, email_key)
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
    return user


def issue_session(session: AsyncSession, user: User, *, stage: str, ip: str, now: datetime) -> IssuedSession:
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    session.add(
        WebSession(
            token_hash=hash_token(token), user_id=user.id, csrf_token=secrets.token_urlsafe(CSRF_TOKEN_BYTES),
            stage=stage, ip=ip, created_at=now, last_seen_at=now, expires_at=now + SESSION_IDLE_LIFETIME,
        )
    )
    return IssuedSession(token=token, stage=stage, user_id=user.id)


async def resolve_session(session: AsyncSession, token: str, now: datetime) -> tuple[WebSession, User] | None:
    if not token:
        return None
    row = await session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is None or row.expires_at <= now:
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.enabled:
        return None
    if now - row.last_seen_at >= SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
        row.expires_at = now + SESSION_IDLE_LIFETIME
    return row, user


def advance_session(web_session: WebSession, stage: str, now: datetime) -> str:
    """Move a session to its next stage under a fresh token, and return the token.

    Each step up in trust (password -> 2SV -> full) rotates the token, so a
    token seen before the step (a fixated or leaked cookie) is worth nothing after it.
    """
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    web_session.token_hash = hash_token(token)
    web_session.stage = stage
    web_session.last_seen_at = now
    web_session.expires_at = now + SESSION_IDLE_LIFETIME
    return token


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(token)))


async def end_all_sessions(session: AsyncSession, user_id: int, *, except_token: str | None = None) -> None:
    """After a password change or an admin disabling the user, every other browser is signed out."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if except_token:
        query = query.where(WebSession.token_hash != hash_token(except_token))
    await session.execute(query)
