"""Tables of support sessions (spec part1 §17-§23, §29-§30; part2 §3, §7, §10, §14).

`support_sessions` holds the current state of each session; `session_events`
is its full history (status changes, chat, notes, transfers, field edits,
survey answers) and doubles as the live event stream: an event's row id is
the `id` a console resumes from (docs/sessions.md, "Live updates").

Concurrency: `SupportSession.version` is SQLAlchemy's version counter, so two
processes changing one session at once cannot both commit (the loser gets
`StaleDataError`, mapped to `Conflict`). That is what makes a time-out fire
exactly once across server processes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lifeline.store.base import Base, utcnow

LSID_HEX_CHARS = 32
PIN_DIGITS = 6
TOKEN_HASH_CHARS = 64  # sha256 hex of a random token; the token itself is never stored
NAME_FIELD_MAX = 128
TRACKING_MAX = 256
REPLY_NAME_MAX = 128


class SupportSession(Base):
    """One support session; `live_pin` is the PIN while it can still be redeemed, else NULL.

    Keeping the live copy in its own unique column makes "unique among live
    codes" a plain unique constraint on both SQLite and PostgreSQL, while
    `pin_code` keeps the history.
    """

    __tablename__ = "support_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    lsid: Mapped[str] = mapped_column(String(LSID_HEX_CHARS), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(32))
    client_kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    close_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    pin_code: Mapped[str | None] = mapped_column(String(PIN_DIGITS), default=None)
    live_pin: Mapped[str | None] = mapped_column(String(PIN_DIGITS), unique=True, default=None)
    link_token_hash: Mapped[str | None] = mapped_column(String(TOKEN_HASH_CHARS), unique=True, default=None)
    code_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    code_redeemed_at: Mapped[datetime | None] = mapped_column(default=None)
    customer_token_hash: Mapped[str | None] = mapped_column(String(TOKEN_HASH_CHARS), default=None)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"), index=True)
    tech_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("tech_groups.id", ondelete="SET NULL"), index=True
    )
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    previous_technician_id: Mapped[int | None] = mapped_column(Integer, default=None)
    customer_name: Mapped[str] = mapped_column(String(NAME_FIELD_MAX), default="")
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tracking_id: Mapped[str] = mapped_column(String(TRACKING_MAX), default="")
    platform: Mapped[str] = mapped_column(String(32), default="")
    customer_email: Mapped[str] = mapped_column(String(254), default="")
    customer_phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    chat_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    terms_required: Mapped[bool] = mapped_column(Boolean, default=False)
    abort_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    connecting_at: Mapped[datetime | None] = mapped_column(default=None)
    waiting_at: Mapped[datetime | None] = mapped_column(default=None)
    picked_up_at: Mapped[datetime | None] = mapped_column(default=None)
    first_picked_up_at: Mapped[datetime | None] = mapped_column(default=None)
    first_chat_at: Mapped[datetime | None] = mapped_column(default=None)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_technician_action_at: Mapped[datetime | None] = mapped_column(default=None)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declarative hook, read once


class SessionEvent(Base):
    """One entry of a session's history and of the live stream.

    `audience` says who may see it: `queue` (everyone who sees the session's
    queue), `participants` (technicians in the session and the customer) or
    `technicians` (technicians in the session only, e.g. notes).
    The routing columns are a snapshot taken when the event happened, so a
    resuming console can be filtered in SQL.
    """

    __tablename__ = "session_events"
    __table_args__ = (Index("ix_session_events_session_id_id", "session_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    type: Mapped[str] = mapped_column(String(32))
    op: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    actor_name: Mapped[str] = mapped_column(String(128), default="")
    technician_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    previous_technician_id: Mapped[int | None] = mapped_column(Integer, default=None)
    tech_group_id: Mapped[int | None] = mapped_column(Integer, default=None)
    channel_id: Mapped[int | None] = mapped_column(Integer, default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SessionParticipant(Base):
    """Who takes part: the owner, invited collaborators and external technicians.

    External technicians have no account: they join with a one-time token
    (only its hash is kept) that is exchanged for a participant token.
    """

    __tablename__ = "session_participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    external_name: Mapped[str] = mapped_column(String(128), default="")
    external_email: Mapped[str] = mapped_column(String(254), default="")
    invite_token_hash: Mapped[str | None] = mapped_column(String(TOKEN_HASH_CHARS), unique=True, default=None)
    access_token_hash: Mapped[str | None] = mapped_column(String(TOKEN_HASH_CHARS), unique=True, default=None)
    invited_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(default=None)
    left_at: Mapped[datetime | None] = mapped_column(default=None)


class PostToUrlDelivery(Base):
    """One Post-to-URL payload and its delivery attempts (part2 §14)."""

    __tablename__ = "post_to_url_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(2048))
    format: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    chat_cursor: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class ScheduledJob(Base):
    """A timed check the scheduler runs: at most one row per (kind, session).

    A process claims a due row with one conditional UPDATE (a lease); the job's
    effect is guarded by the session's version counter, so a job re-run after a
    crash, or raced by another process, changes nothing twice.
    """

    __tablename__ = "scheduled_jobs"
    __table_args__ = (UniqueConstraint("kind", "session_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[int] = mapped_column(ForeignKey("support_sessions.id", ondelete="CASCADE"), index=True)
    run_at: Mapped[datetime] = mapped_column(index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class TechnicianPresence(Base):
    """A technician's console presence, persisted so a restart keeps it (part1 §22)."""

    __tablename__ = "technician_presence"
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    chosen_status: Mapped[str] = mapped_column(String(16), default="available")
    status: Mapped[str] = mapped_column(String(16), default="offline", index=True)
    logged_in_at: Mapped[datetime | None] = mapped_column(default=None)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    idle_since: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PredefinedReply(Base):
    """A technician's predefined reply or URL (part2 §3), exported as `replies.xml`."""

    __tablename__ = "predefined_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(REPLY_NAME_MAX))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
