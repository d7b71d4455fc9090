"""Session commands (spec §5.3–5.11) on real Lifeline sessions.

Queue forms of `queue_id`: `rep:ID` / `rep_username:NAME` → the technician's
private queue; `team:ID` → the Technician Group's queue; `issue:CODE` → the
channel whose code name is CODE (its team is the first group it is assigned
to). `general` has no Lifeline counterpart (a session outside every group and
channel would be seen by nobody), so it answers E05. Lifeline has no skills:
any `session.skills` answers E05 (D-34). `session.priority` is kept with the
key and shown in the real-time model.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session

from lifeline.api.command_params import (
    CreateVirtualCustomerParams,
    GenerateSessionKeyParams,
    JoinSessionParams,
    LeaveSessionParams,
    LsidParams,
    QueueKind,
    QueueTarget,
    RepRef,
    SendChatMessageParams,
    SetSessionAttributesParams,
    TransferSessionParams,
)
from lifeline.api.commands.context import AccountUnit, AccountWork, CommandContext, Handlers
from lifeline.api.xml_response import (
    E05_INVALID_VALUE,
    E06_SESSION_NOT_FOUND,
    E07_REP_NOT_FOUND,
    E08_AMBIGUOUS_USERNAME,
    E09_REP_NOT_LOGGED_IN,
    E10_TEAM_NOT_FOUND,
    E11_ISSUE_NOT_FOUND,
    E15_ALREADY_IN_SESSION,
    E16_NOT_A_MEMBER,
    E19_INVALID_SESSION_KEY,
    EXTERNAL_KEY_CODE_NAME,
    EXTERNAL_KEY_DISPLAY_NAME,
    SUCCESS_ATTRIBUTES_SET,
    SUCCESS_CHAT_SENT,
    SUCCESS_REMOVED,
    SUCCESS_REP_ADDED,
    SUCCESS_TERMINATED,
    SUCCESS_TRANSFERRED,
    CommandApiError,
    CustomAttribute,
    SessionKeyView,
    custom_attributes_element,
    session_key_element,
    success_element,
    unix_seconds,
    virtual_customer_element,
)
from lifeline.domain.transfer_rules import TransferTarget, TransferTargetKind
from lifeline.errors import InvalidInput
from lifeline.services.context import Services
from lifeline.services.integration import api_sessions, attributes, directory, short_keys
from lifeline.services.sessions.chat import do_edit_fields, do_send_chat
from lifeline.services.sessions.entry import do_redeem_link
from lifeline.services.sessions.records import SessionActor, commit, translate_conflicts
from lifeline.store.api_accounts import ApiAccount
from lifeline.store.org import TechGroup, User
from lifeline.store.sessions import SupportSession

CUSTOMER_LEAVE_UNSUPPORTED = (
    "Lifeline cannot remove the customer while keeping the session; use terminate_session to end it"
)


async def resolve_rep(ctx: CommandContext, rep: RepRef) -> User:
    return await ctx.db.run_sync(resolve_rep_in, rep)


def resolve_rep_in(db: Session, rep: RepRef) -> User:
    """The technician a `rep`/`rep_username` names (E07, E08), in synchronous ORM work."""
    if rep.id is not None:
        user = directory.technician(db, rep.id)
        if user is None:
            raise CommandApiError(E07_REP_NOT_FOUND)
        return user
    matches = directory.technicians_by_username(db, rep.username or "")
    if not matches:
        raise CommandApiError(E07_REP_NOT_FOUND)
    if len(matches) > 1:
        raise CommandApiError(E08_AMBIGUOUS_USERNAME, username=rep.username or "")
    return matches[0]


async def logged_in_rep(ctx: CommandContext, rep: RepRef) -> User:
    user = await resolve_rep(ctx, rep)
    if not await ctx.db.run_sync(directory.is_online, user.id):
        raise CommandApiError(E09_REP_NOT_LOGGED_IN)
    return user


async def open_session(ctx: CommandContext, lsid: str) -> SupportSession:
    s = await api_sessions.open_session(ctx.db, lsid)
    if s is None:
        raise CommandApiError(E06_SESSION_NOT_FOUND, lsid=lsid)
    return s


async def _group(ctx: CommandContext, group_id: int) -> TechGroup:
    group = await ctx.db.get(TechGroup, group_id)
    if group is None or not group.enabled:
        raise CommandApiError(E10_TEAM_NOT_FOUND)
    return group


def _key_queue(db: Session, target: QueueTarget) -> tuple[api_sessions.KeyQueue, str, int, bool]:
    """(Lifeline queue, BeyondTrust queue kind, queue id, available) of a `queue_id`, in the key's unit."""
    if target.kind in (QueueKind.REP, QueueKind.REP_USERNAME):
        user = resolve_rep_in(db, RepRef(id=target.id, username=target.name))
        return api_sessions.KeyQueue(technician=user), "rep", user.id, directory.is_online(db, user.id)
    if target.kind is QueueKind.TEAM:
        group_id = target.id or 0
        online = directory.enabled_group_online(db, group_id)
        if online is None:
            raise CommandApiError(E10_TEAM_NOT_FOUND)
        return api_sessions.KeyQueue(tech_group_id=group_id), "team", group_id, online
    if target.kind is QueueKind.ISSUE:
        channel = directory.channel_by_code(db, target.name or "")
        teams = directory.groups_of_channel(db, channel.id) if channel else []
        if channel is None or not teams:
            raise CommandApiError(E11_ISSUE_NOT_FOUND)
        online = any(directory.online_in_group(db, team) for team in teams)
        return api_sessions.KeyQueue(channel_id=channel.id), "team", teams[0], online
    raise CommandApiError(E05_INVALID_VALUE, name="queue_id")


