"""API accounts through the JSON admin API: Master Administrators only, secret shown once, changes apply at once."""

from __future__ import annotations

from tests.support.accounts import create_master_admin, csrf_headers, login, post
from tests.support.api_client import ApiAccount, basic
from tests.support.servers import ServerProcess


def test_master_admin_manages_api_accounts(sqlite_server: ServerProcess) -> None:
    master = create_master_admin(sqlite_server)
    with sqlite_server.client() as admin, sqlite_server.client() as integration:
        assert login(admin, master).status_code == 200
        made = post(admin, "/api/admin/api-accounts", {"name": "CRM", "permissions": {"command": "read_only"}})
        assert made.status_code == 201, made.text
        body = made.json()
        assert len(body["client_secret"]) == 44 and body["permissions"]["command"] == "read_only"
        account = ApiAccount(body["id"], body["client_id"], body["client_secret"])
        listed = admin.get("/api/admin/api-accounts").json()
        assert [a["name"] for a in listed] == ["CRM"] and "client_secret" not in listed[0]
        token = integration.post("/oauth2/token", data={"grant_type": "client_credentials"},
                                 headers={"Authorization": basic(account)})
        assert token.status_code == 200
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert integration.get("/api/command?action=get_api_info", headers=bearer).status_code == 200
        changed = admin.patch(f"/api/admin/api-accounts/{account.id}", json={"enabled": False},
                              headers=csrf_headers(admin))
        assert changed.status_code == 200 and changed.json()["enabled"] is False
        assert integration.get("/api/command?action=get_api_info", headers=bearer).status_code == 401
        bad = admin.patch(f"/api/admin/api-accounts/{account.id}", json={"permissions": {"command": "everything"}},
                          headers=csrf_headers(admin))
        assert bad.status_code == 400
        attribute = post(admin, "/api/admin/api-custom-attributes", {"code_name": "ticket", "display_name": "Ticket"})
        assert attribute.status_code == 201
        assert admin.delete(f"/api/admin/api-accounts/{account.id}", headers=csrf_headers(admin)).status_code == 200
        assert admin.get("/api/admin/api-accounts").json() == []
        assert integration.get("/api/admin/api-accounts").status_code == 401
