"""The Command API against a real server: every action, its errors, permissions, XSD validity.

Every XML answer is parsed namespace-aware and validated against the XSD the
server serves (`tests/support/api_client.command`). Sessions are real: made by
`generate_session_key`, redeemed through the customer API, picked up by a
technician signed in to the console. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.accounts import create_master_admin, create_tech_group, login, post, seed
from tests.support.api_client import (
    NS,
    command,
    create_api_account,
    error_text,
    is_error,
    raw_get,
    text,
    token_for,
)
from tests.support.servers import ServerProcess
from tests.support.sessions import Customer, Tech, technician

SEED_LSID = "c69a8e10bea9428f816cfababe9815fe"  # seed L451: well-formed, never issued


@pytest.fixture
def full_token(server: ServerProcess) -> str:
    return token_for(server, create_api_account(server, command="full"))


def online_technician(server: ServerProcess, group_id: int) -> Tech:
    tech = technician(server, group_id)
    tech.ok("/api/console/presence", {"status": "available"})
    return tech


def redeem(server: ServerProcess, key_url: str) -> Customer:
    token = urlsplit(key_url).path.rsplit("/", 1)[-1]
    client = server.client()
    response = client.post("/api/customer/link", json={"token": token})
    assert response.status_code == 200, response.text
    body = response.json()
    return Customer(client, body["lsid"], body["token"], server)


def new_key(server: ServerProcess, token: str, queue_id: str, **params: str) -> tuple[str, str]:
    root = command(server, token, "generate_session_key", type="support", queue_id=queue_id, **params)
    assert not is_error(root), error_text(root)
    return text(root, "c:short_key"), text(root, "c:key_url")


def test_generate_session_key_starts_a_real_session_a_technician_picks_up(server: ServerProcess,
                                                                          full_token: str) -> None:
    group = create_tech_group(server, "Help Desk")
    tech = online_technician(server, group)
    root = command(server, full_token, "generate_session_key", type="support", queue_id=f"team:{group}",
                   ttl="60", session__custom__external_key="TICKET-1")
    assert text(root, "c:type") == "support"
    assert text(root, "c:ttl") == "60"
    assert text(root, "c:queue") == "team" and root.find("c:queue", NS).get("available") == "1"
    assert text(root, "c:queue_id") == str(group)
    assert text(root, "c:external_key") == "TICKET-1"
    assert len(text(root, "c:short_key")) == 7
    assert text(root, "c:key_url") in text(root, "c:mail_body")
    customer = redeem(server, text(root, "c:key_url"))
    queue = tech.get("/api/console/queue")["sessions"]
    assert [s["lsid"] for s in queue] == [customer.lsid]
    tech.ok(f"/api/console/sessions/{customer.lsid}/pickup")
    attrs = command(server, full_token, "get_session_attributes", lsid=customer.lsid)
    assert [(a.get("code_name"), a.text) for a in attrs] == [("external_key", "TICKET-1")]
    reps = command(server, full_token, "get_logged_in_reps")
    assert [r.get("id") for r in reps.findall("c:rep", NS)] == [str(tech.account.id)]
    assert text(reps, "c:rep/c:support_session_count") == "1"


def test_generate_session_key_queue_errors(server: ServerProcess, full_token: str) -> None:
    cases = {"rep:999": "Representative not found", "team:999": "Support team not found",
             "issue:nothing": "Issue not found", "general": "Invalid value for parameter queue_id",
             "bogus:1": "Invalid value for parameter queue_id"}
    for queue_id, message in cases.items():
        root = command(server, full_token, "generate_session_key", type="support", queue_id=queue_id)
        assert error_text(root) == message, queue_id
    group = create_tech_group(server)
    for params, message in [({"type": "presentation"}, "Invalid value for parameter type"),
                            ({"session__skills": "windows"}, "Invalid value for parameter session.skills"),
                            ({"url_hostname": "elsewhere.example"}, "Invalid value for parameter url_hostname"),
                            ({"session__priority": "4"}, "Invalid value for parameter session.priority"),
                            ({"session__custom__nope": "x"}, "Custom attribute nope is not configured")]:
        args = {"type": "support", "queue_id": f"team:{group}", **params}
        assert error_text(command(server, full_token, "generate_session_key", **args)) == message
    assert error_text(command(server, full_token, "generate_session_key", type="support")) == \
        "Missing required parameter: queue_id"


def test_rep_queue_key_reports_availability_and_clamps_ttl(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server)
    tech = online_technician(server, group)
    root = command(server, full_token, "generate_session_key", type="support", queue_id=f"rep:{tech.account.id}",
                   ttl="999999")
    assert text(root, "c:queue") == "rep" and root.find("c:queue", NS).get("available") == "1"
    assert int(text(root, "c:ttl")) == 20 * 60  # the group's Private code validity (default 20 min)
    by_name = command(server, full_token, "generate_session_key", type="support",
                      queue_id=f"rep_username:{tech.account.email}")
    assert text(by_name, "c:queue_id") == str(tech.account.id)


def test_session_commands_on_a_live_session(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server)
    first = online_technician(server, group)
    second = online_technician(server, group)
    _, key_url = new_key(server, full_token, f"team:{group}")
    customer = redeem(server, key_url)
    lsid = customer.lsid
    ok = command(server, full_token, "join_session", lsid=lsid, rep_id=first.account.id)
    assert ok.text == "Representative successfully added"
    assert error_text(command(server, full_token, "join_session", lsid=lsid, rep_id=first.account.id)) == \
        "Representative is already in the session"
    assert command(server, full_token, "join_session", lsid=lsid, rep_id=second.account.id).text == \
        "Representative successfully added"
    chat = command(server, full_token, "send_chat_message", lsid=lsid, body="[b]hello[/b]")
    assert chat.text == "Chat message sent"
    as_customer = command(server, full_token, "send_chat_message", lsid=lsid, body="hi", impersonate="customer")
    assert as_customer.text == "Chat message sent"
    history = customer.state()["history"]
    assert [e["text"] for e in history if e["type"] == "chat"] == ["[b]hello[/b]", "hi"]
    left = command(server, full_token, "leave_session", lsid=lsid, rep_id=second.account.id)
    assert left.text == "Successfully removed from session"
    assert error_text(command(server, full_token, "send_chat_message", lsid=lsid, body="x",
                              impersonate=f"rep:{second.account.id}")) == "Representative is not a member of the session"
    assert is_error(command(server, full_token, "leave_session", lsid=lsid, customer="1"))
    moved = command(server, full_token, "transfer_session", lsid=lsid, queue_id=f"rep:{second.account.id}")
    assert moved.text == "Successfully transferred"
    assert [s["lsid"] for s in second.get("/api/console/queue")["sessions"]] == [lsid]
    set_ok = command(server, full_token, "set_session_attributes", lsid=lsid,
                     session__custom__external_key="NEW")
    assert set_ok.text == "Session attributes were set"
    attrs = command(server, full_token, "get_session_attributes", lsid=lsid)
    assert [a.text for a in attrs] == ["NEW"]
    cleared = command(server, full_token, "set_session_attributes", lsid=lsid,
                      session__custom__external_key="")
    assert cleared.text == "Session attributes were set"
    assert len(command(server, full_token, "get_session_attributes", lsid=lsid)) == 0
    assert command(server, full_token, "terminate_session", lsid=lsid).text == "Successfully terminated"
    for action in ("terminate_session", "get_session_attributes"):
        assert error_text(command(server, full_token, action, lsid=lsid)) == \
            f"Session {lsid} was not found or is not active"


def test_session_command_errors(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server)
    offline = technician(server, group)
    _, key_url = new_key(server, full_token, f"team:{group}")
    lsid = redeem(server, key_url).lsid
    not_found = f"Session {SEED_LSID} was not found or is not active"
    assert error_text(command(server, full_token, "join_session", Isid=SEED_LSID, rep_id=1)) == not_found
    assert error_text(command(server, full_token, "join_session", lsid="xyz", rep_id=1)) == \
        "Session xyz was not found or is not active"
    assert error_text(command(server, full_token, "join_session", lsid=lsid)) == \
        "Missing required parameter: rep_id"
    assert error_text(command(server, full_token, "join_session", lsid=lsid, rep_id=999)) == \
        "Representative not found"
    assert error_text(command(server, full_token, "join_session", lsid=lsid, rep_id=offline.account.id)) == \
        "Representative is not logged in"
    assert error_text(command(server, full_token, "transfer_session", lsid=lsid, queue_id="general")) == \
        "Invalid value for parameter queue_id"
    assert error_text(command(server, full_token, "transfer_session", lsid=lsid, queue_id="team:999")) == \
        "Support team not found"
    assert error_text(command(server, full_token, "send_chat_message", lsid=lsid, body="")) == \
        "Missing required parameter: body"
    assert error_text(command(server, full_token, "send_chat_message", lsid=lsid, body="x",
                              timestamp="99999999999")) == "timestamp must be in the past"
    assert error_text(command(server, full_token, "leave_session", lsid=lsid)) == \
        "One of rep_id, rep_username or customer must be provided"
    assert error_text(command(server, full_token, "set_session_attributes", lsid=lsid,
                              session__custom__external_key="x" * 1025)) == \
        "Value of session.custom.external_key exceeds the maximum length of 1024 characters"


def test_create_virtual_customer_uses_the_key_once(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server)
    short_key, _ = new_key(server, full_token, f"team:{group}")
    args = {"short_key": short_key, "name": "Bot user", "ip_address": "192.0.2.7", "operating_system": "Linux",
            "computer_name": "bot"}
    root = command(server, full_token, "create_virtual_customer", **args)
    lsid = text(root, "c:lsid")
    assert text(root, "c:download_url").startswith("http")
    assert error_text(command(server, full_token, "create_virtual_customer", **args)) == \
        "Invalid, expired or already used session key"
    assert command(server, full_token, "send_chat_message", lsid=lsid, body="from bot").text == "Chat message sent"
    bad_ip = {**args, "ip_address": "not-an-ip"}
    assert error_text(command(server, full_token, "create_virtual_customer", **bad_ip)) == \
        "Invalid value for parameter ip_address"


def test_directory_and_appliance_commands(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server, "Tier 1")
    tech = online_technician(server, group)
    teams = command(server, full_token, "get_support_teams", showmembers="1")
    team = teams.find("c:support_team", NS)
    assert team.get("id") == str(group) and text(team, "c:name") == "Tier 1"
    assert [m.get("id") for m in team.findall("c:members/c:representative", NS)] == [str(tech.account.id)]
    assert command(server, full_token, "get_support_teams").find("c:support_team/c:members", NS) is None
    appliances = command(server, full_token, "get_appliances")
    assert text(appliances, "c:appliance/c:cluster_role") == "single"
    health = command(server, full_token, "check_health")
    assert text(health, "c:success") == "1" and text(health, "c:failover_role") == "none"
    assert error_text(command(server, full_token, "set_failover_role", role="backup")) == \
        "Failover is not configured"
    assert error_text(command(server, full_token, "set_failover_role", role="middle")) == \
        "Invalid value for parameter role"
    info = command(server, full_token, "get_api_info")
    assert text(info, "c:api_version") == "1.21.0"
    assert text(info, "c:permissions/c:permission[@name='perm_command']") == "full_access"
    summary = command(server, full_token, "get_connected_client_list", type="representative")
    assert text(summary, "c:connected_client_summary/c:appliance_summary/c:count") == "1"
    assert [c.get("id") for c in summary.findall("c:connected_client", NS)] == [f"rep-{tech.account.id}"]
    only = command(server, full_token, "get_connected_client_list", summary_only="1")
    assert only.find("c:connected_client", NS) is None
    bad = command(server, full_token, "get_connected_client_list", type="pinned_client")
    assert etree_name(bad) == "connected_client_list" and error_text(bad) == "Invalid value for parameter type"
    clients = command(server, full_token, "get_connected_clients", include_connections="1")
    assert text(clients, "c:connected_representative/c:user_id") == str(tech.account.id)
    too_many = command(server, full_token, "get_connected_clients", id=",".join(map(str, range(101))))
    assert error_text(too_many) == "A maximum of 100 IDs is supported"


def etree_name(root: object) -> str:
    from lxml import etree
    return str(etree.QName(root).localname)  # type: ignore[arg-type]


def test_import_jump_shortcut(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server)
    admin = create_master_admin(server)
    with server.client() as client:
        assert login(client, admin).status_code == 200
        made = post(client, "/api/admin/computer-groups", {"tech_group_id": group, "name": "Remote Access"})
        assert made.status_code in (200, 201), made.text
    ok = command(server, full_token, "import_jump_shortcuts", local_jump_hostname="ABCDEF02",
                 group="remote_access", name="Endpoint")
    assert ok.text == "Successfully imported Jump Item shortcut"
    rdp = command(server, full_token, "import_jump_shortcut", rdp_hostname="srv1", group="remote_access",
                  quality="full_colors")
    assert rdp.text == "Successfully imported Jump Item shortcut"
    cases = [({"local_jump_hostname": "a", "group": "nope"}, "Jump Group not found or is a personal list"),
             ({"remote_jump_hostname": "a", "group": "remote_access", "jumpoint": "london"}, "Jumpoint not found"),
             ({"local_jump_hostname": "a", "group": "remote_access", "jump_policy": "Notify"}, "Jump Policy not found"),
             ({"group": "remote_access"}, "Exactly one Jump Item hostname parameter must be provided")]
    for params, message in cases:
        assert error_text(command(server, full_token, "import_jump_shortcut", **params)) == message
    with server.client() as client:
        assert login(client, admin).status_code == 200
        listed = client.get("/api/admin/unattended-shortcuts").json()
    assert [(s["kind"], s["name"]) for s in listed] == [("local_jump", "Endpoint"), ("local_rdp", "srv1")]
    assert listed[1]["options"]["rdp"]["quality"] == "full_colors"


def test_read_only_accounts_are_refused_full_access_commands(server: ServerProcess) -> None:
    token = token_for(server, create_api_account(server, name="ro", command="read_only"))
    refused = "The API account does not have permission to perform this action"
    for action in ("generate_session_key", "join_session", "transfer_session", "set_session_attributes",
                   "terminate_session", "set_failover_role", "import_jump_shortcut"):
        assert error_text(command(server, token, action)) == refused, action
    assert not is_error(command(server, token, "get_logged_in_reps"))
    assert error_text(command(server, token, "send_chat_message", lsid=SEED_LSID, body="x")) == \
        f"Session {SEED_LSID} was not found or is not active"  # read_only may chat (D-13)


def test_a_well_formed_key_request_meets_the_checks_in_order_and_writes_nothing(
        server: ServerProcess) -> None:
    """A valid `generate_session_key` is answered with its bearer check inside the key's unit of work:
    a bad token, a `deny` account, a read-only account and a token killed by a new secret still get 401, 404,
    E03 and 401, in D-15's order, and none of them leaves a session behind."""
    group = create_tech_group(server)
    valid = {"type": "support", "queue_id": f"team:{group}"}
    bad_token = raw_get(server, "/api/command", "not-a-token", action="generate_session_key", **valid)
    assert bad_token.status_code == 401
    deny = token_for(server, create_api_account(server, name="deny", command="none"))
    not_found = raw_get(server, "/api/command", deny, action="generate_session_key", **valid)
    assert not_found.status_code == 404 and not_found.text == "Document Not Found"
    read_only = token_for(server, create_api_account(server, name="ro", command="read_only"))
    assert error_text(command(server, read_only, "generate_session_key", **valid)) == \
        "The API account does not have permission to perform this action"
    assert seed(server, "count_sessions")["sessions"] == 0
    full = create_api_account(server, name="full", command="full")
    token = token_for(server, full)
    assert not is_error(command(server, token, "generate_session_key", **valid))
    server.cli("admin", "api-account", "regenerate", str(full.id))  # every token of the account stops working
    assert raw_get(server, "/api/command", token, action="generate_session_key", **valid).status_code == 401
    assert seed(server, "count_sessions")["sessions"] == 1


