"""Session actions on behalf of an API account, built on the sessions services (docs/sessions.md).

Everything that moves a session goes through `services.sessions`
(`do_transfer`, `do_close`, `do_send_chat`, `start_for`, `record_event`,
`commit`); this module adds only what an integration needs and a technician's
console does not: a session key that is not owned by anyone yet (group or
channel queue), a technician added by an administrator rather than invited by
a colleague, and the API account as the actor. The actor appears in history
as a `system` actor named "API account <name>", so reports show which
integration acted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.bus import Bus
from lifeline.domain.session_state import (
    TERMINAL_STATUSES,
    ClientKind,
    CloseReason,
    EntryMethod,
    SessionKind,
    SessionStatus,
)
from lifeline.domain.timeouts import TimeoutPolicy
from lifeline.domain.transfer_rules import TransferTarget, TransferTargetKind
from lifeline.services.auth import hash_token
from lifeline.services.integration import attributes, short_keys
from lifeline.services.sessions.config import TIMEOUT_KEYS, policy_of, read_settings_sync, session_owner
from lifeline.services.sessions.entry import JOIN_PATH, LINK_TOKEN_BYTES
from lifeline.services.sessions.lifecycle import do_close, do_transfer, start_for
from lifeline.services.sessions.records import (
    Audience,
    SessionActor,
    commit,
    record_event,
    record_event_sync,
)
from lifeline.services.sessions.schedule import plan_first_deadline
from lifeline.store.api_accounts import ApiAccount
from lifeline.store.core_insert import insert_object_sync
from lifeline.store.org import User
from lifeline.store.sessions import SessionParticipant, SupportSession

COLLABORATOR = "collaborator"


def api_actor(account: ApiAccount) -> SessionActor:
    return SessionActor("system", None, f"API account {account.name}"[:128])


def is_open(s: SupportSession | None) -> bool:
    return s is not None and SessionStatus(s.status) not in TERMINAL_STATUSES


async def open_session(db: AsyncSession, lsid: str) -> SupportSession | None:
    s = await db.scalar(select(SupportSession).where(SupportSession.lsid == lsid))
    return s if is_open(s) else None


#: Every setting a new key reads, in one query: its queue's running mode and time-outs.
KEY_SETTINGS = ("applet_running_mode", *TIMEOUT_KEYS)


@dataclass(frozen=True)
class KeyQueue:
    """Where the session of a key will wait: a technician, a group queue or a channel."""

    technician: User | None = None
    tech_group_id: int | None = None
    channel_id: int | None = None

    @property
    def group_id(self) -> int | None:
        """The session's Technician Group: the technician's own for a technician's queue."""
        return self.technician.tech_group_id if self.technician else self.tech_group_id


@dataclass(frozen=True)
class GeneratedKey:
    session: SupportSession
    short_key: str
    link: str
    expires_at: datetime
    ttl_s: int


def key_ttl_s(requested_s: int | None, policy: TimeoutPolicy) -> int:
    """The key's lifetime: as asked, at most the queue's code validity (Private code validity).

    Above it is clamped (D-35); none asked is the maximum.
    """
    maximum = int(policy.code_validity_min) * 60
    return min(requested_s or maximum, maximum)