def session_key_unit(services: Services, hostname: str, now: datetime,
                     params: GenerateSessionKeyParams) -> AccountWork[SessionKeyView]:
    """`generate_session_key`'s checks that need no database (E05), then its unit of work: the queue
    look-up and the key's rows, for the calling account (which `command_endpoint` may check in that unit)."""
    if params.skills:
        raise CommandApiError(E05_INVALID_VALUE, name="session.skills")
    if params.url_hostname is not None and params.url_hostname != hostname:
        raise CommandApiError(E05_INVALID_VALUE, name="url_hostname")
    external_key = params.attributes.external_key or ""

    def unit(db: Session, account: ApiAccount) -> SessionKeyView:
        queue, kind, queue_id, available = _key_queue(db, params.queue)
        key = api_sessions.do_generate_session_key(
            db, services.bus, public_url=services.config.public_url, queue=queue,
            requested_ttl_s=params.ttl, external_key=external_key, values=dict(params.attributes.values),
            priority=params.priority, url_hostname=hostname, account=account, now=now,
        )
        return SessionKeyView(
            ttl=key.ttl_s, expires=unix_seconds(key.expires_at), queue_kind=kind, queue_available=available,
            queue_id=queue_id, external_key=external_key, short_key=key.short_key, key_url=key.link,
        )

    return unit


async def generate_session_key(ctx: CommandContext, params: GenerateSessionKeyParams) -> etree._Element:
    """One unit of work (batched with concurrent keys on SQLite), for the context's account."""
    unit = session_key_unit(ctx.services, ctx.hostname, ctx.now, params)
    await ctx.release_connection()
    with translate_conflicts():
        view = await ctx.services.db.run_unit(lambda db: unit(db, ctx.account))
    return session_key_element(view)