def test_transport_rules(server: ServerProcess, full_token: str) -> None:
    assert error_text(command(server, full_token, None)) == "Missing required parameter: action"
    assert error_text(command(server, full_token, "Get_Logged_In_Reps")) == "Invalid action: Get_Logged_In_Reps"
    assert etree_name(command(server, full_token, "get_logged_in_reps", method="POST",
                              path="/api/command.ns")) == "logged_in_reps"
    with server.client() as client:
        multipart = client.post("/api/command", files={"action": (None, "get_api_info")},
                                headers={"Authorization": f"Bearer {full_token}"})
        assert b"Multipart POST requests are not supported" in multipart.content
        merged = client.post("/api/command?action=get_api_info", data={"action": "get_appliances"},
                             headers={"Authorization": f"Bearer {full_token}"})
        assert b"<appliances" in merged.content  # the body wins (D-05)
    denied = raw_get(server, "/api/command", "not-a-token", action="get_api_info")
    assert denied.status_code == 401
    assert denied.json() == {"error": "access_denied",
                             "message": "The resource owner or authorization server denied the request."}
    deny_token = token_for(server, create_api_account(server, name="deny", command="none"))
    not_found = raw_get(server, "/api/command", deny_token, action="get_api_info")
    assert not_found.status_code == 404 and not_found.text == "Document Not Found"
    xsd = raw_get(server, "/api/command.xsd")
    assert xsd.status_code == 200 and b"targetNamespace" in xsd.content


