"""`POST /oauth2/token`: OAuth 2.0 client credentials (spec api-command §3.2, D-21).

Query string and form body are merged, body winning, because some clients send
`grant_type=client_credentials` in the query with an empty body. Credentials
come from the Basic header only (`accept_form_credentials=False`, D-21).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lifeline.api.bearer import oauth_error_response, services_of
from lifeline.api.oauth_tokens import OAuthError, parse_token_request, token_response_body
from lifeline.api.xml_response import CONNECTION_CLOSE_HEADERS
from lifeline.services.api_tokens import issue_token

TOKEN_PATH = "/oauth2/token"


async def form_pairs(request: Request) -> list[tuple[str, str]]:
    """A url-encoded body as (name, value) pairs; any other body contributes nothing."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if request.method != "POST" or content_type not in ("application/x-www-form-urlencoded", ""):
        return []
    body = await request.body()
    return parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)


async def token_endpoint(request: Request) -> Response:
    services = services_of(request)
    try:
        parsed = parse_token_request(
            request.method, request.headers.get("authorization"),
            request.query_params.multi_items(), await form_pairs(request),
        )
        async with services.db.session() as db:
            token = await issue_token(db, parsed, now=services.now())
    except OAuthError as exc:
        return oauth_error_response(exc)
    return JSONResponse(
        token_response_body(token),
        headers={**CONNECTION_CLOSE_HEADERS, "cache-control": "no-store", "pragma": "no-cache"},
    )
