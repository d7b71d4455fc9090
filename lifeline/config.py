"""Configuration from environment variables, read once at start-up.

Every knob an operator may turn lives here so that `docs/operations.md` can
list them from one place. Nothing else in Lifeline reads `os.environ`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"  # bind to loopback unless the operator says otherwise
DEFAULT_VAR_DIR = Path("var")
TEST_ENV = "test"  # LIFELINE_ENV value that unlocks test-only knobs (the test clock)


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    """What one server process needs to know about its surroundings."""

    database_url: str
    bus_url: str | None
    # Subjects on a shared NATS are namespaced, so two help desks (or two test clusters)
    # on one NATS never hear each other's events.
    bus_prefix: str = "lifeline"
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    secure_cookies: bool = False
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "lifeline@localhost"
    sms_gateway_url: str | None = None  # generic HTTP SMS gateway; None = SMS text goes to the log
    env: str = "production"
    test_clock_file: Path | None = None  # honoured only when env == "test": see services/test_clock.py
    node_name: str = "node-1"
    run_jobs: bool = True
    realtime_max_integrations: int = 2000  # /nw subscribers at once; the seed's appliance allows 30
    # uvicorn's line per HTTP request: ~0.15 ms of CPU each, ~5 % of a Command API call
    # (docs/performance.md). What changes is in the audit log; a reverse proxy usually logs requests.
    access_log: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("LIFELINE_VAR_DIR", str(DEFAULT_VAR_DIR)))
        database_url = env.get("LIFELINE_DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'lifeline.db'}"
        host = env.get("LIFELINE_HOST", DEFAULT_HOST)
        port = int(env.get("LIFELINE_PORT", str(DEFAULT_PORT)))
        environment = env.get("LIFELINE_ENV", "production").strip().lower() or "production"
        clock_file = env.get("LIFELINE_TEST_CLOCK_FILE") if environment == TEST_ENV else None
        return cls(
            database_url=normalise_database_url(database_url),
            bus_url=env.get("LIFELINE_BUS_URL") or None,
            bus_prefix=env.get("LIFELINE_BUS_PREFIX") or "lifeline",
            host=host,
            port=port,
            public_url=env.get("LIFELINE_PUBLIC_URL", f"http://{host}:{port}").rstrip("/"),
            secure_cookies=_bool(env.get("LIFELINE_SECURE_COOKIES"), False),
            smtp_host=env.get("LIFELINE_SMTP_HOST") or None,
            smtp_port=int(env.get("LIFELINE_SMTP_PORT", "25")),
            mail_from=env.get("LIFELINE_MAIL_FROM", "lifeline@localhost"),
            sms_gateway_url=env.get("LIFELINE_SMS_GATEWAY_URL") or None,
            env=environment,
            test_clock_file=Path(clock_file) if clock_file else None,
            node_name=env.get("LIFELINE_NODE_NAME", f"node-{os.getpid()}"),
            run_jobs=_bool(env.get("LIFELINE_RUN_JOBS"), True),
            realtime_max_integrations=int(env.get("LIFELINE_REALTIME_MAX_INTEGRATIONS", "2000")),
            access_log=_bool(env.get("LIFELINE_ACCESS_LOG"), False),
        )


def normalise_database_url(url: str) -> str:
    """Accept the plain URLs operators know and pick our async drivers."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.split(":///", 1)[1]
    return url
