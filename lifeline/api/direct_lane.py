"""The Command API's GET and POST served ahead of the web application's middleware and router.

The web application's stack exists for browsers: CSRF (double-submit cookie), FastAPI's exception
and exit-stack middleware, and a router that tries the console's and Administration Center's routes
in turn. An integration calling `/api/command` needs none of it: it authenticates with a bearer
token, never a cookie (so CSRF does not apply, see `web/security.py`), and its endpoint answers every
error itself. Passing through those layers cost ~80 µs of CPU per call, ~5 % of a
`generate_session_key` (docs/performance.md, Integration APIs).

`DirectLane` is a middleware installed outermost among the application's own (inside Starlette's
`ServerErrorMiddleware`, which still turns an unexpected exception into a 500): a request for one of
its paths with one of its methods goes straight to the endpoint, with the same security headers as
every other answer; everything else (other paths, other methods: the router's 405) goes on as before.
The routes stay registered with the router too, which is what answers the other methods.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifeline.web.security import add_security_headers

Endpoint = Callable[[Request], Awaitable[Response]]


class DirectLane:
    def __init__(self, app: ASGIApp, *, routes: Mapping[str, Endpoint], methods: Collection[str]) -> None:
        self.app = app
        self.routes = dict(routes)
        self.methods = frozenset(methods)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.routes.get(scope["path"]) if scope["type"] == "http" else None
        if endpoint is None or scope["method"] not in self.methods:
            await self.app(scope, receive, send)
            return
        response = await endpoint(Request(scope, receive))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(message)
            await send(message)

        await response(scope, receive, send_with_headers)
