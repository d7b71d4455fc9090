"""A private session end to end, two technicians, on SQLite and PostgreSQL; plus the refusals."""

from __future__ import annotations

from tests.support.accounts import create_tech_group, save_group_settings
from tests.support.servers import ServerProcess
from tests.support.sessions import enter_pin, is_event, receive_until, session_seed, technician, wait_for


def test_pin_session_chat_transfer_pickup_close(server: ServerProcess) -> None:
    group = create_tech_group(server, "Helpdesk")
    alice = technician(server, group)
    bob = technician(server, group)
    alice.ok("/api/console/presence", {"status": "available"})
    bob.ok("/api/console/presence", {"status": "available"})

    with alice.ws() as alice_ws, bob.ws() as bob_ws:
        alice_ws.send('{"op": "register"}')
        state, _ = receive_until(alice_ws, lambda m: m["type"] == "state", "alice state")
        assert state["state"]["queue"] == []
        bob_ws.send('{"op": "register"}')
        receive_until(bob_ws, lambda m: m["type"] == "state", "bob state")

        created = alice.ok("/api/console/sessions", {"method": "pin", "name": "Carol", "fields": {}})
        pin, lsid = created["pin"], created["session"]["lsid"]
        assert len(pin) == 6 and pin.isdigit() and created["session"]["status"] == "connecting"
        receive_until(alice_ws, is_event("session", "created", lsid=lsid), "created event")

        customer = enter_pin(server, pin)
        assert customer.lsid == lsid
        receive_until(alice_ws, is_event("session", "status", status="waiting"), "waiting event")
        assert customer.state()["status"] == "waiting"

        # A used PIN cannot be used again.
        again = server.client().post("/api/customer/pin", json={"pin": pin})
        assert again.status_code == 404 and again.json()["message"] == "PIN Code or Link has expired"

        alice.ok(f"/api/console/sessions/{lsid}/pickup")
        receive_until(alice_ws, is_event("session", "status", status="active"), "active event")
        with customer.ws() as customer_ws:
            customer_ws.send('{"op": "register"}')
            receive_until(customer_ws, lambda m: m["type"] == "state", "customer state")
            alice.ok(f"/api/console/sessions/{lsid}/chat", {"text": "Hello Carol"})
            message, _ = receive_until(customer_ws, is_event("chat", "message"), "chat at the customer")
            assert message["event"]["text"] == "Hello Carol" and "session" not in message["event"]
            assert customer.post("/chat", {"text": "My printer is on fire"}).status_code == 200
            receive_until(alice_ws, is_event("chat", "message", author="customer"), "customer chat")

            alice.ok(f"/api/console/sessions/{lsid}/notes", {"text": "printer model X"})
            targets = alice.get(f"/api/console/sessions/{lsid}/transfer-targets")
            assert any(t["id"] == bob.account.id and t["allowed"] for t in targets["technician"])
            alice.ok(f"/api/console/sessions/{lsid}/transfer",
                     {"target": {"kind": "technician", "id": bob.account.id}, "comment": "printer expert"})
            moved, _ = receive_until(bob_ws, is_event("session", "transferred"), "incoming transfer at bob")
            assert moved["event"]["comment"] == "printer expert"
            assert moved["event"]["session"]["status"] == "transferring"

            bob.ok(f"/api/console/sessions/{lsid}/pickup")
            detail = bob.get(f"/api/console/sessions/{lsid}")
            assert [e["text"] for e in detail["events"] if e["type"] == "chat"] == [
                "Hello Carol", "My printer is on fire"]
            assert any(e["type"] == "note" for e in detail["events"])
            # Alice no longer owns it: her actions are refused.
            assert alice.post(f"/api/console/sessions/{lsid}/close").status_code == 404

            bob.ok(f"/api/console/sessions/{lsid}/close")
            closed, _ = receive_until(customer_ws, is_event("session", "status", status="closed"), "closed")
            assert closed["event"]["close_reason"] == "technician"
            notes_seen = [m for m in _ if m.get("event", {}).get("type") == "note"]
            assert notes_seen == []  # notes never reach the customer

    counts = session_seed(server, "count_events", lsid=lsid)["events"]
    assert [e[0:2] for e in counts].count(["session", "transferred"]) == 1


def test_pin_guessing_is_rate_limited_and_expired_pins_refused(server: ServerProcess) -> None:
    group = create_tech_group(server, "Desk")
    save_group_settings(server, group, private_code_validity_min=1)
    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "pin"})
    lsid = created["session"]["lsid"]
    client = server.client()
    for attempt in range(10):
        wrong = client.post("/api/customer/pin", json={"pin": f"{attempt:06d}" if f"{attempt:06d}" != created["pin"]
                                                       else "999999"})
        assert wrong.status_code == 404 and wrong.json()["message"] == "PIN Code or Link has expired"
    limited = client.post("/api/customer/pin", json={"pin": created["pin"]})
    assert limited.status_code == 429

    def expired() -> bool:
        queue = tech.get("/api/console/queue")["sessions"]
        return all(s["lsid"] != lsid for s in queue)

    wait_for(expired, "the PIN to expire (validity 1 minute)", deadline_s=90)
    events = session_seed(server, "count_events", lsid=lsid)["events"]
    assert events[-1] == ["session", "status", "expired", "code_expired"]


def test_transfer_refusals(server: ServerProcess) -> None:
    group = create_tech_group(server, "Tier 1")
    other = create_tech_group(server, "Tier 2")
    session_seed(server, "set_permission", group_id=group, key="transfer_sessions", allowed=True,
                 option="specific", targets=[{"type": "tech_group", "id": group}])
    alice = technician(server, group)
    away = technician(server, group)
    outsider = technician(server, other)
    for tech, status in ((alice, "available"), (away, "away"), (outsider, "available")):
        tech.ok("/api/console/presence", {"status": status})
    created = alice.ok("/api/console/sessions", {"method": "pin"})
    lsid = created["session"]["lsid"]
    enter_pin(server, created["pin"])
    alice.ok(f"/api/console/sessions/{lsid}/pickup")

    to_away = alice.post(f"/api/console/sessions/{lsid}/transfer", {"target": {"kind": "technician", "id": away.account.id}})
    assert to_away.status_code == 409 and "away" in to_away.json()["message"]
    to_outsider = alice.post(f"/api/console/sessions/{lsid}/transfer",
                             {"target": {"kind": "technician", "id": outsider.account.id}})
    assert to_outsider.status_code == 403
    to_channel = alice.post(f"/api/console/sessions/{lsid}/transfer", {"target": {"kind": "channel", "id": 1}})
    assert to_channel.status_code == 403

    # Unmanned channel: allowed by permission but restricted and nobody available there.
    session_seed(server, "set_permission", group_id=other, key="transfer_sessions", allowed=True, option="any")
    server_seed = {"incoming_transfer_restriction": True}
    from tests.support.accounts import seed

    seed(server, "save_settings", owner="channel", owner_id=2, values=server_seed)
    created2 = outsider.ok("/api/console/sessions", {"method": "pin"})
    enter_pin(server, created2["pin"])
    lsid2 = created2["session"]["lsid"]
    outsider.ok(f"/api/console/sessions/{lsid2}/pickup")
    unmanned = outsider.post(f"/api/console/sessions/{lsid2}/transfer", {"target": {"kind": "channel", "id": 2}})
    assert unmanned.status_code == 409 and "available technician" in unmanned.json()["message"]
    ok = outsider.post(f"/api/console/sessions/{lsid2}/transfer", {"target": {"kind": "channel", "id": 3}})
    assert ok.status_code == 200 and ok.json()["session"]["status"] == "waiting"
