"""OAuth2 client credentials against a real server, and token expiry at the service layer with a fixed clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from lifeline.api.oauth_tokens import ClientCredentials, TokenRequest
from lifeline.domain.authorization import Actor
from lifeline.domain.roles import Role
from lifeline.services.api_accounts import do_create_api_account, do_regenerate_secret
from lifeline.services.api_tokens import account_for_token_sync, issue_token
from lifeline.services.audit import AuditActor
from lifeline.store.engine import Database
from lifeline.store.migrate import upgrade
from tests.support.api_client import basic, command, create_api_account, raw_get, token_for
from tests.support.servers import ServerProcess

INVALID_CLIENT = {"error": "invalid_client", "message": "Client authentication failed."}
DENIED = {"error": "access_denied", "message": "The resource owner or authorization server denied the request."}


def test_token_endpoint_bodies_and_errors(sqlite_server: ServerProcess) -> None:
    account = create_api_account(sqlite_server)
    with sqlite_server.client() as client:
        ok = client.post("/oauth2/token?grant_type=client_credentials", headers={"Authorization": basic(account)})
        assert ok.status_code == 200
        body = ok.json()
        assert set(body) == {"access_token", "token_type", "expires_in"}
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
        wrong = client.post("/oauth2/token", data={"grant_type": "client_credentials"},
                            headers={"Authorization": basic(account).replace("Basic ", "Basic x")})
        assert wrong.status_code == 401 and wrong.json() == INVALID_CLIENT
        assert wrong.headers["www-authenticate"] == 'Basic realm="oauth2"'
        missing = client.post("/oauth2/token", headers={"Authorization": basic(account)})
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
        other = client.post("/oauth2/token", data={"grant_type": "password"}, headers={"Authorization": basic(account)})
        assert other.status_code == 400 and other.json()["error"] == "unsupported_grant_type"
        assert client.get("/oauth2/token").status_code == 405
        in_body = client.post("/oauth2/token", data={"grant_type": "client_credentials",
                                                     "client_id": account.client_id,
                                                     "client_secret": account.client_secret})
        assert in_body.status_code == 401  # Basic header only (D-21)
    assert raw_get(sqlite_server, "/api/command", body["access_token"], action="get_api_info").status_code == 200
    lower = raw_get(sqlite_server, "/api/command", None, action="get_api_info")
    assert lower.status_code == 401 and lower.json() == DENIED


def test_thirty_tokens_regeneration_and_disabling(sqlite_server: ServerProcess) -> None:
    account = create_api_account(sqlite_server)
    tokens = [token_for(sqlite_server, account) for _ in range(31)]
    assert raw_get(sqlite_server, "/api/command", tokens[0], action="get_api_info").status_code == 401
    assert raw_get(sqlite_server, "/api/command", tokens[1], action="get_api_info").status_code == 200
    renewed = sqlite_server.cli("admin", "api-account", "regenerate", str(account.id), "--json").stdout
    assert raw_get(sqlite_server, "/api/command", tokens[30], action="get_api_info").status_code == 401
    with sqlite_server.client() as client:
        old = client.post("/oauth2/token", data={"grant_type": "client_credentials"},
                          headers={"Authorization": basic(account)})
        assert old.status_code == 401
    assert '"client_secret"' in renewed


def test_openapi_yaml_needs_the_configuration_permission(sqlite_server: ServerProcess) -> None:
    allowed = token_for(sqlite_server, create_api_account(sqlite_server, allow=("configuration",)))
    document = raw_get(sqlite_server, "/api/config/v1/openapi.yaml", allowed)
    assert document.status_code == 200 and document.headers["content-type"].startswith("application/yaml")
    assert "/api/admin/api-accounts" in document.text
    refused = raw_get(sqlite_server, "/api/config/v1/openapi.yaml",
                      token_for(sqlite_server, create_api_account(sqlite_server, name="nc", allow=())))
    assert refused.status_code == 403 and refused.json() == DENIED
    assert raw_get(sqlite_server, "/api/config/v1/openapi.yaml").status_code == 401
    assert command(sqlite_server, allowed, "get_api_info") is not None


def test_token_expiry_with_an_injected_clock(tmp_path: Path) -> None:
    """Service layer, fixed clock: valid until issued_at + 3600 s, dead at exactly 3600 s (D-18)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tokens.db'}"
    upgrade(url)
    master = Actor(user_id=0, role=Role.MASTER_ACCOUNT_HOLDER)
    audit = AuditActor(user_id=None, name="tests")
    t0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    async def scenario() -> None:
        db = Database(url)

        async def checked(token: str, now: datetime) -> object:
            """The bearer check of every API call (`api/bearer.py`), at the clock's `now`."""
            return await db.read(partial(account_for_token_sync, token=token, now=now))

        async with db.session() as session:
            made = await do_create_api_account(session, None, name="clock", permissions={"command": "read_only"},
                                               now=t0, actor=master, audit_actor=audit)
            request = TokenRequest(ClientCredentials(made.account.client_id, made.client_secret))
            token = await issue_token(session, request, now=t0)
            assert await checked(token, t0 + timedelta(seconds=3599)) is not None
            assert await checked(token, t0 + timedelta(seconds=3600)) is None
            second = await issue_token(session, request, now=t0 + timedelta(seconds=10))
            await do_regenerate_secret(session, None, made.account.id, now=t0 + timedelta(seconds=20),
                                       actor=master, audit_actor=audit)
            assert await checked(second, t0 + timedelta(seconds=21)) is None
        await db.dispose()

    asyncio.run(scenario())
