"""`DirectLane`: its paths and methods skip the browser middleware; all else goes through it unchanged."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from lifeline.api.direct_lane import DirectLane
from lifeline.web.security import CSRF_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, CSRFMiddleware


async def _direct(request: Request) -> Response:
    return PlainTextResponse(f"direct {request.method} {request.app.state.name}")


async def _routed(request: Request) -> Response:
    return PlainTextResponse("routed")


def _client() -> TestClient:
    app = Starlette(routes=[Route("/api/command", _routed, methods=["GET", "POST"]), Route("/page", _routed)])
    app.state.name = "lifeline"
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(DirectLane, routes={"/api/command": _direct}, methods=["GET", "POST"])  # outermost
    client = TestClient(app, base_url="http://testserver")
    client.cookies.set(SESSION_COOKIE, "session")  # a browser's
    client.cookies.set(CSRF_COOKIE, "token")
    return client


def test_its_paths_reach_the_endpoint_with_the_app_and_the_security_headers() -> None:
    answer = _client().get("/api/command")
    assert answer.text == "direct GET lifeline"
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name.decode()] == value.decode()


def test_a_post_with_a_browsers_cookies_is_not_held_to_csrf() -> None:
    # The Command API authenticates by bearer token only: cookies grant nothing there.
    assert _client().post("/api/command").text == "direct POST lifeline"


def test_other_paths_and_methods_go_through_the_middleware_and_router() -> None:
    client = _client()
    assert client.post("/page").status_code == 403  # CSRF still guards the browser routes
    assert client.get("/page").text == "routed"
    refused = client.delete("/api/command", headers={"X-CSRF-Token": "token"})
    assert refused.status_code == 405 and set(refused.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
