"""Sign-in state: browser sessions and login attempts.

Kept in the database, not in memory, so that several server processes agree on
who is signed in and rate limits hold across them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lifeline.store.base import Base, utcnow


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    # "full" once every factor passed; "totp" while the second step or enrolment is pending;
    # "password_change" while a forced change is pending.
    stage: Mapped[str] = mapped_column(String(16), default="full")
    ip: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class LoginAttempt(Base):
    """One failed attempt, for sliding-window rate limits per key (ip or email or PIN source)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), index=True)
    key: Mapped[str] = mapped_column(String(255), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