def do_generate_session_key(
    db: Session, bus: Bus, *, public_url: str, queue: KeyQueue, requested_ttl_s: int | None,
    external_key: str, values: dict[str, str], priority: int | None, url_hostname: str, account: ApiAccount,
    now: datetime,
) -> GeneratedKey:
    """A Connecting session with a one-time link (the key URL) and a 7-digit key, like a technician's PIN.

    The customer redeems the link on Lifeline's own join page (`/join/<token>`) or types the 7-digit key
    on the PIN page; `/api/start_session` and `create_virtual_customer` turn the key into that link
    (`short_keys`). The session reads its queue's settings (channel, else group: `session_owner`) once.

    This is the Command API's hot path (docs/performance.md): synchronous ORM work, run inside a unit of
    work (`Database.run_unit`, `store/units.py`: one hop, batched with concurrent keys, on SQLite) with
    one settings read, then only (Core) INSERTs. The session is new in this transaction, so its
    attributes, participants and jobs need no look-up. Never commits (the unit does).
    """
    owner, owner_id = session_owner(queue.channel_id, queue.group_id)
    settings = read_settings_sync(db, owner, owner_id, KEY_SETTINGS)
    policy = policy_of(settings)
    ttl_s = key_ttl_s(requested_ttl_s, policy)
    instant = settings["applet_running_mode"] == "instant_chat"
    technician = queue.technician
    token = secrets.token_urlsafe(LINK_TOKEN_BYTES)
    expires_at = now + timedelta(seconds=ttl_s)
    s = SupportSession(
        lsid=secrets.token_hex(16),
        kind=(SessionKind.CHANNEL if queue.channel_id is not None else SessionKind.PRIVATE).value,
        method=EntryMethod.API_KEY.value,
        client_kind=(ClientKind.INSTANT_CHAT if instant else ClientKind.APPLET).value,
        status=SessionStatus.CONNECTING.value, technician_id=technician.id if technician else None,
        tech_group_id=queue.group_id, channel_id=queue.channel_id,
        tracking_id=external_key[:256], chat_enabled=True, link_token_hash=hash_token(token),
        code_expires_at=expires_at, created_at=now, status_changed_at=now, last_activity_at=now,
    )
    insert_object_sync(db, s)
    short_key = short_keys.add_live_key(db, {
        "session_id": s.id, "link_token": token, "url_hostname": url_hostname, "priority": priority,
        "account_id": account.id, "created_at": now, "expires_at": expires_at})
    attributes.add_values(db, bus, s, {attributes.EXTERNAL_KEY: external_key, **values}, now=now)
    record_event_sync(db, bus, s, type="session", op="created", audience=Audience.QUEUE,
                      actor=api_actor(account), now=now, with_summary=True, participants=[])
    plan_first_deadline(db, s, policy)
    return GeneratedKey(s, short_key, f"{public_url}{JOIN_PATH}{token}", expires_at, ttl_s)


async def _participant(db: AsyncSession, s: SupportSession, user_id: int) -> SessionParticipant | None:
    return await db.scalar(select(SessionParticipant).where(
        SessionParticipant.session_id == s.id, SessionParticipant.user_id == user_id,
        SessionParticipant.left_at.is_(None)))


async def is_member(db: AsyncSession, s: SupportSession, user_id: int) -> bool:
    running = s.status in (SessionStatus.ACTIVE.value, SessionStatus.ON_HOLD.value)
    return (running and s.technician_id == user_id) or await _participant(db, s, user_id) is not None


async def do_join(db: AsyncSession, bus: Bus, s: SupportSession, technician: User, *, account: ApiAccount,
                  now: datetime) -> None:
    """A session nobody works on yet is started for the technician; otherwise they join as a collaborator."""
    actor = api_actor(account)
    if s.status == SessionStatus.WAITING.value and s.technician_id in (None, technician.id):
        await start_for(db, bus, s, technician, actor=actor, now=now)
    else:
        participant = SessionParticipant(session_id=s.id, user_id=technician.id, role=COLLABORATOR,
                                         invited_at=now, joined_at=now)
        db.add(participant)
        await db.flush()
        await record_event(db, bus, s, type="participant", op="joined", audience=Audience.PARTICIPANTS,
                           actor=actor, now=now, data={"participant_id": participant.id, "role": COLLABORATOR,
                                                       "user_id": technician.id, "name": technician.name})
    await commit(db)


async def do_leave(db: AsyncSession, bus: Bus, s: SupportSession, technician: User, *, account: ApiAccount,
                   now: datetime) -> None:
    """A collaborator leaves; the owner leaving sends the session back to their group's queue."""
    participant = await _participant(db, s, technician.id)
    if participant is not None and participant.role == COLLABORATOR:
        participant.left_at = now
        await record_event(db, bus, s, type="participant", op="left", audience=Audience.PARTICIPANTS,
                           actor=api_actor(account), now=now, data={"participant_id": participant.id,
                                                                    "role": COLLABORATOR, "user_id": technician.id,
                                                                    "name": technician.name})
        await commit(db)
        return
    if technician.tech_group_id is None:
        raise ValueError("the owner has no group queue to return the session to")
    await do_transfer(db, bus, s, TransferTarget(TransferTargetKind.TECH_GROUP, technician.tech_group_id),
                      comment="", grants=None, actor=api_actor(account), now=now)


async def do_api_transfer(db: AsyncSession, bus: Bus, s: SupportSession, target: TransferTarget, *,
                          account: ApiAccount, now: datetime) -> None:
    """An API account transfers like an administrator: any target (`grants=None`)."""
    await do_transfer(db, bus, s, target, comment="", grants=None, actor=api_actor(account), now=now)


async def do_terminate(db: AsyncSession, bus: Bus, s: SupportSession, *, account: ApiAccount, now: datetime) -> None:
    await do_close(db, bus, s, reason=CloseReason.ADMIN, actor=api_actor(account), now=now)
