"""`GET /api/config/v1/openapi.yaml` (spec api-command §4, D-25) and the `/check_health` probe (§5.15, D-37).

The Configuration API of Lifeline is its JSON admin API; this serves that API's
OpenAPI document (FastAPI's `app.openapi()`) as YAML to accounts with the
Configuration API permission (others: 403 with the access_denied body).
"""

from __future__ import annotations

import yaml
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from lifeline.api.bearer import oauth_error_response, require_api_account, services_of
from lifeline.api.oauth_tokens import ACCESS_FORBIDDEN, OAuthError
from lifeline.api.xml_response import CONNECTION_CLOSE_HEADERS
from lifeline.services.integration.nodes import check_health

OPENAPI_PATH = "/api/config/v1/openapi.yaml"


async def openapi_yaml_endpoint(request: Request) -> Response:
    try:
        account = await require_api_account(request)
        if not account.perm_config_api:
            raise OAuthError(ACCESS_FORBIDDEN)
    except OAuthError as exc:
        return oauth_error_response(exc)
    document = yaml.safe_dump(request.app.openapi(), sort_keys=False, allow_unicode=True)
    return Response(document, media_type="application/yaml", headers=dict(CONNECTION_CLOSE_HEADERS))


async def check_health_probe(request: Request) -> Response:
    health = await check_health(services_of(request))
    if health.ok:
        return HTMLResponse("<!doctype html><title>OK</title><p>Lifeline is healthy.</p>")
    return HTMLResponse(f"<!doctype html><title>Server Error</title><p>{health.problem}</p>", status_code=500)
