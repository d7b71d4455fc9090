"""The ASGI application: one process serves every UI, API and websocket hub.

`create_app` wires the layers together; route tables live next to their
handlers (`lifeline/web/*/routes.py`, `lifeline/api/*/routes.py`) and are
included here in one readable list.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.telemetry import TelemetryConfig
from starlette.staticfiles import StaticFiles

from lifeline import __version__
from lifeline.api import routes as api_routes
from lifeline.bus import make_bus
from lifeline.config import Config
from lifeline.domain.csv_import import MAX_IMPORT_BYTES
from lifeline.errors import LifelineError
from lifeline.services.context import Services
from lifeline.store.engine import Database
from lifeline.web import api_accounts_routes
from lifeline.web.admin_api import routes as admin_api_routes
from lifeline.web.admin_center import routes as admin_center_routes
from lifeline.web.auth import routes as auth_routes
from lifeline.web.console import routes as console_page_routes
from lifeline.web.console_api import replies as console_replies_routes
from lifeline.web.console_api import routes as console_api_routes
from lifeline.web.customer import routes as customer_page_routes
from lifeline.web.customer_api import routes as customer_api_routes
from lifeline.web.errors import lifeline_error_handler, validation_error_handler
from lifeline.web.live import routes as live_routes
from lifeline.web.live import workers as session_workers
from lifeline.web.relay import routes as relay_routes
from lifeline.web.security import CSRFMiddleware
from lifeline.web.session_admin import routes as session_admin_routes

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"


def create_app(config: Config | None = None) -> FastAPI:
    config = config or Config.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services(config=config, db=Database(config.database_url), bus=make_bus(config.bus_url, config.bus_prefix))
        await services.bus.start()
        app.state.services = services
        for hook in app.state.startup_hooks:
            await hook(services)
        # Everything made so far (modules, routes, compiled statements) lives as long as the process:
        # frozen, it is no longer scanned by the collector's full passes, which took 55–70 ms each under
        # API load, against 5–7 ms once frozen (docs/performance.md). Nothing frozen is ever freed.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for hook in reversed(app.state.shutdown_hooks):
                await hook(services)
            await services.bus.close()
            await services.db.dispose()

    app = FastAPI(
        title="Lifeline admin API",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api/admin/docs",
        openapi_url="/api/admin/openapi.json",
        redoc_url=None,
        telemetry=NO_TELEMETRY,
        max_body_size=MAX_REQUEST_BODY_BYTES,
    )
    app.state.config = config
    app.state.startup_hooks = []
    app.state.shutdown_hooks = []
    app.add_exception_handler(LifelineError, lifeline_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_middleware(CSRFMiddleware, secure_cookies=config.secure_cookies)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for include in ROUTERS:
        include(app)
    return app


#: Every HTTP request body, on every path (the Command API's direct lane included): a larger one is refused
#: with 413 "Content Too Large" before any handler sees it, whether it announced its length or streams it
#: in chunks. Without a bound one client could make the server buffer any amount of memory. The largest
#: legitimate body is a technician import (`MAX_IMPORT_BYTES`, 2 MiB) wrapped in a multipart form.
MAX_REQUEST_BODY_BYTES = 2 * MAX_IMPORT_BYTES

#: FastAPI's built-in OpenTelemetry bridge, off: Lifeline configures no OpenTelemetry provider, and asking
#: the global providers whether one was set cost every request ~20 µs of CPU (docs/performance.md).
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def _include_health(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str | int]:
        # The pid lets a supervisor (or a test) tell this process from another on a reused port.
        return {"status": "ok", "version": __version__, "pid": os.getpid()}


# Each entry adds one area's routes; keep in the order a reader meets them, except the first:
# Starlette tries routes one by one, in this order, and the integration APIs are the hot path
# (~1000 `generate_session_key` calls/s, docs/performance.md). Listed last, every Command API call
# first failed to match ~80 routes (~0.15 ms of CPU). Their paths are all fixed (no path parameters),
# so listing them first changes which route answers no other request.
ROUTERS = [
    api_routes.include_routes,  # BeyondTrust-compatible APIs: /oauth2/token, /api/command, /nw, …
    _include_health,
    admin_center_routes.include_routes,  # /admin page (the Administration Center shell)
    auth_routes.include_routes,  # /login pages and /api/auth
    admin_api_routes.include_routes,  # /api/admin JSON API (lifeline.web.admin_api)
    console_api_routes.include_routes,  # /api/console sessions, queue, presence
    console_replies_routes.include_routes,  # /api/console/replies and replies.xml
    customer_api_routes.include_routes,  # /api/customer and /channel/{token}/start
    session_admin_routes.include_routes,  # /api/admin/sessions (Sessions tab)
    live_routes.include_routes,  # /ws/console and /ws/customer/{lsid}
    console_page_routes.include_routes,  # /console page (the Technician Console shell)
    customer_page_routes.include_routes,  # customer pages: /, /pin, /join, /channel, /session
    relay_routes.include_routes,  # /agent/ws, /remote/ws/{lsid}, /agent download (lifeline.web.relay)
    session_workers.include_routes,  # session scheduler start/stop
    api_accounts_routes.include_routes,  # /api/admin/api-accounts (integration accounts)
]
