"""`/api/command` (and `.ns`), GET or POST, and `/api/command.xsd` (spec api-command §2, §5).

Order of checks (D-15): bearer token (401 JSON) → `perm_command=deny` (404
`Document Not Found`) → multipart body (E27) → action (E01/E02) → permission
(E03) → parameters → the handler. Lifeline has no "Enable XML API" switch: an
account whose command permission is `deny` is how an administrator turns the
API off for an integration. Every answer is HTTP 200 XML except the first two.
An action whose whole work is one unit of work (`generate_session_key`) may
have its bearer check made inside that unit (`_in_the_actions_unit`), with
the same answers in the same order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from lxml import etree
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from lifeline.api.bearer import oauth_error_response, require_api_account, services_of
from lifeline.api.command_params import (
    CUSTOM_PREFIX,
    CommandPermission,
    ParseContext,
    check_content_type,
    collect_params,
    error_root_for,
    is_command_api_denied,
    parse_command,
    permits,
)
from lifeline.api.commands import appliances, directory, jump, sessions
from lifeline.api.commands.context import CommandContext, Handler
from lifeline.api.oauth_tokens import OAuthError, parse_bearer_token
from lifeline.api.token_endpoint import form_pairs
from lifeline.api.xml_response import (
    CONNECTION_CLOSE_HEADERS,
    CommandApiError,
    XMLResponse,
    command_xsd_bytes,
    error_element,
)
from lifeline.errors import LifelineError
from lifeline.services.api_tokens import account_for_token_sync
from lifeline.services.context import Services
from lifeline.services.integration.attributes import configured_codes
from lifeline.services.integration.nodes import public_hostname
from lifeline.services.sessions.records import translate_conflicts

log = logging.getLogger(__name__)

HANDLERS: Mapping[str, Handler] = {
    **directory.HANDLERS, **appliances.HANDLERS, **jump.HANDLERS, **sessions.HANDLERS,
}
DOCUMENT_NOT_FOUND = "Document Not Found"
#: Actions that only read; every other one writes and waits for the process's writer turn (SQLite).
READING_ACTIONS = frozenset({
    "get_logged_in_reps", "get_support_teams", "get_session_attributes", "get_appliances",
    "get_connected_client_list", "get_connected_clients", "check_health", "get_api_info",
})

#: Actions whose writes all go through `Database.run_unit`, which takes the writer turn itself, batched
#: with the units of concurrent requests (holding the turn around them would serialise them and deadlock):
#: the actions whose whole work is one such unit (`AccountUnit`), which may also hold the bearer check.
ACCOUNT_UNITS = sessions.ACCOUNT_UNITS
UNIT_ACTIONS = frozenset(ACCOUNT_UNITS)


def document_not_found() -> Response:
    return Response(DOCUMENT_NOT_FOUND, status_code=404, media_type="text/html; charset=UTF-8",
                    headers=dict(CONNECTION_CLOSE_HEADERS))


async def command_endpoint(request: Request) -> Response:
    services = services_of(request)
    answered = await _in_the_actions_unit(request, services)
    return answered if answered is not None else await _checks_in_order(request, services)


async def _checks_in_order(request: Request, services: Services) -> Response:
    """The bearer check is one read of its own (`require_api_account`); a session only if the handler asks."""
    try:
        account = await require_api_account(request)
    except OAuthError as exc:
        return oauth_error_response(exc)
    permission = CommandPermission(account.perm_command)
    if is_command_api_denied(permission):
        return document_not_found()
    params: dict[str, str] = {}
    ctx = CommandContext(services=services, account=account, hostname=public_hostname(services),
                         now=services.now())
    try:
        check_content_type(request.headers.get("content-type"))
        params = collect_params(request.query_params.multi_items(), await form_pairs(request))
        now = ctx.now
        codes = await _custom_codes(ctx, params)
        context = ParseContext(custom_attribute_codes=codes, now=lambda: now.timestamp())
        command = parse_command(params, permission, context)
        if command.spec.action in READING_ACTIONS or command.spec.action in UNIT_ACTIONS:
            element: etree._Element = await HANDLERS[command.spec.action](ctx, command.params)
        else:
            async with services.db.writer_turn():
                element = await HANDLERS[command.spec.action](ctx, command.params)
    except (CommandApiError, LifelineError) as exc:
        return _error_answer(exc, params)
    finally:
        await ctx.close()
    return XMLResponse(element)


#: What the unit of `_in_the_actions_unit` returns when the token or account does not let the work run.
_NOT_LET_THROUGH = object()


async def _in_the_actions_unit(request: Request, services: Services) -> Response | None:
    """An `ACCOUNT_UNITS` action answered with its bearer check inside the action's own unit of work.

    Saves the check's read of its own (a hop and a session: ~0.2 ms of CPU per `generate_session_key` on
    SQLite, docs/performance.md). The order of checks of D-15 still decides every answer: this path is
    taken only for a request whose body, action and parameters pass as they would for any account (parsed
    as for full access), and the unit does the work only for an account that the token, the deny switch
    and the action's permission all let through. Otherwise it writes nothing, None is returned, and the
    general path answers (401, 404, E03, the parameter errors, …) in order.
    """
    token = parse_bearer_token(request.headers.get("authorization"))
    if token is None or not _small_body(request):
        return None
    now = services.now()
    params: dict[str, str] = {}
    try:
        check_content_type(request.headers.get("content-type"))
        params = collect_params(request.query_params.multi_items(), await form_pairs(request))
        if _names_custom_attributes(params):  # their configured codes need a read of their own
            return None
        context = ParseContext(now=lambda: now.timestamp())
        command = parse_command(params, CommandPermission.FULL_ACCESS, context)
        action = ACCOUNT_UNITS.get(command.spec.action)
        if action is None:
            return None
        work = action.prepare(services, public_hostname(services), now, command.params)
    except CommandApiError:
        return None
    required = command.spec.permission

    def unit(db: Session) -> Any:
        account = account_for_token_sync(db, token, now=now)
        if account is None or not permits(CommandPermission(account.perm_command), required):
            return _NOT_LET_THROUGH
        return work(db, account)

    try:
        with translate_conflicts():
            result = await services.db.run_unit(unit)
    except (CommandApiError, LifelineError) as exc:
        return _error_answer(exc, params)
    return None if result is _NOT_LET_THROUGH else XMLResponse(action.answer(result))


#: The largest body this path reads before the token is checked. It parses the request first, so without
#: a bound any bearer string would buy the parsing of a 4 MiB body (`MAX_REQUEST_BODY_BYTES`); a key
#: request with all its custom attributes is a few KB. Larger or unannounced (chunked) bodies take the
#: general path, which checks the token before reading the body.
UNCHECKED_BODY_MAX_BYTES = 16 * 1024


def _small_body(request: Request) -> bool:
    if request.method != "POST":
        return True
    length = request.headers.get("content-length")
    return length is not None and length.isdigit() and int(length) <= UNCHECKED_BODY_MAX_BYTES


def _error_answer(exc: CommandApiError | LifelineError, params: Mapping[str, str]) -> Response:
    if isinstance(exc, LifelineError):  # a service refused (e.g. a session changed concurrently): an <error>
        log.info("command %s refused: %s", params.get("action"), exc.message)
    return XMLResponse(error_element(exc.message, error_root_for(params)))


def _names_custom_attributes(params: Mapping[str, str]) -> bool:
    return any(name.startswith(CUSTOM_PREFIX) for name in params)


async def _custom_codes(ctx: CommandContext, params: Mapping[str, str]) -> frozenset[str]:
    """The configured custom attribute codes, read only when the request names a custom attribute."""
    if _names_custom_attributes(params):
        return await configured_codes(ctx.db)
    return frozenset()


async def command_xsd_endpoint(request: Request) -> Response:
    return Response(command_xsd_bytes(), media_type="text/xml; charset=UTF-8",
                    headers=dict(CONNECTION_CLOSE_HEADERS))
