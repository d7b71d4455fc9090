"""`lifeline` command line: serve, db upgrade, demo seed, admin helpers."""

from __future__ import annotations

import logging
from typing import Any

import typer

from lifeline.agent.command import register_agent_command
from lifeline.cli_admin import admin_app, demo_app
from lifeline.cli_api_accounts import api_account_app
from lifeline.config import Config

# Open websockets (consoles, agents, /nw integrations) never close by themselves; after this
# many seconds of a stop they are cut, and every client reconnects to a live node by itself.
GRACEFUL_SHUTDOWN_S = 3

#: uvicorn's wsproto protocol (the `/nw` subprotocol has spaces and is echoed exactly) that also writes
#: pre-framed messages for the `/nw` fan-out (lifeline/web/websocket_server.py).
WEBSOCKET_PROTOCOL = "lifeline.web.websocket_server:FrameWriterWSProtocol"

app = typer.Typer(help="Lifeline remote-support server.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
register_agent_command(app)  # lifeline agent … (lifeline/agent/command.py)
app.add_typer(admin_app, name="admin")  # lifeline/cli_admin.py
admin_app.add_typer(api_account_app, name="api-account")  # lifeline/cli_api_accounts.py
app.add_typer(demo_app, name="demo")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (LIFELINE_HOST; default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (LIFELINE_PORT; default 8000)."),
    workers: int = typer.Option(1, min=1, help=(
        "Server processes sharing the port. Above 1 needs LIFELINE_BUS_URL (NATS): each process's live "
        "hubs (console, customer pages, /nw) hear the other processes' events only through a shared bus.")),
) -> None:
    """Serve the web UIs, APIs and websockets."""
    import uvicorn

    from lifeline.web.app import create_app

    config = Config.from_env()
    if workers > 1 and not config.bus_url:
        raise typer.BadParameter("more than one worker needs LIFELINE_BUS_URL (a NATS server)", param_hint="--workers")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options: dict[str, Any] = {
        "host": host or config.host, "port": port or config.port, "ws": WEBSOCKET_PROTOCOL, "log_level": "info",
        "proxy_headers": False, "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S, "access_log": config.access_log,
        # Screen frames are already JPEG/PNG/DEFLATE: compressing them again per message cost
        # ~5 ms per 1080p update for nothing (docs/performance.md, Screen).
        "ws_per_message_deflate": False,
    }
    if workers > 1:  # uvicorn starts each worker from the import string; each reads the same environment
        uvicorn.run("lifeline.web.app:create_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(config), **options)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate every table to the latest schema."""
    from lifeline.store.migrate import upgrade

    upgrade(Config.from_env().database_url)
    typer.echo("database is up to date")


def main() -> None:
    app()
