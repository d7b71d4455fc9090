"""Bearer-token authentication shared by every integration API (spec api-command §3.3).

`require_api_account` is the one check: any failure raises `OAuthError(ACCESS_DENIED)`,
which `oauth_error_response` renders as the seed's exact 401 JSON body. The
account is loaded fresh on every request, so permission changes and
revocations apply to tokens already handed out (D-20).
"""

from __future__ import annotations

from functools import partial

from starlette.requests import HTTPConnection
from starlette.responses import Response

from lifeline.api.oauth_tokens import ACCESS_DENIED, OAuthError, parse_bearer_token
from lifeline.api.xml_response import CONNECTION_CLOSE_HEADERS
from lifeline.services.api_tokens import account_for_token_sync
from lifeline.services.context import Services
from lifeline.store.api_accounts import ApiAccount


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


async def account_for_bearer(services: Services, token: str | None) -> ApiAccount | None:
    """One read (`Database.read`: one hop on SQLite), no session of the caller's: every API call makes it."""
    return await services.db.read(partial(account_for_token_sync, token=token, now=services.now()))


async def require_api_account(connection: HTTPConnection) -> ApiAccount:
    """The enabled account behind `Authorization: Bearer …`, or `OAuthError(ACCESS_DENIED)`."""
    services = services_of(connection)
    account = await account_for_bearer(services, parse_bearer_token(connection.headers.get("authorization")))
    if account is None:
        raise OAuthError(ACCESS_DENIED)
    return account


def oauth_error_response(exc: OAuthError) -> Response:
    failure = exc.failure
    return Response(
        failure.body_bytes(), status_code=failure.status_code, media_type="application/json",
        headers={**CONNECTION_CLOSE_HEADERS, **failure.headers},
    )
