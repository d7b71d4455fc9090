"""The 7-digit session keys of `generate_session_key` (docs/api-compatibility.md, decision 1).

A key stands for a Connecting session and its one-time link. It can be used
four ways: the link itself, `/api/start_session?short_key=`,
`create_virtual_customer`, and the customer PIN page (which takes 6-digit
Lifeline PINs and these 7-digit keys). All of them end in the sessions
service's one redeem path (`services.sessions.entry`), which calls
`forget_short_key` so a used key stops being live whichever way it was used.

Kept apart from `api_sessions` because `services.sessions.entry` imports it:
this module depends on the store only, so there is no import cycle.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.domain.session_state import SessionStatus
from lifeline.store.api_accounts import SHORT_KEY_DIGITS, ApiSessionKey
from lifeline.store.sessions import SupportSession
from lifeline.store.upsert import insert_if_missing_sync

SHORT_KEY_ATTEMPTS = 50  # random draws before giving up; ten million keys make collisions rare


def looks_like_short_key(code: str) -> bool:
    return len(code) == SHORT_KEY_DIGITS and code.isdigit()


def add_live_key(db: Session, values: dict[str, Any]) -> str:
    """Store the `api_session_keys` row `values` under a random key no live key uses; the key.

    One `INSERT … ON CONFLICT DO NOTHING` per draw: the unique index on `live_short_key` decides,
    so two concurrent transactions can never hand out the same live key.
    """
    for _ in range(SHORT_KEY_ATTEMPTS):
        key = f"{secrets.randbelow(10 ** SHORT_KEY_DIGITS):0{SHORT_KEY_DIGITS}d}"
        if insert_if_missing_sync(db, ApiSessionKey, "live_short_key", {**values, "short_key": key,
                                                                           "live_short_key": key}):
            return key
    raise RuntimeError("no free session key after many draws")


async def session_for_short_key(db: AsyncSession, short_key: str) -> SupportSession | None:
    """The session a live key opens, whatever its state: the caller's redeem checks state and expiry."""
    return await db.scalar(
        select(SupportSession).join(ApiSessionKey, ApiSessionKey.session_id == SupportSession.id)
        .where(ApiSessionKey.live_short_key == short_key)
    )


async def link_for_short_key(db: AsyncSession, short_key: str, now: datetime) -> tuple[SupportSession, str] | None:
    """The session and link token of a live, unexpired, unused key, or `None`."""
    key = await db.scalar(select(ApiSessionKey).where(ApiSessionKey.live_short_key == short_key))
    if key is None or key.link_token is None or now >= key.expires_at:
        return None
    s = await db.get(SupportSession, key.session_id)
    if s is None or s.status != SessionStatus.CONNECTING.value or s.code_redeemed_at is not None:
        return None
    return s, key.link_token


async def forget_short_key(db: AsyncSession, session_id: int, now: datetime) -> None:
    """The key has been used: it stops being live and its link is dropped (the link is single-use too)."""
    key = await db.scalar(select(ApiSessionKey).where(ApiSessionKey.session_id == session_id))
    if key is not None and key.live_short_key is not None:
        key.live_short_key = None
        key.link_token = None
        key.used_at = now
