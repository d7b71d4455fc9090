"""Each console action's live events, checked with `verify_action` (STYLE.md practice 10):
pick up, chat (technician and customer), note, hold, resume, transfer (both consoles) and close."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lifeline.protocol.session_events import validate_event
from tests.support.accounts import create_tech_group
from tests.support.servers import ServerProcess, running_server
from tests.support.sessions import (
    Customer,
    Tech,
    enter_pin,
    is_event,
    receive_until,
    session_seed,
    technician,
)
from tests.support.verify_action import verify_action


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp_path: Path = tmp_path_factory.mktemp("events")
    with running_server("sqlite", tmp_path) as proc:
        yield proc


def waiting(server: ServerProcess, tech: Tech) -> tuple[str, Customer]:
    created = tech.ok("/api/console/sessions", {"method": "pin", "name": "Carol"})
    return str(created["session"]["lsid"]), enter_pin(server, created["pin"])


def test_pick_up_chat_note_hold_resume_close(server: ServerProcess) -> None:
    group = create_tech_group(server, "Events desk")
    alice = technician(server, group)
    alice.ok("/api/console/presence", {"status": "available"})
    lsid, customer = waiting(server, alice)
    base = f"/api/console/sessions/{lsid}"

    [picked] = verify_action(alice, lambda: alice.ok(f"{base}/pickup"), expect=[("session", "status")], lsid=lsid)
    assert (picked["old_status"], picked["status"]) == ("waiting", "active")
    [line] = verify_action(alice, lambda: alice.ok(f"{base}/chat", {"text": "Hello"}),
                           expect=[("chat", "message")], lsid=lsid)
    assert line["author"] == "technician" and line["text"] == "Hello"
    verify_action(alice, lambda: customer.post("/chat", {"text": "Hi!"}), expect=[("chat", "message")], lsid=lsid)
    verify_action(alice, lambda: alice.ok(f"{base}/notes", {"text": "model X"}), expect=[("note", "add")], lsid=lsid)
    [held] = verify_action(alice, lambda: alice.ok(f"{base}/hold"), expect=[("session", "status")], lsid=lsid)
    assert held["status"] == "on_hold"
    verify_action(alice, lambda: alice.ok(f"{base}/unhold"), expect=[("session", "status")], lsid=lsid)
    [closed] = verify_action(alice, lambda: alice.ok(f"{base}/close"), expect=[("session", "status")], lsid=lsid)
    assert closed["close_reason"] == "technician"
    assert alice.get("/api/console/queue")["sessions"] == []


def test_transfer_as_seen_by_both_consoles(server: ServerProcess) -> None:
    group = create_tech_group(server, "Transfer events desk")
    alice, bob = technician(server, group), technician(server, group)
    for tech in (alice, bob):
        tech.ok("/api/console/presence", {"status": "available"})
    lsid, _ = waiting(server, alice)
    alice.ok(f"/api/console/sessions/{lsid}/pickup")
    target = {"target": {"kind": "technician", "id": bob.account.id}, "comment": "printer expert"}

    [sent] = verify_action(alice, lambda: alice.ok(f"/api/console/sessions/{lsid}/transfer", target),
                           expect=[("session", "transferred")], lsid=lsid)
    assert sent["to"] == {"kind": "technician", "id": bob.account.id} and sent["auto"] is False
    assert sent["session"]["status"] == "transferring"  # Outgoing for alice, Incoming for bob
    [taken] = verify_action(bob, lambda: bob.ok(f"/api/console/sessions/{lsid}/pickup"),
                            expect=[("session", "status")], lsid=lsid)
    assert taken["session"]["technician_id"] == bob.account.id
    assert [s["lsid"] for s in bob.get("/api/console/queue")["sessions"]] == [lsid]
    assert alice.get("/api/console/queue")["sessions"] == []


def test_group_queue_transfer_moves_the_row_between_consoles(server: ServerProcess) -> None:
    first, second = create_tech_group(server, "Tier one"), create_tech_group(server, "Tier two")
    alice, carl = technician(server, first), technician(server, second)
    lsid, _ = waiting(server, alice)
    alice.ok(f"/api/console/sessions/{lsid}/pickup")
    from tests.support.sessions import session_seed

    session_seed(server, "set_permission", group_id=first, key="transfer_sessions", allowed=True, option="any")
    move = {"target": {"kind": "tech_group", "id": second}, "comment": ""}
    verify_action(carl, lambda: alice.ok(f"/api/console/sessions/{lsid}/transfer", move),
                  expect=[("session", "transferred")])
    assert [s["lsid"] for s in carl.get("/api/console/queue")["sessions"]] == [lsid]


def test_channel_to_channel_transfer_reaches_the_source_and_the_target_queue(server: ServerProcess) -> None:
    """Spec part1 §18: the old channel's consoles see the session leave (Outgoing), the new one's see it arrive."""
    source_group = create_tech_group(server, "Channel one desk")
    target_group = create_tech_group(server, "Channel two desk")
    token = session_seed(server, "assign_channel", channel_id=1, group_id=source_group)["public_token"]
    session_seed(server, "assign_channel", channel_id=2, group_id=target_group)
    session_seed(server, "set_permission", group_id=source_group, key="transfer_sessions", allowed=True, option="any")
    dora, erin = technician(server, source_group), technician(server, target_group)
    entered = server.client().post(f"/api/customer/channel/{token}", json={"name": "Carol"})
    assert entered.status_code == 200, entered.text
    lsid = entered.json()["lsid"]
    assert [s["lsid"] for s in dora.get("/api/console/queue")["sessions"]] == [lsid]
    cursor = dora.get("/api/console/state")["last_event_id"]
    move = {"target": {"kind": "channel", "id": 2}, "comment": "billing"}

    [left] = verify_action(dora, lambda: dora.ok(f"/api/console/sessions/{lsid}/transfer", move),
                           expect=[("session", "transferred")])
    assert (left["from_channel_id"], left["to"]) == (1, {"kind": "channel", "id": 2})
    assert dora.get("/api/console/queue")["sessions"] == []  # no stale Waiting row in channel 1
    assert [s["lsid"] for s in erin.get("/api/console/queue")["sessions"]] == [lsid]
    with dora.ws() as ws:  # a resumed console gets it from the database too
        ws.send(json.dumps({"op": "resume", "last_event_id": cursor}))
        receive_until(ws, is_event("session", "transferred", lsid=lsid), "the replayed transfer")
    back = {"target": {"kind": "channel", "id": 1}, "comment": ""}
    session_seed(server, "set_permission", group_id=target_group, key="transfer_sessions", allowed=True, option="any")
    [returned] = verify_action(erin, lambda: erin.ok(f"/api/console/sessions/{lsid}/transfer", back),
                               expect=[("session", "transferred")])
    assert returned["from_channel_id"] == 2 and erin.get("/api/console/queue")["sessions"] == []


def test_first_requests_race_for_the_presence_row_and_coming_back_online_is_announced(server: ServerProcess) -> None:
    """Spec part1 §22: a console's first requests arrive together; Offline → online reaches the other consoles."""
    group = create_tech_group(server, "Presence desk")
    watcher, fresh = technician(server, group), technician(server, group)
    with ThreadPoolExecutor(max_workers=8) as pool:  # the console page opens its socket and fetches at once
        answers = list(pool.map(lambda _: fresh.client.get("/api/console/state"), range(8)))
    assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers if a.status_code != 200]
    fresh.ok("/api/console/presence", {"status": "offline"})
    with watcher.ws() as ws:
        ws.send(json.dumps({"op": "register"}))
        receive_until(ws, lambda m: m["type"] == "state", "the console state")
        fresh.get("/api/console/queue")  # any console request logs the technician back in
        receive_until(ws, is_event("presence", "update", technician_id=fresh.account.id, status="available"),
                      "the announcement that the technician is back online")


