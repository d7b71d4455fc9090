"""Session flows beyond the basic lifecycle, on PostgreSQL (the routing, invitation and event modules
run on SQLite; one backend each keeps the suite's time modest):
Terms and Conditions, technician and customer surveys (10 questions), replies.xml round trip, the
Administration Center Sessions API with its authorization, external technicians joining by one-time
link, and collaborators.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support.accounts import create_master_admin, create_tech_group, create_user, save_group_settings
from tests.support.clients import login
from tests.support.servers import ServerProcess, running_server
from tests.support.sessions import Tech, enter_pin, is_event, receive_until, session_seed, technician


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server("postgresql", tmp_path_factory.mktemp("flows")) as proc:
        yield proc


def waiting_session(server: ServerProcess, tech: Tech, **body: Any) -> tuple[str, Any]:
    created = tech.ok("/api/console/sessions", {"method": "pin", **body})
    return str(created["session"]["lsid"]), enter_pin(server, created["pin"])


def test_terms_accept_queues_and_decline_ends_the_session(server: ServerProcess) -> None:
    group = create_tech_group(server, "Terms desk")
    save_group_settings(server, group, terms_enabled=True, terms_text="Be nice.", terms_force_scroll=True)
    tech = technician(server, group)
    lsid, customer = waiting_session(server, tech)
    state = customer.state()
    assert state["status"] == "connecting" and state["terms"] == {"text": "Be nice.", "force_scroll": True}
    accepted = customer.post("/terms", {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["status"] == "waiting" and accepted.json()["terms"] is None

    _, declining = waiting_session(server, tech)
    declined = declining.post("/terms", {"accept": False})
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["close_reason"]) == ("closed", "terms_declined")
    assert declining.post("/terms", {"accept": True}).status_code == 409
    assert tech.get("/api/console/queue")["sessions"][0]["lsid"] == lsid  # the declined one left the queue


def ten_questions(prefix: str) -> dict[str, Any]:
    questions = [{"text": f"{prefix} question {n + 1}", "type": "dropdown" if n % 2 == 0 else "open",
                  "answers": [f"answer {a}" for a in range(1, 6)] if n % 2 == 0 else [],
                  "mandatory": n == 0, "enabled": True} for n in range(10)]
    return {"mode": "rescue", "url": "", "append_session_details": False, "questions": questions}


def test_technician_and_customer_surveys_with_ten_questions(server: ServerProcess) -> None:
    group = create_tech_group(server, "Survey desk")
    save_group_settings(server, group, technician_survey=ten_questions("Tech"), customer_survey=ten_questions("Cust"))
    tech = technician(server, group)
    lsid, customer = waiting_session(server, tech)
    assert customer.state()["survey"] is None  # only after a session that was picked up has closed
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    tech.ok(f"/api/console/sessions/{lsid}/close")

    survey = tech.get(f"/api/console/sessions/{lsid}/survey")
    assert survey["mode"] == "rescue" and len(survey["questions"]) == 10
    assert survey["questions"][0]["answers"] == [f"answer {a}" for a in range(1, 6)]
    missing = tech.post(f"/api/console/sessions/{lsid}/survey", {"answers": {"1": "fine"}})
    assert missing.status_code == 400  # question 1 is mandatory
    out_of_range = tech.post(f"/api/console/sessions/{lsid}/survey", {"answers": {"0": 6}})
    assert out_of_range.status_code == 400
    answers = {str(n): (n % 5) + 1 if n % 2 == 0 else f"text {n}" for n in range(10)}
    tech.ok(f"/api/console/sessions/{lsid}/survey", {"answers": answers})
    assert tech.post(f"/api/console/sessions/{lsid}/survey", {"answers": answers}).status_code == 409

    customer_survey = customer.state()["survey"]
    assert customer_survey["mode"] == "rescue" and customer_survey["questions"][9]["text"] == "Cust question 10"
    assert customer.post("/survey", {"answers": {"0": 5, "9": "great"}}).status_code == 200
    stored = [e for e in tech.get(f"/api/console/sessions/{lsid}")["events"] if e["type"] == "survey"]
    assert [(e["kind"], len(e["answers"])) for e in stored] == [("technician", 10), ("customer", 2)]
    assert stored[0]["answers"]["0"] == 1 and stored[0]["answers"]["9"] == "text 9"
    assert all(e["type"] != "survey" for e in customer.state()["history"])  # answers stay internal


def test_replies_xml_export_then_import_round_trip(server: ServerProcess) -> None:
    group = create_tech_group(server, "Replies desk")
    author, colleague = technician(server, group), technician(server, group)
    author.ok("/api/console/replies", {"kind": "reply", "name": "Greeting", "content": "Hello & welcome <3"})
    author.ok("/api/console/replies", {"kind": "url", "name": "Speed test", "content": "https://speed.example/?a=1&b=2"})
    exported = author.client.get("/api/console/replies.xml")
    assert exported.status_code == 200 and b"<replies>" in exported.content
    colleague.ok("/api/console/replies", {"kind": "reply", "name": "Own", "content": "kept"})
    imported = colleague.client.post("/api/console/replies.xml", content=exported.content,
                                     headers={"X-CSRF-Token": colleague.client.cookies["ll_csrf"],
                                              "Content-Type": "application/xml"})
    assert imported.status_code == 200, imported.text

    def items(tech: Tech) -> list[tuple[str, str, str]]:
        body = tech.get("/api/console/replies")
        rows = body["replies"] if isinstance(body, dict) else body
        return [(r["kind"], r["name"], r["content"]) for r in rows]

    assert items(colleague) == [("reply", "Own", "kept"), *items(author)]  # merged, not replaced
    hostile = colleague.client.post("/api/console/replies.xml", content=b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><replies><reply name='x'>&e;</reply></replies>",
                                headers={"X-CSRF-Token": colleague.client.cookies["ll_csrf"]})
    assert hostile.status_code < 500  # refused or imported harmlessly, never a crash
    assert "root:" not in str(items(colleague))  # an external entity is never read, whatever the answer


def test_admin_center_sessions_api_respects_the_administrators_groups(server: ServerProcess) -> None:
    mine, theirs = create_tech_group(server, "Admin's desk"), create_tech_group(server, "Other desk")
    first, second = technician(server, mine), technician(server, mine)
    outsider = technician(server, theirs)
    for tech in (first, second, outsider):
        tech.ok("/api/console/presence", {"status": "available"})
    admin = create_user(server, "admin")
    server.cli("admin", "assign-admin", "--admin-id", str(admin.id), "--group-id", str(mine))
    lsid, customer = waiting_session(server, first, name="Ann")
    other_lsid, _ = waiting_session(server, outsider)

    with closing(login(server, admin.email, admin.password)) as client:
        def act(path: str, body: dict[str, Any] | None = None) -> Any:
            return client.post(f"/api/admin/sessions/{path}", json=body or {})

        listed = client.get("/api/admin/sessions", params={"group": mine}).json()["sessions"]
        assert [s["lsid"] for s in listed] == [lsid]
        assert client.get("/api/admin/sessions", params={"group": theirs}).status_code == 404
        for path, body in ((f"{other_lsid}/start", {"technician_id": outsider.account.id}),
                           (f"{other_lsid}/hold", None), (f"{other_lsid}/close", None),
                           (f"{other_lsid}/transfer", {"target": {"kind": "technician", "id": first.account.id}})):
            assert act(path, body).status_code == 404, path
        assert act(f"{lsid}/start", {"technician_id": outsider.account.id}).status_code == 404  # not their technician

        started = act(f"{lsid}/start", {"technician_id": second.account.id})
        assert started.status_code == 200 and started.json()["session"]["status"] == "active"
        assert started.json()["session"]["technician_id"] == second.account.id
        assert act(f"{lsid}/hold").json()["session"]["status"] == "on_hold"
        assert act(f"{lsid}/unhold").json()["session"]["status"] == "active"
        moved = act(f"{lsid}/transfer", {"target": {"kind": "technician", "id": first.account.id}, "comment": "yours"})
        assert moved.status_code == 200 and moved.json()["session"]["status"] == "transferring"
        first.ok(f"/api/console/sessions/{lsid}/pickup")
        closed = act(f"{lsid}/close")
        assert closed.json()["session"]["status"] == "closed" and closed.json()["session"]["close_reason"] == "admin"
    assert customer.state()["status"] == "closed"

    master = create_master_admin(server)
    with closing(login(server, master.email, master.password)) as client:
        held = client.post(f"/api/admin/sessions/{other_lsid}/start", json={"technician_id": outsider.account.id})
        assert held.status_code == 200  # a Master Administrator manages every group


def test_external_technician_joins_once_by_link_and_chats(server: ServerProcess) -> None:
    group = create_tech_group(server, "External desk")
    session_seed(server, "set_permission", group_id=group, key="invite_external", allowed=True, option="anyone")
    tech = technician(server, group)
    lsid, customer = waiting_session(server, tech)
    early = tech.post(f"/api/console/sessions/{lsid}/invite-external", {"email": "ext@partner.test"})
    assert early.status_code == 409  # only into an active session
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    invited = tech.ok(f"/api/console/sessions/{lsid}/invite-external", {"email": "ext@partner.test", "name": "Xena"})
    assert invited["join_url"].endswith(f"/external/{invited['token']}")

    outsider = server.client()
    joined = outsider.post("/api/external/join", json={"token": invited["token"]})
    assert joined.status_code == 200 and joined.json()["lsid"] == lsid
    access = joined.json()["access_token"]
    assert outsider.post("/api/external/join", json={"token": invited["token"]}).status_code == 404  # one-time
    headers = {"X-External-Token": access}
    assert outsider.get(f"/api/external/sessions/{lsid}", headers={"X-External-Token": "wrong"}).status_code == 404
    assert outsider.post(f"/api/external/sessions/{lsid}/chat", json={"text": "Xena here"},
                         headers=headers).status_code == 200
    chat = [e for e in tech.get(f"/api/console/sessions/{lsid}")["events"] if e["type"] == "chat"]
    assert [(c["author"], c["actor"]["name"], c["text"]) for c in chat] == [("external", "Xena", "Xena here")]
    assert any(e["type"] == "chat" and e["author"] == "external" for e in customer.state()["history"])
    with connect(f"{server.url.replace('http://', 'ws://')}/ws/external/{lsid}?token={access}") as ws:
        ws.send(json.dumps({"op": "register"}))
        opening, _ = receive_until(ws, lambda m: m["type"] == "state", "the external technician's state")
        assert [e["text"] for e in opening["state"]["events"] if e["type"] == "chat"] == ["Xena here"]
        tech.ok(f"/api/console/sessions/{lsid}/notes", {"text": "admin password: hunter2"})
        tech.ok(f"/api/console/sessions/{lsid}/chat", {"text": "welcome Xena"})
        _, before = receive_until(ws, is_event("chat", "message", text="welcome Xena"), "the technician's line")
        assert not [m for m in before if m["type"] == "event" and m["event"]["type"] == "note"]  # notes stay inside
    with pytest.raises(InvalidStatus):
        connect(f"{server.url.replace('http://', 'ws://')}/ws/external/{lsid}?token=wrong").close()
    detail = outsider.get(f"/api/external/sessions/{lsid}", headers=headers).json()
    assert any(p["role"] == "external" and p["joined_at"] for p in detail["participants"])
    assert detail["notes"] == "" and not [e for e in detail["events"] if e["type"] == "note"]
    tech.ok(f"/api/console/sessions/{lsid}/close")
    assert outsider.post(f"/api/external/sessions/{lsid}/chat", json={"text": "late"},
                         headers=headers).status_code in (404, 409)


def test_collaborator_joins_sees_and_chats(server: ServerProcess) -> None:
    group = create_tech_group(server, "Collab desk")
    lead, helper = technician(server, group), technician(server, group)
    helper.ok("/api/console/presence", {"status": "available"})
    lsid, customer = waiting_session(server, lead)
    away = technician(server, group)
    away.ok("/api/console/presence", {"status": "offline"})
    elsewhere = technician(server, create_tech_group(server, "Collab elsewhere"))
    elsewhere.ok("/api/console/presence", {"status": "available"})
    session_seed(server, "set_permission", group_id=group, key="collaboration_invitations", allowed=True,
                 option="specific", targets=[{"type": "tech_group", "id": group}])
    lead.ok(f"/api/console/sessions/{lsid}/pickup")
    assert helper.post(f"/api/console/sessions/{lsid}/chat", {"text": "not yet"}).status_code == 404
    offered = {t["id"] for t in lead.get(f"/api/console/sessions/{lsid}/invite-targets")["technicians"]}
    assert helper.account.id in offered  # not: yourself, the offline one, another group than the permission's
    assert not offered & {lead.account.id, away.account.id, elsewhere.account.id}
    lead.ok(f"/api/console/sessions/{lsid}/invite", {"technician_id": helper.account.id})
    assert helper.account.id not in {t["id"] for t in lead.get(f"/api/console/sessions/{lsid}/invite-targets")[
        "technicians"]}  # already in the session
    again = lead.post(f"/api/console/sessions/{lsid}/invite", {"technician_id": helper.account.id})
    assert again.status_code == 409
    assert any(s["lsid"] == lsid for s in helper.get("/api/console/queue")["sessions"])
    helper.ok(f"/api/console/sessions/{lsid}/chat", {"text": "helper here", "technicians_only": True})
    helper.ok(f"/api/console/sessions/{lsid}/chat", {"text": "hello customer"})
    texts = [e["text"] for e in lead.get(f"/api/console/sessions/{lsid}")["events"] if e["type"] == "chat"]
    assert texts == ["helper here", "hello customer"]
    seen = [e["text"] for e in customer.state()["history"] if e["type"] == "chat"]
    assert seen == ["hello customer"]  # the technicians-only line stays with the technicians
