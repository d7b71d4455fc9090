"""How sessions begin (spec part1 §14, §17, §20): private codes (PIN, link, email, SMS) and channels.

A private code creates a Connecting session owned by the technician; the
customer redeems it once (`live_pin` / `link_token_hash` are cleared), gets a
per-session customer token (only its hash is stored) and, past the Terms and
Conditions, the session is queued or started (`arrival.queue_or_start`).
Wrong, used and expired codes all get "PIN Code or Link has expired" and count
against the per-address PIN rate limit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.config import Config
from lifeline.domain.permissions import is_allowed
from lifeline.domain.session_state import ClientKind, CloseReason, EntryMethod, SessionKind, SessionStatus
from lifeline.domain.settings_catalog import LINK_PLACEHOLDER, Owner
from lifeline.domain.surveys import FieldConfig, FieldType, validate_session_fields
from lifeline.domain.timeouts import code_expires_at
from lifeline.errors import InvalidInput, NotFound, PermissionDenied
from lifeline.services import rate_limit
from lifeline.services.auth import hash_token
from lifeline.services.integration import short_keys
from lifeline.services.sessions import notify
from lifeline.services.sessions.arrival import queue_or_start
from lifeline.services.sessions.config import load_permissions, read_settings, timeout_policy
from lifeline.services.sessions.records import SYSTEM, Audience, SessionActor, commit, record_event
from lifeline.services.sessions.schedule import plan_deadline
from lifeline.services.sessions.transitions import change_status
from lifeline.store.org import Channel, User
from lifeline.store.sessions import PIN_DIGITS, SupportSession

CODE_EXPIRED = "PIN Code or Link has expired"
PIN_ATTEMPTS = 50  # random draws before giving up on a free PIN; a million codes make collisions rare
LINK_TOKEN_BYTES = 24
CUSTOMER_TOKEN_BYTES = 32
JOIN_PATH = "/join/"  # customer page for link sessions: {public_url}/join/{token}
PRIVATE_METHODS = {EntryMethod.PIN: "pin_enabled", EntryMethod.LINK: "link_enabled",
                   EntryMethod.EMAIL: "email_via_server", EntryMethod.SMS: "sms_enabled"}


@dataclass(frozen=True)
class CreatedCode:
    session: SupportSession
    pin: str | None = None
    link: str | None = None
    mailto: str | None = None


def technician_actor(user: User) -> SessionActor:
    return SessionActor("technician", user.id, user.name)


CUSTOMER_KIND = "customer"


def customer_actor(s: SupportSession) -> SessionActor:
    return SessionActor(CUSTOMER_KIND, None, s.customer_name or "Customer")


async def _free_pin(db: AsyncSession) -> str:
    for _ in range(PIN_ATTEMPTS):
        pin = f"{secrets.randbelow(10 ** PIN_DIGITS):0{PIN_DIGITS}d}"
        if await db.scalar(select(SupportSession.id).where(SupportSession.live_pin == pin)) is None:
            return pin
    raise InvalidInput("No free PIN code could be found; try again.")


async def _private_fields(db: AsyncSession, group_id: int | None, name: str,
                          fields: dict[int, str], tracking_id: str) -> tuple[dict[int, str], str | None]:
    configured = (await read_settings(db, Owner.TECH_GROUP, group_id, ("private_custom_fields",)))
    configs = [FieldConfig(index=0, enabled=True)] + [
        FieldConfig(index=i, enabled=c["enabled"], mandatory=c["mandatory"], type=FieldType(c["type"]),
                    choices=tuple(c["choices"]) if c["type"] == "dropdown" else ())
        for i, c in enumerate(configured["private_custom_fields"], start=1)
    ]
    return validate_session_fields({0: name, **fields}, tracking=tracking_id, configs=configs)


async def do_create_private_session(
    db: AsyncSession, bus: Bus, config: Config, user: User, *, method: str, name: str = "",
    fields: dict[int, str] | None = None, tracking_id: str = "", email: str = "", phone: str = "",
    now: datetime,
) -> CreatedCode:
    """Create New Session: a PIN, a link, a link by email or by SMS, owned by `user`."""
    entry = EntryMethod(method) if method in {m.value for m in PRIVATE_METHODS} else None
    if entry is None:
        raise InvalidInput("method must be pin, link, email or sms.", field="method")
    grants = await load_permissions(db, user.tech_group_id)
    if not is_allowed(grants, "start_private_sessions"):
        raise PermissionDenied("You do not have the Start private sessions permission.")
    conn = await read_settings(db, Owner.TECH_GROUP, user.tech_group_id, (
        "pin_enabled", "link_enabled", "email_via_server", "email_via_default_client", "sms_enabled",
        "email_subject", "email_text", "email_signature", "email_reply_to", "applet_running_mode"))
    via_client = entry is EntryMethod.EMAIL and conn["email_via_default_client"]
    if not conn[PRIVATE_METHODS[entry]] and not via_client:
        raise PermissionDenied(f"Your group does not allow {entry.value} sessions.", field="method")
    if entry is EntryMethod.EMAIL and "@" not in email:
        raise InvalidInput("Give the customer's email address.", field="email")
    if entry is EntryMethod.SMS and not phone.strip():
        raise InvalidInput("Give the customer's phone number.", field="phone")
    values, tracking = await _private_fields(db, user.tech_group_id, name, fields or {}, tracking_id)
    policy = await timeout_policy(db, None, user.tech_group_id)
    instant = conn["applet_running_mode"] == "instant_chat"
    s = SupportSession(
        lsid=secrets.token_hex(16), kind=SessionKind.PRIVATE.value, method=entry.value,
        client_kind=(ClientKind.INSTANT_CHAT if instant else ClientKind.APPLET).value,
        status=SessionStatus.CONNECTING.value, technician_id=user.id, tech_group_id=user.tech_group_id,
        created_by_id=user.id, customer_name=values.pop(0, ""), custom_fields={str(k): v for k, v in values.items()},
        tracking_id=tracking or "", customer_email=email.strip(), customer_phone=phone.strip(),
        chat_enabled=is_allowed(grants, "chat") or instant, code_expires_at=code_expires_at(now, policy),
        created_at=now, status_changed_at=now, last_activity_at=now, customer_token_hash=None,
    )
    pin = link = mailto = None
    if entry is EntryMethod.PIN:
        pin = s.pin_code = s.live_pin = await _free_pin(db)
    else:
        token = secrets.token_urlsafe(LINK_TOKEN_BYTES)
        s.link_token_hash = hash_token(token)
        link = f"{config.public_url}{JOIN_PATH}{token}"
    db.add(s)
    await db.flush()
    await record_event(db, bus, s, type="session", op="created", audience=Audience.QUEUE,
                       actor=technician_actor(user), now=now, with_summary=True)
    await plan_deadline(db, s)
    await commit(db)
    if entry is EntryMethod.EMAIL and link:
        body = conn["email_text"].replace(LINK_PLACEHOLDER, link)
        if LINK_PLACEHOLDER not in conn["email_text"]:
            body = f"{body}\n{link}"
        body = f"{body}\n\n{conn['email_signature']}"
        if conn["email_via_server"]:
            await notify.send_email(config, to=email.strip(), subject=conn["email_subject"], body=body,
                                    reply_to=conn["email_reply_to"] or user.email)
        else:
            mailto = f"mailto:{quote(email.strip())}?subject={quote(conn['email_subject'])}&body={quote(body)}"
    if entry is EntryMethod.SMS and link:
        await notify.make_sms_gateway(config).send(phone.strip(), f"Start your support session: {link}")
    return CreatedCode(session=s, pin=pin, link=link, mailto=mailto)


async def _start_connecting(db: AsyncSession, bus: Bus, s: SupportSession, now: datetime) -> str:
    """The customer has the applet/page: issue their token, show T&C or move on."""
    token = secrets.token_urlsafe(CUSTOMER_TOKEN_BYTES)
    s.customer_token_hash = hash_token(token)
    s.connecting_at = now
    s.status_changed_at = now
    owner = (Owner.CHANNEL, s.channel_id) if s.channel_id is not None else (Owner.TECH_GROUP, s.tech_group_id)
    terms = await read_settings(db, owner[0], owner[1], ("terms_enabled",))
    s.terms_required = bool(terms["terms_enabled"]) and s.method != EntryMethod.CALLING_CARD.value
    await plan_deadline(db, s)
    if not s.terms_required:
        await queue_or_start(db, bus, s, actor=customer_actor(s), now=now)
    return token


async def _refuse_code(db: AsyncSession, ip: str, now: datetime) -> NotFound:
    rate_limit.record_failure(db, rate_limit.PIN_PER_IP, ip, now)
    await db.commit()
    return NotFound(CODE_EXPIRED, field="pin")


async def _redeem(db: AsyncSession, bus: Bus, s: SupportSession | None, *, ip: str, name: str,
                  now: datetime) -> tuple[SupportSession, str]:
    if s is None or s.status != SessionStatus.CONNECTING.value or s.code_redeemed_at is not None:
        raise await _refuse_code(db, ip, now)
    if s.code_expires_at is not None and now >= s.code_expires_at:
        await change_status(db, bus, s, SessionStatus.EXPIRED, actor=SYSTEM, now=now, reason=CloseReason.CODE_EXPIRED)
        await commit(db)
        raise await _refuse_code(db, ip, now)
    s.live_pin = None
    s.link_token_hash = None
    s.code_redeemed_at = now
    if s.method == EntryMethod.API_KEY.value:  # its 7-digit key dies with the link, however it was used
        await short_keys.forget_short_key(db, s.id, now)
    if name.strip() and not s.customer_name:
        s.customer_name = name.strip()[:128]
    token = await _start_connecting(db, bus, s, now)
    if s.status == SessionStatus.CONNECTING.value:  # T&C on screen: tell the queue the customer is here
        await record_event(db, bus, s, type="session", op="status", audience=Audience.QUEUE,
                           actor=customer_actor(s), now=now, with_summary=True,
                           data={"old_status": "connecting", "status": s.status, "close_reason": None,
                                 "redirect_url": None})
    await commit(db)
    return s, token


async def do_redeem_pin(db: AsyncSession, bus: Bus, *, pin: str, ip: str, name: str = "",
                        now: datetime) -> tuple[SupportSession, str]:
    await rate_limit.check_limit(db, rate_limit.PIN_PER_IP, ip, now)
    code = pin.strip().replace(" ", "")
    if short_keys.looks_like_short_key(code):  # a key made through the API (docs/api-compatibility.md)
        return await _redeem(db, bus, await short_keys.session_for_short_key(db, code), ip=ip, name=name, now=now)
    if len(code) != PIN_DIGITS or not code.isdigit():
        raise await _refuse_code(db, ip, now)
    s = await db.scalar(select(SupportSession).where(SupportSession.live_pin == code))
    return await _redeem(db, bus, s, ip=ip, name=name, now=now)


async def do_redeem_link(db: AsyncSession, bus: Bus, *, token: str, ip: str, now: datetime) -> tuple[SupportSession, str]:
    await rate_limit.check_limit(db, rate_limit.PIN_PER_IP, ip, now)
    s = await db.scalar(select(SupportSession).where(SupportSession.link_token_hash == hash_token(token)))
    return await _redeem(db, bus, s, ip=ip, name="", now=now)


async def do_enter_channel(
    db: AsyncSession, bus: Bus, *, public_token: str, name: str = "", fields: dict[int, str] | None = None,
    tracking_id: str = "", form: bool = False, instant_chat: bool = False, now: datetime,
) -> tuple[SupportSession, str]:
    """Channel link or Custom Live Support Form: the customer fills the fields (part2 §5)."""
    channel = await db.scalar(select(Channel).where(Channel.public_token == public_token))
    if channel is None:
        raise NotFound("This support link is not valid.")
    values, tracking = validate_session_fields({0: name, **(fields or {})}, tracking=tracking_id, configs=None)
    mode = (await read_settings(db, Owner.CHANNEL, channel.id, ("applet_running_mode",)))["applet_running_mode"]
    instant = instant_chat or mode == "instant_chat"
    method = EntryMethod.INSTANT_CHAT_FORM if instant and form else EntryMethod.CHANNEL_FORM if form \
        else EntryMethod.CHANNEL_LINK
    s = SupportSession(
        lsid=secrets.token_hex(16), kind=SessionKind.CHANNEL.value, method=method.value,
        client_kind=(ClientKind.INSTANT_CHAT if instant else ClientKind.APPLET).value,
        status=SessionStatus.CONNECTING.value, channel_id=channel.id, customer_name=values.pop(0, ""),
        custom_fields={str(k): v for k, v in values.items()}, tracking_id=tracking or "", chat_enabled=True,
        created_at=now, status_changed_at=now, last_activity_at=now,
    )
    db.add(s)
    await db.flush()
    await record_event(db, bus, s, type="session", op="created", audience=Audience.QUEUE, actor=customer_actor(s),
                       now=now, with_summary=True)
    token = await _start_connecting(db, bus, s, now)
    await commit(db)
    return s, token