def test_waiting_customers_are_told_their_new_place_when_someone_ahead_leaves(server: ServerProcess) -> None:
    """Spec part1 §15: "You are number N in the queue" follows the queue without the page polling."""
    group = create_tech_group(server, "Queue desk")
    token = session_seed(server, "assign_channel", channel_id=3, group_id=group)["public_token"]
    tech = technician(server, group)

    def enter() -> Customer:
        response = server.client().post(f"/api/customer/channel/{token}", json={"name": "Queued"})
        assert response.status_code == 200, response.text
        body = response.json()
        return Customer(server.client(), body["lsid"], body["token"], server)

    first, second, third = enter(), enter(), enter()
    assert third.state()["waiting"]["queue_position"] == 3
    with second.ws() as second_ws, third.ws() as third_ws:
        for ws in (second_ws, third_ws):
            ws.send(json.dumps({"op": "register"}))
            receive_until(ws, lambda m: m["type"] == "state", "the customer state")
        tech.ok(f"/api/console/sessions/{first.lsid}/pickup")
        for ws, place in ((second_ws, 1), (third_ws, 2)):
            message, _ = receive_until(ws, is_event("queue", "position"), "the new queue position")
            validate_event(message["event"])
            assert (message["event"]["queue_position"], message["event"]["message"]) == (place, "queue_position")
        assert second.post("/close").status_code == 200  # a customer giving up moves the ones behind forward
        message, _ = receive_until(third_ws, is_event("queue", "position"), "the position after a close")
        assert message["event"]["queue_position"] == 1 and message["event"]["lsid"] == third.lsid