async def join_session(ctx: CommandContext, params: JoinSessionParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    user = await logged_in_rep(ctx, params.rep)
    if await api_sessions.is_member(ctx.db, s, user.id):
        raise CommandApiError(E15_ALREADY_IN_SESSION)
    await api_sessions.do_join(ctx.db, ctx.services.bus, s, user, account=ctx.account, now=ctx.now)
    return success_element(SUCCESS_REP_ADDED)


async def transfer_session(ctx: CommandContext, params: TransferSessionParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    if params.queue.kind is QueueKind.TEAM:
        group = await _group(ctx, params.queue.id or 0)
        target = TransferTarget(TransferTargetKind.TECH_GROUP, group.id)
    else:
        user = await logged_in_rep(ctx, RepRef(id=params.queue.id, username=params.queue.name))
        target = TransferTarget(TransferTargetKind.TECHNICIAN, user.id)
    await api_sessions.do_api_transfer(ctx.db, ctx.services.bus, s, target, account=ctx.account, now=ctx.now)
    return success_element(SUCCESS_TRANSFERRED)


async def send_chat_message(ctx: CommandContext, params: SendChatMessageParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    actor = api_sessions.api_actor(ctx.account)
    if params.impersonate is not None and params.impersonate.customer:
        actor = SessionActor("customer", None, s.customer_name or "Customer")
    elif params.impersonate is not None and params.impersonate.rep is not None:
        user = await resolve_rep(ctx, params.impersonate.rep)
        if not await api_sessions.is_member(ctx.db, s, user.id):
            raise CommandApiError(E16_NOT_A_MEMBER, party="Representative")
        actor = SessionActor("technician", user.id, user.name)
    await do_send_chat(ctx.db, ctx.services.bus, s, text=params.body, actor=actor, technician=None, now=ctx.now,
                       api_account=ctx.account.name)
    return success_element(SUCCESS_CHAT_SENT)


async def create_virtual_customer(ctx: CommandContext, params: CreateVirtualCustomerParams) -> etree._Element:
    found = await short_keys.link_for_short_key(ctx.db, params.short_key, ctx.now)
    if found is None:
        raise CommandApiError(E19_INVALID_SESSION_KEY)
    s, token = found  # redeeming the link forgets the key (services.sessions.entry)
    s, _customer_token = await do_redeem_link(ctx.db, ctx.services.bus, token=token, ip=params.ip_address,
                                              now=ctx.now)
    s.platform = params.operating_system[:32]
    await do_edit_fields(ctx.db, ctx.services.bus, s, actor=api_sessions.api_actor(ctx.account), technician=None,
                         name=params.name[:128], fields={}, tracking_id=None, now=ctx.now)
    download_url = f"{ctx.services.config.public_url}/session/{s.lsid}"
    return virtual_customer_element(download_url, s.lsid)


async def leave_session(ctx: CommandContext, params: LeaveSessionParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    if params.rep is None:
        raise InvalidInput(CUSTOMER_LEAVE_UNSUPPORTED, field="customer")
    user = await resolve_rep(ctx, params.rep)
    if not await api_sessions.is_member(ctx.db, s, user.id):
        raise CommandApiError(E16_NOT_A_MEMBER, party="Representative")
    await api_sessions.do_leave(ctx.db, ctx.services.bus, s, user, account=ctx.account, now=ctx.now)
    return success_element(SUCCESS_REMOVED)


async def set_session_attributes(ctx: CommandContext, params: SetSessionAttributesParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    values = dict(params.attributes.values)
    if params.attributes.external_key is not None:
        values[attributes.EXTERNAL_KEY] = params.attributes.external_key
        s.tracking_id = params.attributes.external_key[:256]
    await attributes.write_values(ctx.db, ctx.services.bus, s, values, now=ctx.now)
    await commit(ctx.db)
    return success_element(SUCCESS_ATTRIBUTES_SET)


async def get_session_attributes(ctx: CommandContext, params: LsidParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    values = await attributes.session_values(ctx.db, s.id)
    listed = [CustomAttribute(EXTERNAL_KEY_CODE_NAME, EXTERNAL_KEY_DISPLAY_NAME, values.get(EXTERNAL_KEY_CODE_NAME, ""))]
    listed += [CustomAttribute(d.code_name, d.display_name, values.get(d.code_name, ""))
               for d in await attributes.definitions(ctx.db)]
    return custom_attributes_element(listed)


async def terminate_session(ctx: CommandContext, params: LsidParams) -> etree._Element:
    s = await open_session(ctx, params.lsid)
    await api_sessions.do_terminate(ctx.db, ctx.services.bus, s, account=ctx.account, now=ctx.now)
    return success_element(SUCCESS_TERMINATED)


#: Actions whose whole work is one unit of work for the calling account (`AccountUnit`).
ACCOUNT_UNITS: Mapping[str, AccountUnit[Any, Any]] = {
    "generate_session_key": AccountUnit(session_key_unit, session_key_element),
}

HANDLERS: Handlers = {
    "generate_session_key": generate_session_key,
    "join_session": join_session,
    "transfer_session": transfer_session,
    "send_chat_message": send_chat_message,
    "create_virtual_customer": create_virtual_customer,
    "leave_session": leave_session,
    "set_session_attributes": set_session_attributes,
    "get_session_attributes": get_session_attributes,
    "terminate_session": terminate_session,
}