def test_client_script_and_start_session(server: ServerProcess, full_token: str) -> None:
    group = create_tech_group(server)
    short_key, _ = new_key(server, full_token, f"team:{group}")
    with server.client(follow_redirects=False) as client:
        started = client.get("/api/start_session", params={"short_key": short_key,
                                                           "session.custom.external_key": "EXT-9"})
        assert started.status_code == 302 and started.headers["location"].startswith("/join/")
        lsid = started.headers["x-bt-lsid"]
        assert client.get("/api/start_session", params={"short_key": "0000000"}).status_code == 404
        assert client.get("/api/start_session", params={"id": "1", "name": "x"}).status_code == 404
        js = client.get("/api/start_session.js")
        assert js.status_code == 200 and "BG" in js.text
        script = client.get("/api/client_script", params={"type": "rep", "operation": "generate",
                                                         "action": "generate_session_key"})
        assert script.status_code == 400 and "BRCS" in script.text
        console = client.get("/api/client_script", params={"type": "web_console", "operation": "execute",
                                                          "action": "generate_session_key"})
        assert console.status_code == 200 and "/console" in console.text
        assert client.get("/api/client_script", params={"type": "rep", "operation": "execute",
                                                        "action": "login"}).status_code == 400
    customer = redeem(server, server.url + started.headers["location"])
    assert customer.lsid == lsid
    attrs = command(server, full_token, "get_session_attributes", lsid=lsid)
    assert [a.text for a in attrs] == ["EXT-9"]
