"""Crash and scale: a killed server's sessions continue, and two processes share one help desk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import create_tech_group, save_group_settings
from tests.support.servers import NATS_URL, ServerProcess, base_env, fresh_database, migrate, start_server
from tests.support.sessions import (
    enter_pin,
    is_event,
    receive_until,
    session_seed,
    sign_in,
    technician,
    wait_for,
)


def test_sigkill_mid_session_then_resume_with_last_event_id(sqlite_server: ServerProcess, tmp_path: Path) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Night shift")
    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "pin", "name": "Dora"})
    lsid = created["session"]["lsid"]
    customer = enter_pin(server, created["pin"])
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    with tech.ws() as ws:
        ws.send('{"op": "register"}')
        state, _ = receive_until(ws, lambda m: m["type"] == "state", "state")
    last_event_id = state["last_event_id"]
    assert customer.post("/chat", {"text": "before the crash"}).status_code == 200

    server.kill()
    port = int(server.url.rsplit(":", 1)[1])
    restarted = start_server(server.env, tmp_path / "restarted.log", port=port)
    try:
        assert customer.post("/chat", {"text": "after the crash"}).status_code == 200
        again = sign_in(restarted, tech.account)
        queue = again.get("/api/console/queue")["sessions"]
        assert [(s["lsid"], s["status"]) for s in queue] == [(lsid, "active")]
        with again.ws() as ws:
            ws.send(json.dumps({"op": "resume", "last_event_id": last_event_id}))
            resumed, _ = receive_until(ws, lambda m: m["type"] == "resumed", "resumed")
            assert resumed["replayed"] == 2
            first, _ = receive_until(ws, is_event("chat", "message"), "first missed chat")
            second, _ = receive_until(ws, is_event("chat", "message"), "second missed chat")
            assert [first["event"]["text"], second["event"]["text"]] == ["before the crash", "after the crash"]
            assert first["event"]["id"] > last_event_id and second["event"]["id"] > first["event"]["id"]
            again.ok(f"/api/console/sessions/{lsid}/chat", {"text": "still here"})
            live, _ = receive_until(ws, is_event("chat", "message", text="still here"), "live chat after resume")
            assert live["event"]["id"] > second["event"]["id"]
    finally:
        restarted.stop()


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with fresh_database("postgresql", tmp_path) as database_url:
        env = base_env(database_url, tmp_path / "var", LIFELINE_BUS_URL=NATS_URL)
        migrate(env)
        first = start_server({**env, "LIFELINE_NODE_NAME": "node-a"}, tmp_path / "a.log")
        second = start_server({**env, "LIFELINE_NODE_NAME": "node-b"}, tmp_path / "b.log")
        try:
            yield first, second
        finally:
            first.stop()
            second.stop()


def test_two_processes_on_postgresql_and_nats(two_nodes: tuple[ServerProcess, ServerProcess]) -> None:
    node_a, node_b = two_nodes
    group = create_tech_group(node_a, "Global desk")
    save_group_settings(node_a, group, waiting_timeout_min=1)
    tech = technician(node_a, group, on=node_b)
    tech.ok("/api/console/presence", {"status": "available"})
    with tech.ws() as tech_ws:
        tech_ws.send('{"op": "register"}')
        receive_until(tech_ws, lambda m: m["type"] == "state", "state on node b")
        created = tech.ok("/api/console/sessions", {"method": "pin"})
        lsid = created["session"]["lsid"]
        customer = enter_pin(node_a, created["pin"])  # the customer talks to the other node
        receive_until(tech_ws, is_event("session", "status", lsid=lsid, status="waiting"), "waiting via NATS")
        tech.ok(f"/api/console/sessions/{lsid}/pickup")
        with customer.ws() as customer_ws:
            customer_ws.send('{"op": "register"}')
            receive_until(customer_ws, lambda m: m["type"] == "state", "customer state on node a")
            tech.ok(f"/api/console/sessions/{lsid}/chat", {"text": "from node b"})
            receive_until(customer_ws, is_event("chat", "message", text="from node b"), "chat via NATS")
            assert customer.post("/chat", {"text": "from node a"}).status_code == 200
            receive_until(tech_ws, is_event("chat", "message", text="from node a"), "reply via NATS")
            tech.ok(f"/api/console/sessions/{lsid}/close")
            receive_until(customer_ws, is_event("session", "status", status="closed"), "closed via NATS")

        # A second session left waiting times out once, though both nodes run the scheduler.
        second = tech.ok("/api/console/sessions", {"method": "pin"})
        enter_pin(node_b, second["pin"])
        lsid2 = second["session"]["lsid"]

        def closed() -> list[list[str]] | None:
            events = session_seed(node_a, "count_events", lsid=lsid2)["events"]
            return events if events[-1][2] == "closed" else None

        events = wait_for(closed, "the waiting time-out (1 minute)", deadline_s=120)
        timeouts = [e for e in events if e[3] == "waiting_timeout"]
        assert len(timeouts) == 1
