"""IP restrictions on sign-in (spec §12). The test server sees every request from 127.0.0.1."""

from __future__ import annotations

from tests.support.accounts import (
    create_master_admin,
    create_tech_group,
    create_technician,
    login,
    save_global_settings,
    save_group_settings,
)
from tests.support.servers import ServerProcess

LOOPBACK = {"network_id": "127.0.0.0", "subnet_mask": "255.0.0.0"}
PRIVATE_10 = {"network_id": "10.0.0.0", "subnet_mask": "255.0.0.0"}


def test_deny_by_default_except_another_network_refuses_every_sign_in(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    group = create_tech_group(server)
    technician = create_technician(server, group)
    save_global_settings(server, global_ip_rule={"default": "deny", "exceptions": [PRIVATE_10]})
    for account, app in ((admin, "admin"), (technician, "console")):
        with server.client() as client:
            refused = login(client, account, app=app)
            assert refused.status_code == 403
            assert "127.0.0.1" in refused.json()["message"] and "IP restrictions" in refused.json()["message"]
            assert "ll_session" not in client.cookies


def test_global_rule_is_checked_before_the_password(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, global_ip_rule={"default": "grant", "exceptions": [LOOPBACK]})
    with server.client() as client:
        # a refused network learns nothing about accounts: same answer for a wrong password
        assert login(client, admin, password="Wrong-password1").status_code == 403


def test_allowed_network_signs_in(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, global_ip_rule={"default": "deny", "exceptions": [LOOPBACK]})
    with server.client() as client:
        assert login(client, admin).json()["stage"] == "full"


def test_group_console_rule_applies_only_to_console_sign_in_by_members(server: ServerProcess) -> None:
    restricted, open_group = create_tech_group(server, "Restricted"), create_tech_group(server, "Open")
    save_group_settings(server, restricted, tc_ip_rule={"default": "grant", "exceptions": [LOOPBACK]})
    member, outsider = create_technician(server, restricted), create_technician(server, open_group)
    seated_admin_member = create_master_admin(server, has_technician_seat=True, tech_group_id=restricted)
    with server.client() as client:
        refused = login(client, member, app="console")
        assert refused.status_code == 403
    with server.client() as client:
        assert login(client, outsider, app="console").json()["stage"] == "full"
    with server.client() as client:  # the Console rule does not cover the Administration Center
        assert login(client, seated_admin_member, app="admin").json()["stage"] == "full"
    with server.client() as client:
        assert login(client, seated_admin_member, app="console").status_code == 403


def test_both_rules_must_allow(server: ServerProcess) -> None:
    group = create_tech_group(server)
    technician = create_technician(server, group)
    save_group_settings(server, group, tc_ip_rule={"default": "deny", "exceptions": [LOOPBACK]})
    with server.client() as client:
        assert login(client, technician, app="console").json()["stage"] == "full"
    save_global_settings(server, global_ip_rule={"default": "grant", "exceptions": [LOOPBACK]})
    with server.client() as client:
        assert login(client, technician, app="console").status_code == 403


def test_console_rule_is_enforced_after_sign_in_on_api_and_websocket(sqlite_server: ServerProcess) -> None:
    """A session signed in through the admin app, or before the rule changed, still cannot use the Console."""
    import websockets.exceptions
    import websockets.sync.client

    group = create_tech_group(sqlite_server, "Night")
    member = create_technician(sqlite_server, group)
    with sqlite_server.client() as client:
        assert login(client, member, app="console").json()["stage"] == "full"
        assert client.get("/api/console/state").status_code == 200
        save_group_settings(sqlite_server, group, tc_ip_rule={"default": "grant", "exceptions": [LOOPBACK]})
        refused = client.get("/api/console/state")
        assert refused.status_code == 403
        assert "network address" in refused.json()["message"]
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    ws_url = sqlite_server.url.replace("http://", "ws://") + "/ws/console"
    try:
        with websockets.sync.client.connect(ws_url, additional_headers={"Cookie": cookie}) as socket:
            socket.send('{"op": "register"}')
            socket.recv(timeout=10)
        raise AssertionError("the console websocket should have been refused")
    except websockets.exceptions.InvalidStatus as refused_handshake:  # closed before accept
        assert refused_handshake.response.status_code == 403
