"""The real-time state API `/nw` with the `websockets` client: phases, framing, full copy, exact updates."""

from __future__ import annotations

import base64
import json
import os
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.support.accounts import create_tech_group
from tests.support.api_client import command, create_api_account, text, token_for
from tests.support.servers import ServerProcess
from tests.support.sessions import Customer, technician

DEADLINE_S = 25.0


def open_nw(server: ServerProcess, subprotocol: str = "ingredi%20state%20api") -> ClientConnection:
    url = server.url.replace("http://", "ws://") + "/nw"
    return connect(url, subprotocols=[subprotocol], open_timeout=10)  # type: ignore[list-item]


def read(ws: ClientConnection) -> dict[str, Any]:
    frame = ws.recv(timeout=DEADLINE_S)
    assert isinstance(frame, bytes), "server messages are binary"
    assert frame.endswith(b"\n")
    return json.loads(frame)  # type: ignore[no-any-return]


def start(ws: ClientConnection, token: str, tables: object = "all") -> dict[str, Any]:
    # authenticate and subscribe back to back, in one frame, without waiting (spec §4.9)
    ws.send(json.dumps({"type": "authenticate", "credentials": {"bearer_token": token}}) + "\n"
            + json.dumps({"type": "subscribe", "tables": tables}) + "\n")
    assert read(ws) == {"type": "authenticate_response", "success": True}
    response = read(ws)
    assert response["type"] == "subscribe_response" and response["success"] is True
    return response


def until(ws: ClientConnection, match: Any, model: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Apply model_updates to `model` until `match(model)` holds; return the model."""
    while not match(model):
        message = read(ws)
        assert message["type"] == "model_update"
        for table, rows in message.get("insert", {}).items():
            for row_id, row in rows.items():
                assert row_id not in model.setdefault(table, {}), f"{table} {row_id} inserted twice"
                model[table][row_id] = dict(row)
        for table, rows in message.get("update", {}).items():
            for row_id, row in rows.items():
                model[table][row_id].update(row)
        for table, ids in message.get("delete", {}).items():
            for row_id in ids:
                del model[table][row_id]
    return model


def sessions_of(model: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {row["lsid"]: row for row in model.get("support_session", {}).values()}


def raw_handshake(server: ServerProcess, subprotocol: str) -> bytes:
    """The `websockets` client refuses to send a subprotocol with spaces, so this one is done by hand."""
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    request = (f"GET /nw HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
               f"Sec-WebSocket-Protocol: {subprotocol}\r\n\r\n")
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer


@pytest.mark.parametrize("subprotocol", ["ingredi state api", "ingredi%20state%20api"])
def test_both_subprotocol_spellings_are_echoed(sqlite_server: ServerProcess, subprotocol: str) -> None:
    answer = raw_handshake(sqlite_server, subprotocol).lower()
    assert answer.startswith(b"http/1.1 101")
    assert f"sec-websocket-protocol: {subprotocol}\r\n".encode() in answer
    if subprotocol == "ingredi%20state%20api":
        token = token_for(sqlite_server, create_api_account(sqlite_server))
        with open_nw(sqlite_server, subprotocol) as ws:
            assert ws.subprotocol == subprotocol
            start(ws, token, ["queue"])


def test_refusals(sqlite_server: ServerProcess) -> None:
    with pytest.raises(InvalidStatus) as refused:
        open_nw(sqlite_server, "chat")
    assert refused.value.response.status_code == 400
    with open_nw(sqlite_server) as ws:
        ws.send('{"type":"authenticate","credentials":{"bearer_token":"nope"}}\n')
        assert read(ws) == {"type": "authenticate_response", "success": False, "reason": "Invalid or expired token"}
    no_perm = token_for(sqlite_server, create_api_account(sqlite_server, name="np", allow=()))
    with open_nw(sqlite_server) as ws:
        ws.send(json.dumps({"type": "authenticate", "credentials": {"bearer_token": no_perm}}) + "\n")
        assert read(ws)["success"] is False
    token = token_for(sqlite_server, create_api_account(sqlite_server, name="ok"))
    with open_nw(sqlite_server) as ws:
        ws.send(json.dumps({"type": "authenticate", "credentials": {"bearer_token": token}}) + "\n")
        assert read(ws)["success"] is True
        ws.send('{"type":"subscribe","tables":["representative_support_session_tool"]}\n')
        response = read(ws)
        assert response["success"] is False and "timestamp" in response


def test_full_copy_then_exact_changes_through_a_session_life(server: ServerProcess) -> None:
    group = create_tech_group(server, "Desk")
    first = technician(server, group)
    first.ok("/api/console/presence", {"status": "available"})
    second = technician(server, group)
    second.ok("/api/console/presence", {"status": "available"})
    token = token_for(server, create_api_account(server))
    with open_nw(server) as ws:
        start(ws, token)
        model: dict[str, dict[str, dict[str, Any]]] = {}
        until(ws, lambda m: len(m.get("representative", {})) == 2 and str(group) in m.get("queue", {}), model)
        assert model["queue"][str(group)] == {**model["queue"][str(group)], "type": "team", "name": "Desk",
                                              "support_team_id": str(group)}
        assert {r["user_id"] for r in model["representative"].values()} == {first.account.id, second.account.id}

        key = command(server, token, "generate_session_key", type="support", queue_id=f"team:{group}",
                      session__custom__external_key="T-7")
        lsid = None
        model = until(ws, lambda m: len(sessions_of(m)) == 1, model)
        (lsid, row), = sessions_of(model).items()
        assert row["queue_id"] == group and row["start_method"] == "session_key"
        attribute = next(iter(model["support_session_attribute"].values()))
        assert attribute == {**attribute, "code_name": "external_key", "value": "T-7"}

        link_token = urlsplit(text(key, "c:key_url")).path.rsplit("/", 1)[-1]
        client = server.client()
        redeemed = client.post("/api/customer/link", json={"token": link_token}).json()
        Customer(client, redeemed["lsid"], redeemed["token"], server)
        until(ws, lambda m: any(c["support_session_id"] == int(next(
            k for k, r in m["support_session"].items() if r["lsid"] == lsid)) for c in m.get("customer_client", {}).values()),
            model)

        first.ok(f"/api/console/sessions/{lsid}/pickup")
        until(ws, lambda m: any(r["representative_id"] == first.account.id
                                for r in m.get("representative_support_session", {}).values()), model)
        assert sessions_of(model)[lsid]["queue_id"] == (1 << 40) + first.account.id

        command(server, token, "transfer_session", lsid=lsid, queue_id=f"rep:{second.account.id}")
        until(ws, lambda m: sessions_of(m)[lsid]["queue_id"] == (1 << 40) + second.account.id, model)
        assert not any(r["representative_id"] == first.account.id
                       for r in model.get("representative_support_session", {}).values())

        command(server, token, "terminate_session", lsid=lsid)
        until(ws, lambda m: lsid not in sessions_of(m), model)
        assert model.get("customer_client", {}) == {} and model.get("support_session_attribute", {}) == {}
