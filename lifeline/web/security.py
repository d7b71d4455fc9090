"""HTTP security pieces as plain ASGI middleware: CSRF and response headers.

CSRF uses the double-submit pattern: the server sets a random `ll_csrf` cookie
(readable by our own scripts, SameSite=Strict) and every state-changing request
from a browser must echo it in the `X-CSRF-Token` header. A page on another
origin can neither read the cookie nor set the header. Requests that carry no
cookies at all (bearer-token APIs, the agent) are not exposed to CSRF and pass.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "ll_csrf"
CSRF_HEADER = b"x-csrf-token"
SESSION_COOKIE = "ll_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints that other sites are meant to post to (the BeyondTrust-compatible APIs
# authenticate with bearer tokens or session keys; channel forms live on customers' sites).
CROSS_ORIGIN_PATH_PREFIXES = ("/api/command", "/api/start_session", "/api/client_script", "/api/reporting",
                              "/api/backup", "/oauth2/", "/nw", "/channel/", "/agent/")
# Of those, the ones only programs call, with a bearer token: their answers set no CSRF cookie (making
# one cost a random draw and a header on every Command API call, ~5 % of its CPU; docs/performance.md).
MACHINE_API_PATH_PREFIXES = ("/api/command", "/api/client_script", "/api/reporting", "/api/backup", "/oauth2/",
                             "/nw")
CSRF_TOKEN_BYTES = 32

SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
}


def read_cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            jar.load(value.decode("latin-1"))
            return {key: morsel.value for key, morsel in jar.items()}
    return {}


class CSRFMiddleware:
    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = read_cookies(scope)
        cookie_token = cookies.get(CSRF_COOKIE, "")
        if scope["method"] not in SAFE_METHODS and _cross_origin(scope):
            response = JSONResponse(
                {"error": "csrf_failed", "message": "Cross-site request refused."}, status_code=403
            )
            await response(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and SESSION_COOKIE in cookies:
            header_token = next((v for k, v in scope["headers"] if k == CSRF_HEADER), b"")
            # Bytes on both sides: compare_digest refuses non-ASCII str, and a header may hold anything.
            if not cookie_token or not hmac.compare_digest(cookie_token.encode("latin-1", "replace"), header_token):
                response = JSONResponse(
                    {"error": "csrf_failed",
                     "message": "Missing or wrong CSRF token: reload the page and try again."},
                    status_code=403,
                )
                await response(scope, receive, send)
                return
        wants_token = not cookie_token and not scope["path"].startswith(MACHINE_API_PATH_PREFIXES)
        new_token = secrets.token_urlsafe(CSRF_TOKEN_BYTES) if wants_token else None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = add_security_headers(message)
                if new_token:
                    secure = "; Secure" if self.secure_cookies else ""
                    headers.append("set-cookie", f"{CSRF_COOKIE}={new_token}; Path=/; SameSite=Strict{secure}")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def add_security_headers(start: Message) -> MutableHeaders:
    """Into an `http.response.start` message, those of `SECURITY_HEADERS` the response did not set."""
    headers = MutableHeaders(scope=start)
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name.decode(), value.decode())
    return headers


def _cross_origin(scope: Scope) -> bool:
    """A browser names the page's origin; refuse unsafe requests from other sites (login CSRF)."""
    if scope["path"].startswith(CROSS_ORIGIN_PATH_PREFIXES):
        return False
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin or origin == "null":
        return False
    host = headers.get(b"host", b"").decode("latin-1")
    return origin.split("://", 1)[-1] != host
