"""The JSON admin API against a real server on SQLite and PostgreSQL: authorization, locks, import, audit.

One server per backend for the whole module (argon2 makes every account
cost ~130 ms). The organization is built once through the API as the
Master Administrator the CLI created; each test adds what it needs under
unique names.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.accounts import save_global_settings
from tests.support.clients import login
from tests.support.servers import ServerProcess, base_env, fresh_database, migrate, start_server

PASSWORD = "Org-Admin-Test7"
IMPORT_HEADER = (
    "Name,Nickname,Email,SSO ID,Description,Password,Enabled,Standard License,Mobile License,Tech Group ID"
)
_serial = itertools.count(1)


@dataclass
class Org:
    server: ServerProcess
    master: httpx.Client
    admin: httpx.Client  # standard Administrator assigned to group_a (and so its sub-groups)
    restricted: httpx.Client  # restricted Administrator with only the Reports grant
    group_a: int
    group_b: int
    tech_b: int


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.text}"
    )
    return response.json() if response.content else None


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


def make_admin(master: httpx.Client, **extra: Any) -> dict[str, Any]:
    email = f"{unique('admin')}@example.test"
    return ok(
        master.post(
            "/api/admin/admins",
            json={"role": "admin", "name": email, "email": email, "password": PASSWORD, **extra},
        ),
        201,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def org(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    tmp: Path = tmp_path_factory.mktemp(f"org-{request.param}")
    with fresh_database(request.param, tmp) as database_url:
        env = base_env(database_url, tmp / "var")
        migrate(env)
        server = start_server(env, tmp / "server.log")
        try:
            # Accounts made by an administrator would otherwise have to change their password first.
            save_global_settings(server, admin_password_change_forces_reset=False)
            created = json.loads(
                server.cli(
                    "admin",
                    "create-master-admin",
                    "--name",
                    "Root Master",
                    "--email",
                    "root@example.test",
                    "--password",
                    PASSWORD,
                    "--json",
                ).stdout
            )
            assert created["role"] == "master_admin"
            master = login(server, "root@example.test", PASSWORD)
            group_a = ok(master.post("/api/admin/tech-groups", json={"name": "Group A"}), 201)["id"]
            group_b = ok(master.post("/api/admin/tech-groups", json={"name": "Group B"}), 201)["id"]
            tech_b = ok(
                master.post(
                    "/api/admin/technicians",
                    json={
                        "group_id": group_b,
                        "name": "Tech B",
                        "email": "tech-b@example.test",
                        "password": PASSWORD,
                    },
                ),
                201,
            )
            admin = make_admin(master)
            ok(master.put(f"/api/admin/tech-groups/{group_a}/admins/{admin['id']}", json={"assigned": True}))
            reports_only = ok(
                master.post(
                    "/api/admin/admin-groups",
                    json={"name": "Reporting", "rights_mode": "restricted", "grants": ["reports"]},
                ),
                201,
            )
            restricted = make_admin(master, admin_group_id=reports_only["id"])
            clients = [
                master,
                login(server, admin["email"], PASSWORD),
                login(server, restricted["email"], PASSWORD),
            ]
            try:
                yield Org(server, *clients, group_a=group_a, group_b=group_b, tech_b=tech_b["id"])
            finally:
                for client in clients:
                    client.close()
        finally:
            server.stop()


def test_administrator_cannot_read_or_change_unassigned_group_even_by_guessing_ids(org: Org) -> None:
    a, b, missing = org.group_a, org.group_b, 987654
    assert ok(org.admin.get(f"/api/admin/tech-groups/{a}"))["name"] == "Group A"
    before = ok(org.master.get(f"/api/admin/tech-groups/{b}"))
    attempts = [
        ("GET", f"/api/admin/tech-groups/{b}", None),
        ("PATCH", f"/api/admin/tech-groups/{b}", {"name": "Hijacked"}),
        ("DELETE", f"/api/admin/tech-groups/{b}", None),
        ("POST", f"/api/admin/tech-groups/{b}/move", {"parent_id": a}),
        ("GET", f"/api/admin/tech-groups/{b}/permissions", None),
        ("PUT", f"/api/admin/tech-groups/{b}/permissions", {"permissions": {"reboot": {"allowed": False}}}),
        ("PUT", f"/api/admin/tech-groups/{b}/channels/3", {"assigned": True}),
        ("GET", f"/api/admin/settings/tech_group/{b}", None),
        ("PUT", f"/api/admin/settings/tech_group/{b}", {"values": {"max_active_sessions": 2}}),
        (
            "POST",
            "/api/admin/technicians",
            {"group_id": b, "name": "Sneak", "email": "sneak@example.test", "password": PASSWORD},
        ),
        ("POST", "/api/admin/tech-groups", {"name": "Sub of B", "parent_id": b}),
        ("GET", f"/api/admin/technicians/{org.tech_b}", None),
        ("PATCH", f"/api/admin/technicians/{org.tech_b}", {"name": "Renamed"}),
        ("POST", f"/api/admin/technicians/{org.tech_b}/move", {"group_id": a}),
        ("POST", f"/api/admin/technicians/{org.tech_b}/password", {"password": PASSWORD + "x"}),
        ("DELETE", f"/api/admin/technicians/{org.tech_b}", None),
        ("GET", f"/api/admin/tech-groups/{missing}", None),
        ("GET", f"/api/admin/technicians/{missing}", None),
    ]
    for method, path, body in attempts:
        answer = org.admin.request(method, path, json=body)
        assert answer.status_code == 404, f"{method} {path}: {answer.status_code} {answer.text}"
        assert answer.json()["error"] == "not_found"
    assert ok(org.master.get(f"/api/admin/tech-groups/{b}")) == before
    assert ok(org.master.get(f"/api/admin/technicians/{org.tech_b}"))["name"] == "Tech B"
    assert ok(org.master.get(f"/api/admin/tech-groups/{b}/permissions"))["permissions"]["reboot"]["allowed"]


def test_show_groups_only_to_assigned_admins_hides_other_groups_from_the_tree(org: Org) -> None:
    def names(client: httpx.Client) -> set[str]:
        return {g["name"] for g in ok(client.get("/api/admin/tree"))["tech_groups"]}

    assert {"Group A", "Group B"} <= names(org.admin)
    ok(
        org.master.put(
            "/api/admin/settings/global/0", json={"values": {"show_tg_only_to_assigned_admins": True}}
        )
    )
    try:
        assert "Group B" not in names(org.admin)
        assert "Group A" in names(org.admin)
        assert ok(org.admin.get("/api/admin/search", params={"q": "Tech B"})) == []
        assert {"Group A", "Group B"} <= names(org.master)
    finally:
        ok(
            org.master.put(
                "/api/admin/settings/global/0", json={"values": {"show_tg_only_to_assigned_admins": False}}
            )
        )


def test_restricted_administrator_gets_403_for_tabs_not_granted(org: Org) -> None:
    me = ok(org.restricted.get("/api/admin/me"))
    assert me["visible_tabs"] == ["reports"] and me["rights_mode"] == "restricted"
    attempts = [
        ("GET", "/api/admin/tree", None),
        ("GET", "/api/admin/search?q=a", None),
        ("POST", "/api/admin/tech-groups", {"name": "Nope"}),
        ("GET", f"/api/admin/tech-groups/{org.group_a}", None),
        ("GET", "/api/admin/channels", None),
        ("PATCH", "/api/admin/channels/1", {"name": "Nope"}),
        ("GET", "/api/admin/settings/global/0", None),
        ("GET", f"/api/admin/settings/tech_group/{org.group_a}", None),
        ("POST", "/api/admin/computer-groups", {"tech_group_id": org.group_a, "name": "Nope"}),
        (
            "POST",
            "/api/admin/admins",
            {"role": "admin", "name": "N", "email": "n@example.test", "password": PASSWORD},
        ),
        ("GET", "/api/admin/audit", None),  # the Reports tab is theirs, but the audit log is masters-only
    ]
    for method, path, body in attempts:
        answer = org.restricted.request(method, path, json=body)
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code} {answer.text}"
        assert answer.json()["message"]


def test_locked_permission_cannot_be_changed_by_an_administrator(org: Org) -> None:
    path = f"/api/admin/tech-groups/{org.group_a}/permissions"
    ok(org.master.put(path, json={"permissions": {"reboot": {"allowed": False, "locked": True}}}))
    refused = org.admin.put(path, json={"permissions": {"reboot": {"allowed": True}}})
    assert refused.status_code == 403 and "Reboot" in refused.json()["message"]
    unlock = org.admin.put(path, json={"permissions": {"reboot": {"allowed": False, "locked": False}}})
    assert unlock.status_code == 403
    lock_other = org.admin.put(path, json={"permissions": {"send_urls": {"allowed": True, "locked": True}}})
    assert lock_other.status_code == 403
    saved = ok(org.admin.put(path, json={"permissions": {"send_urls": {"allowed": False}}}))["permissions"]
    assert saved["send_urls"]["allowed"] is False
    assert saved["reboot"] == {"allowed": False, "option": None, "targets": [], "locked": True}
    sub = ok(
        org.admin.post("/api/admin/tech-groups", json={"name": unique("Sub A"), "parent_id": org.group_a}),
        201,
    )
    inherited = ok(org.admin.get(f"/api/admin/tech-groups/{sub['id']}/permissions"))["permissions"]["reboot"]
    assert inherited["locked"] is True, "a new sub-group must not escape its parent's lock"


def test_import_with_good_and_bad_rows_creates_only_the_good_users(org: Org) -> None:
    group = ok(org.master.post("/api/admin/tech-groups", json={"name": unique("Imported")}), 201)["id"]
    rows = [
        f"Good One,,good1-{group}@example.test,,,{PASSWORD},yes,yes,no,",
        f"Weak Pw,,weak-{group}@example.test,,,weak,yes,yes,no,",
        f"Taken,,tech-b@example.test,,,{PASSWORD},yes,yes,no,",
        f"No Email,,,,,{PASSWORD},yes,yes,no,",
        f"Good Two,,good2-{group}@example.test,,,{PASSWORD},no,yes,no,",
    ]
    csv = "\n".join([IMPORT_HEADER, *rows]) + "\n"
    answer = ok(
        org.master.post(
            "/api/admin/import",
            files={"file": ("techs.csv", csv, "text/csv")},
            data={"tech_group_id": str(group)},
        )
    )
    assert (answer["succeeded"], answer["failed"]) == (2, 3)
    outcome = {r["row_number"]: r for r in answer["rows"]}
    assert [outcome[n]["ok"] for n in range(1, 6)] == [True, False, False, False, True]
    assert "Password strength" in outcome[2]["error"]
    assert "already" in outcome[3]["error"]
    assert "Missing" in outcome[4]["error"]
    tree = ok(org.master.get("/api/admin/tree"))
    imported = next(g for g in tree["tech_groups"] if g["id"] == group)
    assert sorted(t["email"] for t in imported["technicians"]) == [
        f"good1-{group}@example.test",
        f"good2-{group}@example.test",
    ]
    assert imported["member_count"] == 2
    again = ok(
        org.master.post(
            "/api/admin/import",
            files={"file": ("techs.csv", csv, "text/csv")},
            data={"tech_group_id": str(group)},
        )
    )
    assert again["succeeded"] == 0
    json_file = json.dumps(
        [
            {
                "name": "J",
                "email": f"j-{group}@example.test",
                "password": PASSWORD,
                "enabled": True,
                "standard_license": True,
                "mobile_license": False,
            }
        ]
    )
    assert (
        ok(
            org.master.post(
                "/api/admin/import",
                files={"file": ("t.json", json_file, "application/json")},
                data={"tech_group_id": str(group)},
            )
        )["succeeded"]
        == 1
    )
    refused = org.admin.post("/api/admin/import", files={"file": ("techs.csv", csv, "text/csv")})
    assert refused.status_code == 403


def _snapshot(org: Org) -> dict[str, Any]:
    return {
        "tree": ok(org.master.get("/api/admin/tree")),
        "global": ok(org.master.get("/api/admin/settings/global/0"))["values"],
        "group": ok(org.master.get(f"/api/admin/settings/tech_group/{org.group_a}"))["values"],
        "channel": ok(org.master.get("/api/admin/settings/channel/1"))["values"],
        "permissions": ok(org.master.get(f"/api/admin/tech-groups/{org.group_a}/permissions")),
        "audit": ok(org.master.get("/api/admin/audit", params={"limit": 1}))["total"],
    }


def test_malformed_input_on_every_endpoint_is_refused_with_a_clear_message_and_changes_nothing(
    org: Org,
) -> None:
    a, t = org.group_a, org.tech_b
    long_name = "x" * 200
    bad: list[tuple[str, str, Any]] = [
        ("POST", "/api/admin/tech-groups", {}),
        ("POST", "/api/admin/tech-groups", {"name": ""}),
        ("POST", "/api/admin/tech-groups", {"name": long_name}),
        ("POST", "/api/admin/tech-groups", {"name": "   "}),
        ("POST", "/api/admin/tech-groups", {"name": "ok", "parent_id": "abc"}),
        ("POST", "/api/admin/tech-groups", {"name": "ok", "bogus": 1}),
        ("POST", "/api/admin/tech-groups", "not json"),
        ("PATCH", f"/api/admin/tech-groups/{a}", {"enabled": "maybe"}),
        ("POST", f"/api/admin/tech-groups/{a}/move", {"parent_id": a}),
        ("PUT", f"/api/admin/tech-groups/{a}/channels/11", {"assigned": True}),
        ("PUT", f"/api/admin/tech-groups/{a}/channels/1", {}),
        ("PUT", f"/api/admin/tech-groups/{a}/permissions", {"permissions": {}}),
        ("PUT", f"/api/admin/tech-groups/{a}/permissions", {"permissions": {"no_such": {"allowed": True}}}),
        (
            "PUT",
            f"/api/admin/tech-groups/{a}/permissions",
            {
                "permissions": {
                    "chat": {"allowed": False},
                    "transfer_sessions": {"allowed": True, "option": "nowhere"},
                }
            },
        ),
        (
            "PUT",
            f"/api/admin/tech-groups/{a}/permissions",
            {"permissions": {"chat": {"allowed": False}}, "scope": "all_channels"},
        ),
        (
            "POST",
            "/api/admin/technicians",
            {"group_id": a, "name": "N", "email": "not-an-email", "password": PASSWORD},
        ),
        (
            "POST",
            "/api/admin/technicians",
            {"group_id": a, "name": "N", "email": "n1@example.test", "password": "short"},
        ),
        (
            "POST",
            "/api/admin/technicians",
            {"group_id": a, "name": "N", "email": "tech-b@example.test", "password": PASSWORD},
        ),
        ("PATCH", f"/api/admin/technicians/{t}", {"email": "root@example.test"}),
        ("PATCH", f"/api/admin/technicians/{t}", {"name": long_name}),
        ("POST", f"/api/admin/technicians/{t}/password", {"password": "abc"}),
        ("POST", f"/api/admin/technicians/{t}/move", {"group_id": 0}),
        ("PUT", f"/api/admin/technicians/{t}/channels/5", {"assigned": False}),
        (
            "POST",
            "/api/admin/admins",
            {"role": "overlord", "name": "N", "email": "o@example.test", "password": PASSWORD},
        ),
        (
            "POST",
            "/api/admin/admins",
            {
                "role": "admin",
                "name": "N",
                "email": "o@example.test",
                "password": PASSWORD,
                "admin_group_id": 99999,
            },
        ),
        ("POST", "/api/admin/admin-groups", {"name": "R", "rights_mode": "restricted", "grants": []}),
        ("POST", "/api/admin/admin-groups", {"name": "R", "rights_mode": "restricted", "grants": ["root"]}),
        ("PATCH", "/api/admin/channels/1", {"name": ""}),
        ("PATCH", "/api/admin/channels/12", {"name": "Twelve"}),
        ("POST", "/api/admin/computer-groups", {"tech_group_id": a, "name": ""}),
        ("POST", "/api/admin/external-groups", {"name": long_name}),
        ("POST", "/api/admin/external-groups/99999/members", {"name": "E", "email": "e@example.test"}),
        ("PUT", "/api/admin/settings/global/0", {"values": {"password_min_strength": "weak"}}),
        ("PUT", "/api/admin/settings/global/0", {"values": {"tfa_all_admins": True, "no_such_setting": 1}}),
        ("PUT", "/api/admin/settings/global/0", {"values": {"tfa_all_admins": True}, "scope": "subgroups"}),
        ("PUT", "/api/admin/settings/global/1", {"values": {"tfa_all_admins": True}}),
        ("PUT", f"/api/admin/settings/tech_group/{a}", {"values": {"max_active_sessions": 11}}),
        (
            "PUT",
            f"/api/admin/settings/tech_group/{a}",
            {"values": {"max_active_sessions": 3, "waiting_message": "queue_position"}},
        ),
        (
            "PUT",
            "/api/admin/settings/channel/1",
            {"values": {"auto_start_enabled": True}, "scope": "all_channels"},
        ),
        ("PUT", "/api/admin/settings/channel/1", {"values": {"terms_enabled": True, "terms_text": ""}}),
        ("PUT", "/api/admin/settings/planet/1", {"values": {"x": 1}}),
        ("GET", "/api/admin/search", None),
        ("GET", "/api/admin/audit?limit=0", None),
        ("GET", "/api/admin/audit?since=yesterday", None),
    ]
    before = _snapshot(org)
    for method, path, body in bad:
        kwargs: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body}
        answer = org.master.request(method, path, **kwargs)
        assert 400 <= answer.status_code < 500, f"{method} {path} {body}: {answer.status_code} {answer.text}"
        assert answer.json()["message"], f"{method} {path}: no message"
    bad_files = [
        ("t.txt", "hello"),
        ("t.csv", "Wrong,Headers\n1,2\n"),
        ("t.json", "{not json"),
        ("t.csv", IMPORT_HEADER + "\n" + f"A,,a@x.test,,,{PASSWORD},yes,yes,no,1\n" * 501),
    ]
    for name, content in bad_files:
        answer = org.master.post("/api/admin/import", files={"file": (name, content, "text/plain")})
        assert answer.status_code == 400 and answer.json()["message"], answer.text
    assert _snapshot(org) == before


def test_every_change_writes_an_audit_row(org: Org) -> None:
    group = ok(org.master.post("/api/admin/tech-groups", json={"name": unique("Audited")}), 201)
    ok(
        org.master.patch(
            f"/api/admin/tech-groups/{group['id']}", json={"name": group["name"] + "!", "enabled": False}
        )
    )
    ok(org.master.put(f"/api/admin/tech-groups/{group['id']}/channels/4", json={"assigned": True}))
    ok(
        org.master.put(
            f"/api/admin/settings/tech_group/{group['id']}", json={"values": {"max_active_sessions": 4}}
        )
    )
    ok(org.master.delete(f"/api/admin/tech-groups/{group['id']}"), 204)
    rows = ok(
        org.master.get(
            "/api/admin/audit", params={"entity_type": "Technician Group", "entity_id": group["id"]}
        )
    )["entries"]
    seen = {(r["change_type"], r["field"]) for r in rows}
    assert {("Add", ""), ("Change", "Name"), ("Change", "Status"), ("Delete", "")} <= seen
    assert ("Change", "Technician can handle maximum X active sessions") in seen
    assert all(r["requested_by"] == "Root Master" for r in rows)
    status = next(r for r in rows if r["field"] == "Status")
    assert (status["old_value"], status["new_value"]) == ("Enabled", "Disabled")
    channel_rows = ok(org.master.get("/api/admin/audit", params={"entity_type": "Channel", "entity_id": 4}))
    assert {r["change_type"] for r in channel_rows["entries"]} >= {"Assign", "Unassign"}
    cli_rows = ok(org.master.get("/api/admin/audit", params={"entity_type": "Master Administrator"}))[
        "entries"
    ]
    assert any(r["requested_by"] == "System (CLI)" and r["change_type"] == "Add" for r in cli_rows)


def test_settings_apply_to_subgroups_copies_and_leaves_siblings_alone(org: Org) -> None:
    parent = ok(
        org.admin.post("/api/admin/tech-groups", json={"name": unique("P"), "parent_id": org.group_a}), 201
    )
    child = ok(
        org.admin.post("/api/admin/tech-groups", json={"name": unique("C"), "parent_id": parent["id"]}), 201
    )
    ok(
        org.admin.put(
            f"/api/admin/settings/tech_group/{parent['id']}",
            json={"values": {"away_after_min": 7}, "scope": "subgroups"},
        )
    )
    assert ok(org.admin.get(f"/api/admin/settings/tech_group/{child['id']}"))["values"]["away_after_min"] == 7
    assert (
        ok(org.master.get(f"/api/admin/settings/tech_group/{org.group_b}"))["values"]["away_after_min"] == 0
    )
    ok(
        org.admin.put(
            f"/api/admin/settings/tech_group/{parent['id']}",
            json={"values": {"away_after_min": 9}, "scope": "all_groups"},
        )
    )
    assert (
        ok(org.master.get(f"/api/admin/settings/tech_group/{org.group_b}"))["values"]["away_after_min"] == 0
    ), "an Administrator's 'all groups' covers only the groups they administer"


def test_deleting_a_group_that_still_has_members_is_refused(org: Org) -> None:
    answer = org.master.delete(f"/api/admin/tech-groups/{org.group_b}")
    assert answer.status_code == 409 and "1 technician(s)" in answer.json()["message"]


def test_only_masters_manage_administrators(org: Org) -> None:
    answer = org.admin.post(
        "/api/admin/admins",
        json={"role": "admin", "name": "X", "email": "x@example.test", "password": PASSWORD},
    )
    assert answer.status_code == 403
    me = ok(org.master.get("/api/admin/me"))
    assert org.master.delete(f"/api/admin/admins/{me['id']}").status_code == 409


def test_cli_lists_what_the_api_created(org: Org) -> None:
    groups = json.loads(org.server.cli("admin", "list-tech-groups", "--json").stdout)
    assert {"Group A", "Group B"} <= {g["name"] for g in groups}
    failed = org.server.cli(
        "admin", "assign-channel", "--channel-id", "11", "--group-id", str(org.group_a), "--json", check=False
    )
    assert failed.returncode == 1 and json.loads(failed.stdout)["error"] == "invalid_input"


def test_demo_seed_runs_once_and_its_logins_work(org: Org) -> None:
    first = json.loads(org.server.cli("demo", "seed", "--json").stdout)
    second = json.loads(org.server.cli("demo", "seed", "--json").stdout)
    assert (first["created"], second["created"]) == (True, False)
    assert [login["email"] for login in first["logins"]] == [login["email"] for login in second["logins"]]
    with closing(login(org.server, "admin@demo.lifeline.test", first["password"])) as demo_admin:
        me = ok(demo_admin.get("/api/admin/me"))
        assert me["role"] == "admin" and len(me["assigned_tech_group_ids"]) == 1
        (group,) = me["assigned_tech_group_ids"]
        assert ok(demo_admin.get(f"/api/admin/tech-groups/{group}"))["channel_ids"] == [1, 2]
