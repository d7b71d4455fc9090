"""Helpers for session tests: technicians signed in to the console, customers, websockets, polling."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from websockets.sync.client import ClientConnection, connect

from tests.support.accounts import REPO_ROOT, Account, create_technician, csrf_headers, login
from tests.support.servers import ServerProcess

T = TypeVar("T")
POLL_DEADLINE_S = 30.0


def session_seed(server: ServerProcess, command: str, **args: Any) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.session_seed", json.dumps({"command": command, **args})],
        env=server.env, cwd=REPO_ROOT, text=True, capture_output=True, timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"session_seed {command} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def wait_for(check: Callable[[], T | None], what: str, deadline_s: float = POLL_DEADLINE_S) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after the deadline."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Tech:
    account: Account
    client: httpx.Client
    server: ServerProcess

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(path, json=body or {}, headers=csrf_headers(self.client))

    def ok(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, path: str) -> dict[str, Any]:
        response = self.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    def ws(self) -> ClientConnection:
        cookie = "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())
        url = self.server.url.replace("http://", "ws://") + "/ws/console"
        return connect(url, additional_headers={"Cookie": cookie}, open_timeout=10)


def technician(server: ServerProcess, group_id: int, *, on: ServerProcess | None = None) -> Tech:
    account = create_technician(server, group_id)
    target = on or server
    client = target.client()
    response = login(client, account, app="console")
    assert response.status_code == 200, response.text
    return Tech(account, client, target)


def sign_in(server: ServerProcess, account: Account) -> Tech:
    client = server.client()
    assert login(client, account, app="console").status_code == 200
    return Tech(account, client, server)


@dataclass
class Customer:
    client: httpx.Client
    lsid: str
    token: str
    server: ServerProcess

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(f"/api/customer/sessions/{self.lsid}{path}", json=body or {},
                                headers={"X-Customer-Token": self.token})

    def state(self) -> dict[str, Any]:
        response = self.client.get(f"/api/customer/sessions/{self.lsid}", headers={"X-Customer-Token": self.token})
        assert response.status_code == 200, response.text
        return response.json()

    def ws(self) -> ClientConnection:
        url = self.server.url.replace("http://", "ws://") + f"/ws/customer/{self.lsid}?token={self.token}"
        return connect(url, open_timeout=10)


def enter_pin(server: ServerProcess, pin: str) -> Customer:
    client = server.client()
    response = client.post("/api/customer/pin", json={"pin": pin, "name": "Carol"})
    assert response.status_code == 200, response.text
    body = response.json()
    return Customer(client, body["lsid"], body["token"], server)


def receive_until(ws: ClientConnection, match: Callable[[dict[str, Any]], bool], what: str,
                  deadline_s: float = POLL_DEADLINE_S) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read messages until one matches; returns it and everything read before."""
    seen: list[dict[str, Any]] = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            message = json.loads(ws.recv(timeout=max(0.1, end - time.monotonic())))
        except TimeoutError:
            break
        if match(message):
            return message, seen
        seen.append(message)
    raise AssertionError(f"timed out waiting for {what}; got {seen}")


def is_event(type_: str, op: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    def match(message: dict[str, Any]) -> bool:
        event = message.get("event") or {}
        return (message.get("type") == "event" and event.get("type") == type_ and event.get("op") == op
                and all(event.get(k) == v for k, v in fields.items()))
    return match
