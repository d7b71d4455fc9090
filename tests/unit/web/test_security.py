"""CSRF middleware on a bare Starlette app: refusals are 403 with a clear message, never 500."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from lifeline.web.security import CSRF_COOKIE, SESSION_COOKIE, CSRFMiddleware


async def _ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("changed")


def _client() -> TestClient:
    app = Starlette(routes=[Route("/thing", _ok, methods=["GET", "POST"])])
    app.add_middleware(CSRFMiddleware)
    client = TestClient(app, base_url="http://testserver")
    client.cookies.set(SESSION_COOKIE, "session")
    client.cookies.set(CSRF_COOKIE, "token123")
    return client


def test_matching_header_passes() -> None:
    assert _client().post("/thing", headers={"X-CSRF-Token": "token123"}).status_code == 200


def test_missing_header_is_refused() -> None:
    answer = _client().post("/thing")
    assert answer.status_code == 403
    assert answer.json()["error"] == "csrf_failed"


def test_non_ascii_header_is_refused_not_a_server_error() -> None:
    answer = _client().post("/thing", headers={"X-CSRF-Token": "tøken".encode("latin-1")})
    assert answer.status_code == 403


def test_cross_origin_post_is_refused_even_without_cookies() -> None:
    client = _client()
    client.cookies.clear()
    answer = client.post("/thing", headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403


def _cookieless_client() -> TestClient:
    app = Starlette(routes=[Route("/thing", _ok), Route("/api/command", _ok)])
    app.add_middleware(CSRFMiddleware)
    return TestClient(app, base_url="http://testserver")


def test_a_page_without_the_cookie_gets_one() -> None:
    answer = _cookieless_client().get("/thing")
    assert CSRF_COOKIE in answer.cookies


def test_machine_api_answers_set_no_csrf_cookie_but_keep_the_security_headers() -> None:
    answer = _cookieless_client().get("/api/command")
    assert answer.status_code == 200
    assert CSRF_COOKIE not in answer.cookies
    assert answer.headers["x-content-type-options"] == "nosniff"
