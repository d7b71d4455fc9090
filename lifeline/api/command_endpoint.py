"""`/api/command` (and `.ns`), GET or POST, and `/api/command.xsd` (spec api-command §2, §5).

Order of checks (D-15): bearer token (401 JSON) → `perm_command=deny` (404
`Document Not Found`) → multipart body (E27) → action (E01/E02) → permission
(E03) → parameters → the handler. Lifeline has no "Enable XML API" switch: an
account whose command permission is `deny` is how an administrator turns the
API off for an integration. Every answer is HTTP 200 XML except the first two.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from lxml import etree
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
)
from lifeline.api.commands import appliances, directory, jump, sessions
from lifeline.api.commands.context import CommandContext, Handler
from lifeline.api.oauth_tokens import OAuthError
from lifeline.api.token_endpoint import form_pairs
from lifeline.api.xml_response import (
    CONNECTION_CLOSE_HEADERS,
    CommandApiError,
    XMLResponse,
    command_xsd_bytes,
    error_element,
)
from lifeline.errors import LifelineError
from lifeline.services.integration.attributes import configured_codes
from lifeline.services.integration.nodes import public_hostname

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
#: with the units of concurrent requests (holding the turn around them would serialise them and deadlock).
UNIT_ACTIONS = frozenset({"generate_session_key"})


def document_not_found() -> Response:
    return Response(DOCUMENT_NOT_FOUND, status_code=404, media_type="text/html; charset=UTF-8",
                    headers=dict(CONNECTION_CLOSE_HEADERS))


async def command_endpoint(request: Request) -> Response:
    """The bearer check is one read of its own (`require_api_account`); a session only if the handler asks."""
    services = services_of(request)
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
    except CommandApiError as exc:
        return XMLResponse(error_element(exc.message, error_root_for(params)))
    except LifelineError as exc:  # a service refused (e.g. a session changed concurrently): still an <error>
        log.info("command %s refused: %s", params.get("action"), exc.message)
        return XMLResponse(error_element(exc.message, error_root_for(params)))
    finally:
        await ctx.close()
    return XMLResponse(element)


async def _custom_codes(ctx: CommandContext, params: Mapping[str, str]) -> frozenset[str]:
    """The configured custom attribute codes, read only when the request names a custom attribute."""
    if any(name.startswith(CUSTOM_PREFIX) for name in params):
        return await configured_codes(ctx.db)
    return frozenset()


async def command_xsd_endpoint(request: Request) -> Response:
    return Response(command_xsd_bytes(), media_type="text/xml; charset=UTF-8",
                    headers=dict(CONNECTION_CLOSE_HEADERS))
