"""What leaves the server: email invitations over SMTP with the group's templates, SMS through an HTTP
gateway, Post-to-URL saved by an administrator; and the customer chat flood guard.

One server for the module (SQLite), pointed at a local SMTP server (aiosmtpd) and a local HTTP
endpoint standing in for both the SMS gateway and the CRM.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.accounts import create_master_admin, create_tech_group, create_user
from tests.support.clients import login
from tests.support.servers import ServerProcess, running_server
from tests.support.sessions import Customer, enter_pin, technician, wait_for
from tests.support.sinks import HttpSink, SmtpSink, http_sink, smtp_sink

LINK_RE = re.compile(r"http://\S+/join/(\S+)")


@dataclass
class Setup:
    server: ServerProcess
    smtp: SmtpSink
    http: HttpSink
    admin: httpx.Client  # a Master Administrator signed in to the Administration Center

    def save(self, owner: str, owner_id: int, values: dict[str, object]) -> httpx.Response:
        return self.admin.put(f"/api/admin/settings/{owner}/{owner_id}", json={"values": values})


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp_path: Path = tmp_path_factory.mktemp("invitations")
    with smtp_sink() as smtp, http_sink() as http, running_server(
        "sqlite", tmp_path, LIFELINE_SMTP_HOST="127.0.0.1", LIFELINE_SMTP_PORT=str(smtp.port),
        LIFELINE_MAIL_FROM="support@lifeline.test", LIFELINE_SMS_GATEWAY_URL=f"{http.url}/sms",
    ) as server:
        admin = create_master_admin(server)
        with closing(login(server, admin.email, admin.password)) as client:
            yield Setup(server, smtp, http, client)


def redeem_link(server: ServerProcess, token: str) -> Customer:
    client = server.client()
    response = client.post("/api/customer/link", json={"token": token})
    assert response.status_code == 200, response.text
    body = response.json()
    return Customer(client, body["lsid"], body["token"], server)


def test_email_invitation_uses_the_group_templates_and_its_link_works(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Mail desk")
    too_long = setup.save("tech_group", group, {"email_text": "x" * 1201})
    assert too_long.status_code == 400 and "1200" in too_long.json()["message"]
    saved = setup.save("tech_group", group, {
        "email_via_server": True, "email_subject": "Your Lifeline session",
        "email_text": "Hello,\nplease open $link$ to start.\n" + "." * 1100,
        "email_signature": "Kind regards,\nThe Mail desk", "email_reply_to": "desk@example.test"})
    assert saved.status_code == 200, saved.text
    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "email", "email": "carol@example.test", "name": "Carol"})
    assert created["mailto"] is None and created["pin"] is None

    mail = wait_for(lambda: setup.smtp.to("carol@example.test"), "the invitation mail")[0]
    assert mail["Subject"] == "Your Lifeline session"
    assert mail["Reply-To"] == "desk@example.test" and mail["From"] == "support@lifeline.test"
    body = mail.get_content().replace("\r\n", "\n")
    assert "\n" + "." * 1100 + "\n" in body  # the whole 1200-character text, not cut
    assert body.startswith("Hello,\nplease open http://") and body.rstrip().endswith("Kind regards,\nThe Mail desk")
    assert created["link"] in body
    token = LINK_RE.search(body).group(1)  # type: ignore[union-attr]

    customer = redeem_link(server, token)
    assert customer.lsid == created["session"]["lsid"] and customer.state()["status"] == "waiting"
    again = server.client().post("/api/customer/link", json={"token": token})
    assert again.status_code == 404  # a link works once


def test_reply_to_defaults_to_the_technician(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Mail desk 2")
    assert setup.save("tech_group", group, {"email_via_server": True}).status_code == 200
    tech = technician(server, group)
    tech.ok("/api/console/sessions", {"method": "email", "email": "dave@example.test"})
    mail = wait_for(lambda: setup.smtp.to("dave@example.test"), "the invitation mail")[0]
    assert mail["Reply-To"] == tech.account.email
    assert mail["Subject"] == "Connection email link"  # the catalog default


def test_sms_invitation_reaches_the_http_gateway(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "SMS desk")
    assert setup.save("tech_group", group, {"sms_enabled": True}).status_code == 200
    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "sms", "phone": "+1 555 0100"})
    sms = wait_for(lambda: [r for r in setup.http.received if r.path == "/sms"], "the SMS at the gateway")[0]
    assert sms.content_type == "application/json"
    message = sms.json()
    assert message["to"] == "+1 555 0100" and created["link"] in message["text"]
    customer = redeem_link(server, LINK_RE.search(message["text"]).group(1))  # type: ignore[union-attr]
    assert customer.lsid == created["session"]["lsid"]


def test_post_to_url_saved_by_an_administrator_is_delivered(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "CRM desk")
    refused = setup.save("tech_group", group, {"post_to_url": {"urls": {"whenever": setup.http.url}}})
    assert refused.status_code == 400 and "unknown trigger" in refused.json()["message"]
    assert refused.json()["field"] == "post_to_url.urls"
    saved = setup.save("tech_group", group, {"post_to_url": {
        "urls": {"end": f"{setup.http.url}/crm/end"}, "format": "json"}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["values"]["post_to_url"]["urls"] == {"end": f"{setup.http.url}/crm/end"}
    hide = setup.save("global", 0, {"hide_post_session_urls": True})
    assert hide.status_code == 200 and hide.json()["values"]["hide_post_session_urls"] is True
    check_hidden_urls(server, setup, group, {"end": f"{setup.http.url}/crm/end"})

    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "pin", "name": "Erin"})
    lsid = created["session"]["lsid"]
    enter_pin(server, created["pin"])
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    tech.ok(f"/api/console/sessions/{lsid}/close")
    post = wait_for(lambda: [r for r in setup.http.received if r.path == "/crm/end"], "the end post")[0]
    assert post.json()["sessionid"] == created["session"]["id"] and post.json()["cfield0"] == "Erin"


def check_hidden_urls(server: ServerProcess, setup: Setup, group: int, urls: dict[str, str]) -> None:
    """Part 2 §14: an Administrator sees masked URLs until Show URLs, which the Audit report records."""
    admin = create_user(server, "admin")
    server.cli("admin", "assign-admin", "--admin-id", str(admin.id), "--group-id", str(group))
    path = f"/api/admin/settings/tech_group/{group}"
    assert setup.admin.get(path).json()["values"]["post_to_url"]["urls"] == urls  # masters always see them
    with closing(login(server, admin.email, admin.password)) as client:
        read = client.get(path).json()
        assert read["urls_hidden"] is True and set(read["values"]["post_to_url"]["urls"]) == set(urls)
        assert not set(read["values"]["post_to_url"]["urls"].values()) & set(urls.values())
        resent = client.put(path, json={"values": {"post_to_url": read["values"]["post_to_url"]}, "scope": "save"})
        assert resent.status_code == 200, resent.text  # re-sending the mask keeps the stored URLs
        shown = client.post(f"{path}/show-urls")
        assert shown.status_code == 200 and shown.json()["post_to_url"]["urls"] == urls
    audit = setup.admin.get("/api/admin/audit", params={"change_type": "View", "entity_id": group}).json()
    assert [(e["actor_id"], e["detail"]) for e in audit["entries"]] == [(admin.id, "Show URLs")]


def test_a_flooding_customer_is_slowed_down_but_the_technician_is_not(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Flood desk")
    tech = technician(server, group)
    created = tech.ok("/api/console/sessions", {"method": "pin"})
    lsid = created["session"]["lsid"]
    customer = enter_pin(server, created["pin"])
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    answers = [customer.post("/chat", {"text": f"hello? {n}"}) for n in range(25)]
    codes = [a.status_code for a in answers]
    assert codes[:10] == [200] * 10  # the burst
    limited = [a for a in answers if a.status_code == 429]
    assert limited and int(limited[0].headers["Retry-After"]) >= 1
    assert "too quickly" in limited[0].json()["message"]
    for n in range(12):  # more than the customer's burst, in the same second
        tech.ok(f"/api/console/sessions/{lsid}/chat", {"text": f"answer {n}"})
    stored = [e for e in tech.get(f"/api/console/sessions/{lsid}")["events"] if e["type"] == "chat"]
    assert len(stored) == codes.count(200) + 12
