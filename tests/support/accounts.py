"""Accounts, settings and signed-in HTTP clients for tests against a real server process.

Users and settings are written by `tests/support/account_seed.py` in a
subprocess with the server's environment (the same database the server
reads); HTTP goes to the server like a browser's would, cookies and CSRF
header included.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyotp

from tests.support.servers import ServerProcess

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PASSWORD = "Lifeline-Test1"  # Strong: 4 classes, one repeat ('e')
_serial = itertools.count(1)


@dataclass
class Account:
    id: int
    email: str
    password: str
    role: str


def seed(server: ServerProcess, command: str, **args: Any) -> dict[str, Any]:
    """Run one account_seed command against the server's database; returns its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.account_seed", json.dumps({"command": command, **args})],
        env=server.env, cwd=REPO_ROOT, text=True, capture_output=True, timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"account_seed {command} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def create_user(
    server: ServerProcess, role: str, *, password: str = DEFAULT_PASSWORD, email: str | None = None,
    tech_group_id: int | None = None, has_technician_seat: bool = False, must_change_password: bool = False,
) -> Account:
    email = email or f"{role.replace('_', '-')}{next(_serial)}@example.test"
    result = seed(
        server, "create_user", role=role, email=email, password=password, tech_group_id=tech_group_id,
        has_technician_seat=has_technician_seat, must_change_password=must_change_password,
    )
    return Account(id=result["id"], email=email, password=password, role=role)


def create_master_admin(server: ServerProcess, **kwargs: Any) -> Account:
    return create_user(server, "master_admin", **kwargs)


def create_technician(server: ServerProcess, tech_group_id: int, **kwargs: Any) -> Account:
    return create_user(server, "technician", tech_group_id=tech_group_id, **kwargs)


def create_tech_group(server: ServerProcess, name: str = "Support") -> int:
    return int(seed(server, "create_tech_group", name=name)["id"])


def save_global_settings(server: ServerProcess, **values: Any) -> None:
    seed(server, "save_settings", owner="global", values=values)


def save_group_settings(server: ServerProcess, group_id: int, **values: Any) -> None:
    seed(server, "save_settings", owner="tech_group", owner_id=group_id, values=values)


def read_user(server: ServerProcess, email: str) -> dict[str, Any]:
    return seed(server, "read_user", email=email)


def csrf_headers(client: httpx.Client) -> dict[str, str]:
    """The double-submit header; fetches a page first if the CSRF cookie is not there yet."""
    if "ll_csrf" not in client.cookies:
        client.get("/healthz")
    return {"X-CSRF-Token": client.cookies["ll_csrf"]}


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(path, json=body, headers=csrf_headers(client))


def sign_in(client: httpx.Client, email: str, password: str, app: str = "admin") -> httpx.Response:
    """POST /api/auth/login as a browser would: the one sign-in request every test helper sends."""
    return post(client, "/api/auth/login", {"email": email, "password": password, "app": app})


def login(
    client: httpx.Client, account: Account, app: str = "admin", password: str | None = None
) -> httpx.Response:
    return sign_in(client, account.email, password or account.password, app)


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """A real code from `secret`; `steps_ahead=1` is the next 30-second step (the server accepts ±1).

    Each accepted code burns its step, so a test that needs two codes in a row
    uses the current step, then the next one, instead of sleeping.
    """
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + steps_ahead * totp.interval)
