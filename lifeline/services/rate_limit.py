"""Sliding-window limits on failed attempts (login, PIN entry), shared by every process.

Failures are rows in `login_attempts`, so two server processes on one database
count together and a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.errors import RateLimited
from lifeline.store.auth import LoginAttempt


@dataclass(frozen=True)
class Limit:
    scope: str
    max_failures: int
    window: timedelta
    message: str


# Ten wrong passwords from one address in 15 minutes is an attack, not a typo.
LOGIN_PER_IP = Limit("login_ip", 10, timedelta(minutes=15), "Too many failed sign-in attempts from your network.")
# Per account, a tighter window: five wrong passwords lock the account for the window.
LOGIN_PER_ACCOUNT = Limit("login_user", 5, timedelta(minutes=15), "This account is temporarily locked.")
# A 6-digit PIN space is 10^6: 10 guesses per 10 minutes per address makes guessing hopeless.
PIN_PER_IP = Limit("pin_ip", 10, timedelta(minutes=10), "Too many wrong PIN codes.")


async def check_limit(session: AsyncSession, limit: Limit, key: str, now: datetime) -> None:
    since = now - limit.window
    failures = await session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.scope == limit.scope, LoginAttempt.key == key, LoginAttempt.at >= since
        )
    )
    if (failures or 0) >= limit.max_failures:
        raise RateLimited(f"{limit.message} Try again in {int(limit.window.total_seconds() // 60)} minutes.",
                          retry_after_s=int(limit.window.total_seconds()))


def record_failure(session: AsyncSession, limit: Limit, key: str, now: datetime) -> None:
    session.add(LoginAttempt(scope=limit.scope, key=key, at=now))


async def clear_failures(session: AsyncSession, limit: Limit, key: str) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.scope == limit.scope, LoginAttempt.key == key))
