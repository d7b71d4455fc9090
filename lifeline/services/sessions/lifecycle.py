"""Session actions after entry: Terms, pick up, hold, close, transfer, collaboration invitations.

Each `do_*` is one transaction: permission check (the acting technician's
group permissions), state-machine check, row changes, a `session_events` row,
and the typed event published after commit (STYLE.md practice 6). Transfer
targets follow `domain.transfer_rules` (permission targets, Busy/Away,
unmanned channels).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.permissions import PermissionGrant, TargetType, is_allowed
from lifeline.domain.routing import check_can_accept_new_active
from lifeline.domain.session_state import ClientKind, CloseReason, SessionStatus
from lifeline.domain.settings_catalog import Owner
from lifeline.domain.transfer_rules import (
    TransferTarget,
    TransferTargetKind,
    check_collaboration_invite,
    check_external_invite,
    check_transfer,
)
from lifeline.errors import Conflict, NotFound, PermissionDenied
from lifeline.services.auth import hash_token
from lifeline.services.sessions.arrival import plan_channel_jobs, queue_or_start
from lifeline.services.sessions.config import console_limits, load_permissions, read_settings
from lifeline.services.sessions.presence import active_session_count, effective_status
from lifeline.services.sessions.queue_positions import QueueAddress, announce_positions
from lifeline.services.sessions.records import Audience, SessionActor, commit, record_event
from lifeline.services.sessions.routing import any_available, channel_candidates
from lifeline.services.sessions.transitions import after_status, apply_status, change_status
from lifeline.store.org import Channel, ExternalTechnician, TechGroup, User
from lifeline.store.sessions import SessionParticipant, SupportSession, TechnicianPresence

INVITE_TOKEN_BYTES = 32
#: The participants' table, for the bulk UPDATEs that close every open participation at once (Core: the
#: session's loaded participants need no synchronising).
_PARTICIPANTS = cast(Table, SessionParticipant.__table__)


def _require(grants: dict[str, PermissionGrant], key: str, label: str) -> None:
    if not is_allowed(grants, key):
        raise PermissionDenied(f"You do not have the {label} permission.")


async def do_answer_terms(db: AsyncSession, bus: Bus, s: SupportSession, *, accept: bool, actor: SessionActor,
                          now: datetime) -> None:
    """Accept → the session moves on (queued or started); Decline → closed, the applet deletes itself."""
    if s.status != SessionStatus.CONNECTING.value or s.customer_token_hash is None:
        raise Conflict("There are no Terms and Conditions to answer in this session.")
    if accept:
        s.terms_accepted_at = now
        await queue_or_start(db, bus, s, actor=actor, now=now)
    else:
        await change_status(db, bus, s, SessionStatus.CLOSED, actor=actor, now=now, reason=CloseReason.TERMS_DECLINED)
    await commit(db)


async def _ensure_owner_participant(db: AsyncSession, s: SupportSession, user_id: int, now: datetime) -> None:
    existing = await db.scalar(select(SessionParticipant).where(
        SessionParticipant.session_id == s.id, SessionParticipant.user_id == user_id,
        SessionParticipant.left_at.is_(None)))
    if existing is None:
        db.add(SessionParticipant(session_id=s.id, user_id=user_id, role="owner", invited_at=now, joined_at=now))


async def start_for(db: AsyncSession, bus: Bus, s: SupportSession, technician: User, *, actor: SessionActor,
                    now: datetime) -> None:
    """Make `technician` the owner and the session Active (pick up, Admin Center start, auto-start)."""
    limits = await console_limits(db, technician.tech_group_id)
    check_can_accept_new_active(await active_session_count(db, technician.id), limits.max_active_sessions,
                                is_lens=s.client_kind == ClientKind.LENS.value)
    if s.technician_id != technician.id:
        s.previous_technician_id = s.technician_id or s.previous_technician_id
    s.technician_id = technician.id
    s.tech_group_id = technician.tech_group_id
    await _ensure_owner_participant(db, s, technician.id, now)
    await change_status(db, bus, s, SessionStatus.ACTIVE, actor=actor, now=now)


async def do_start_for(db: AsyncSession, bus: Bus, s: SupportSession, technician: User, *, actor: SessionActor,
                       now: datetime) -> None:
    """Admin Center Sessions tab "Start": hand a waiting session to a chosen technician."""
    await start_for(db, bus, s, technician, actor=actor, now=now)
    await commit(db)


async def do_pick_up(db: AsyncSession, bus: Bus, s: SupportSession, user: User, *, now: datetime) -> None:
    if s.technician_id not in (None, user.id):
        raise Conflict("Another technician already has this session.")
    s.last_technician_action_at = now
    await start_for(db, bus, s, user, actor=SessionActor("technician", user.id, user.name), now=now)
    await commit(db)


async def do_hold(db: AsyncSession, bus: Bus, s: SupportSession, user: User | None, *, hold: bool,
                  actor: SessionActor, now: datetime) -> None:
    """Hold / resume. `user` is the acting technician (None for an administrator)."""
    if user is not None:
        _require(await load_permissions(db, user.tech_group_id), "hold_sessions", "Hold sessions")
        if s.technician_id != user.id:
            raise PermissionDenied("Only the technician who owns the session can hold or resume it.")
        s.last_technician_action_at = now
    await change_status(db, bus, s, SessionStatus.ON_HOLD if hold else SessionStatus.ACTIVE, actor=actor, now=now)
    await commit(db)


async def do_close(db: AsyncSession, bus: Bus, s: SupportSession, *, reason: CloseReason, actor: SessionActor,
                   now: datetime) -> None:
    await change_status(db, bus, s, SessionStatus.CLOSED, actor=actor, now=now, reason=reason)
    await db.execute(
        _PARTICIPANTS.update()
        .where(SessionParticipant.session_id == s.id, SessionParticipant.left_at.is_(None))
        .values(left_at=now)
    )
    await commit(db)


async def _channel_has_available(db: AsyncSession, channel_id: int, now: datetime) -> bool:
    return any_available(await channel_candidates(db, channel_id, now), now)


def granted_scope(grant: PermissionGrant | None) -> str | None:
    """The target scope a granted transfer or invite permission carries (`any`, …); None when not granted.

    Their options are scope names; a flag-valued option does not name a scope, so it grants none.
    """
    if grant is None or not grant.allowed or not isinstance(grant.option, str):
        return None
    return grant.option


async def check_transfer_target(db: AsyncSession, s: SupportSession, target: TransferTarget,
                                grants: dict[str, PermissionGrant] | None, *, now: datetime) -> None:
    """Raise unless the session may go to `target`; `grants` None = an administrator (any target)."""
    grant = grants.get("transfer_sessions") if grants is not None else PermissionGrant(allowed=True, option="any")
    option = granted_scope(grant)
    allowed_groups = grant.target_ids(TargetType.TECH_GROUP) if grant else frozenset()
    allowed_channels = grant.target_ids(TargetType.CHANNEL) if grant else frozenset()
    kwargs: dict[str, object] = {}
    if target.kind is TransferTargetKind.TECHNICIAN:
        tech = await db.get(User, target.id)
        if tech is None or not tech.enabled or tech.tech_group_id is None:
            raise NotFound("No such technician.", field="target")
        row = await db.get(TechnicianPresence, tech.id)
        kwargs = {"target_status": await effective_status(db, tech, row, now),
                  "target_group_id_of_technician": tech.tech_group_id,
                  "target_has_mobile_license": tech.mobile_license}
    elif target.kind is TransferTargetKind.TECH_GROUP:
        if await db.get(TechGroup, target.id) is None:
            raise NotFound("No such technician group.", field="target")
    else:
        if await db.get(Channel, target.id) is None:
            raise NotFound("No such channel.", field="target")
        restricted = (await read_settings(db, Owner.CHANNEL, target.id, ("incoming_transfer_restriction",)))
        kwargs = {"target_channel_restricted": bool(restricted["incoming_transfer_restriction"]),
                  "channel_has_available_technician": await _channel_has_available(db, target.id, now)}
    check_transfer(permission_option=option, allowed_group_ids=allowed_groups, allowed_channel_ids=allowed_channels,
                   target=target, current_technician_id=s.technician_id,
                   session_is_mobile=s.client_kind == ClientKind.MOBILE.value, **kwargs)  # type: ignore[arg-type]


async def do_transfer(db: AsyncSession, bus: Bus, s: SupportSession, target: TransferTarget, *, comment: str,
                      grants: dict[str, PermissionGrant] | None, actor: SessionActor, auto: bool = False,
                      now: datetime) -> None:
    """Send the session to a technician (Incoming until picked up), a group queue or a channel queue."""
    await check_transfer_target(db, s, target, grants, now=now)
    old = SessionStatus(s.status)
    source = {"from_technician_id": s.technician_id, "from_channel_id": s.channel_id,
              "from_tech_group_id": s.tech_group_id}
    left = QueueAddress(s.technician_id, s.channel_id, s.tech_group_id)
    waited_since = s.waiting_at
    apply_status(s, SessionStatus.TRANSFERRING, now)
    s.previous_technician_id = s.technician_id or s.previous_technician_id
    if target.kind is TransferTargetKind.TECHNICIAN:
        tech = await db.get(User, target.id)
        s.technician_id = target.id
        s.tech_group_id = tech.tech_group_id if tech else None
    else:
        s.technician_id = None
        s.tech_group_id = target.id if target.kind is TransferTargetKind.TECH_GROUP else None
        s.channel_id = target.id if target.kind is TransferTargetKind.CHANNEL else None
        apply_status(s, SessionStatus.WAITING, now)
    if actor.kind == "technician":
        s.last_technician_action_at = now
    await db.execute(_PARTICIPANTS.update().where(
        SessionParticipant.session_id == s.id, SessionParticipant.role == "owner",
        SessionParticipant.left_at.is_(None)).values(left_at=now))
    await record_event(db, bus, s, type="session", op="transferred", audience=Audience.QUEUE, actor=actor, now=now,
                       data={**source, "to": {"kind": target.kind.value, "id": target.id},
                             "comment": comment[:128], "auto": auto}, with_summary=True)
    await after_status(db, s, old, first_activation=False,
                       to_technician=target.kind is TransferTargetKind.TECHNICIAN, now=now)
    await plan_channel_jobs(db, s, now)
    if old is SessionStatus.WAITING:  # auto-transfer, or a waiting session sent elsewhere
        await announce_positions(db, bus, s, left, waited_since)
    await commit(db)


async def _check_invitee(db: AsyncSession, s: SupportSession, user: User, grant: PermissionGrant | None,
                         invitee: User, *, now: datetime) -> None:
    """Raise unless `user` may invite `invitee` into `s` (`domain.transfer_rules.check_collaboration_invite`)."""
    if invitee.tech_group_id is None:
        raise NotFound("No such technician.", field="invitee")
    already = await db.scalar(select(SessionParticipant.id).where(
        SessionParticipant.session_id == s.id, SessionParticipant.user_id == invitee.id,
        SessionParticipant.left_at.is_(None)))
    check_collaboration_invite(
        permission_option=granted_scope(grant),
        allowed_group_ids=grant.target_ids(TargetType.TECH_GROUP) if grant else frozenset(),
        inviter_id=user.id, invitee_id=invitee.id, invitee_group_id=invitee.tech_group_id,
        invitee_status=await effective_status(db, invitee, await db.get(TechnicianPresence, invitee.id), now),
        session_is_active=s.status == SessionStatus.ACTIVE.value, already_participant=already is not None)


async def invite_targets(db: AsyncSession, s: SupportSession, user: User, *, now: datetime) -> list[User]:
    """The technicians `user` could invite into `s` right now: the Invite dialog lists only these.

    The same check as `do_invite_collaborator`, so the dialog never offers someone the
    invitation would refuse (another group under "specific groups", offline, already in).
    """
    grant = (await load_permissions(db, user.tech_group_id)).get("collaboration_invitations")
    candidates = await db.scalars(select(User).where(
        User.tech_group_id.is_not(None), User.enabled.is_(True)).order_by(User.name, User.id))
    allowed: list[User] = []
    for invitee in candidates:
        try:
            await _check_invitee(db, s, user, grant, invitee, now=now)
        except (PermissionDenied, Conflict, NotFound):
            continue
        allowed.append(invitee)
    return allowed


async def do_invite_collaborator(db: AsyncSession, bus: Bus, s: SupportSession, user: User, invitee_id: int, *,
                                 now: datetime) -> SessionParticipant:
    grants = await load_permissions(db, user.tech_group_id)
    invitee = await db.get(User, invitee_id)
    if invitee is None:
        raise NotFound("No such technician.", field="invitee")
    await _check_invitee(db, s, user, grants.get("collaboration_invitations"), invitee, now=now)
    participant = SessionParticipant(session_id=s.id, user_id=invitee_id, role="collaborator", invited_by_id=user.id,
                                     invited_at=now, joined_at=now)
    db.add(participant)
    await db.flush()
    s.last_technician_action_at = now
    await record_event(db, bus, s, type="participant", op="joined", audience=Audience.PARTICIPANTS,
                       actor=SessionActor("technician", user.id, user.name), now=now,
                       data={"participant_id": participant.id, "role": "collaborator", "user_id": invitee_id,
                             "name": invitee.name})
    await commit(db)
    return participant


async def do_invite_external(db: AsyncSession, bus: Bus, s: SupportSession, user: User, *, email: str, name: str,
                             now: datetime) -> tuple[SessionParticipant, str]:
    """Invite an outsider; returns the participant and the one-time join token to send them."""
    grants = await load_permissions(db, user.tech_group_id)
    grant = grants.get("invite_external")
    option = granted_scope(grant)
    approved = list(await db.scalars(select(ExternalTechnician.email).where(ExternalTechnician.enabled.is_(True))))
    check_external_invite(permission_option=option, email=email,
                          approved_emails=approved, session_is_active=s.status == SessionStatus.ACTIVE.value)
    token = secrets.token_urlsafe(INVITE_TOKEN_BYTES)
    participant = SessionParticipant(session_id=s.id, role="external", external_email=email.strip(),
                                     external_name=name.strip()[:128] or email.strip(),
                                     invite_token_hash=hash_token(token), invited_by_id=user.id, invited_at=now)
    db.add(participant)
    await db.flush()
    await record_event(db, bus, s, type="participant", op="invited", audience=Audience.PARTICIPANTS,
                       actor=SessionActor("technician", user.id, user.name), now=now,
                       data={"participant_id": participant.id, "role": "external", "user_id": None,
                             "name": participant.external_name})
    await commit(db)
    return participant, token


async def do_join_external(db: AsyncSession, bus: Bus, invite_token: str, *, now: datetime) -> tuple[SupportSession, SessionParticipant, str]:
    """Redeem the one-time invitation: it is spent, and a participant token is issued instead."""
    participant = await db.scalar(select(SessionParticipant).where(
        SessionParticipant.invite_token_hash == hash_token(invite_token)))
    s = await db.get(SupportSession, participant.session_id) if participant else None
    if participant is None or s is None or s.status not in (SessionStatus.ACTIVE.value, SessionStatus.ON_HOLD.value):
        raise NotFound("This invitation is not valid any more.")
    access = secrets.token_urlsafe(INVITE_TOKEN_BYTES)
    participant.invite_token_hash = None
    participant.access_token_hash = hash_token(access)
    participant.joined_at = now
    await record_event(db, bus, s, type="participant", op="joined", audience=Audience.PARTICIPANTS,
                       actor=SessionActor("external", None, participant.external_name), now=now,
                       data={"participant_id": participant.id, "role": "external", "user_id": None,
                             "name": participant.external_name})
    await commit(db)
    return s, participant, access
