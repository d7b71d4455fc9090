"""Password sign-in against a real server: cookies, CSRF, rate limits, forced changes, sign-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.accounts import (
    create_master_admin,
    create_tech_group,
    create_technician,
    csrf_headers,
    login,
    post,
    read_user,
    save_global_settings,
    seed,
)
from tests.support.servers import ServerProcess

NEW_PASSWORD = "Brand-New7pass"


def test_login_happy_path_sets_a_secure_session_cookie(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        response = login(client, admin)
        assert response.status_code == 200, response.text
        assert response.json() == {"stage": "full", "next": "/admin"}
        cookie = response.headers["set-cookie"]
        assert "ll_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        me = client.get("/api/auth/me").json()
        assert me["user"]["email"] == admin.email
        assert me["stage"] == "full"


def test_console_sign_in_goes_to_the_console_and_needs_a_technician_seat(server: ServerProcess) -> None:
    group = create_tech_group(server)
    technician = create_technician(server, group)
    admin = create_master_admin(server)
    with server.client() as client:
        response = login(client, technician, app="console")
        assert response.json() == {"stage": "full", "next": "/console"}
    with server.client() as client:
        refused = login(client, admin, app="console")
        assert refused.status_code == 403
        assert "technician seat" in refused.json()["message"]
    with server.client() as client:
        assert login(client, technician, app="admin").status_code == 403


def test_wrong_password_and_unknown_email_get_the_same_answer(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        wrong = login(client, admin, password="Not-the-password1")
        unknown = post(client, "/api/auth/login", {"email": "nobody@example.test", "password": "x"})
        assert wrong.status_code == unknown.status_code == 401
        expected = {"error": "not_authenticated", "message": "Wrong email or password."}
        assert wrong.json() == unknown.json() == expected
        assert client.get("/api/auth/me").status_code == 401


def test_too_many_wrong_passwords_lock_the_account_with_429_and_retry_after(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        for _ in range(5):
            assert login(client, admin, password="Wrong-password1").status_code == 401
        locked = login(client, admin)  # even the right password waits out the lock
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0
        assert locked.json()["error"] == "rate_limited"


def test_logout_ends_the_server_side_session(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        login(client, admin)
        token = client.cookies["ll_session"]
        assert post(client, "/api/auth/logout", {}).status_code == 200
    with server.client(cookies={"ll_session": token}) as replay:
        assert replay.get("/api/auth/me").status_code == 401


def test_unsafe_request_with_a_session_but_without_the_csrf_header_is_refused(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        login(client, admin)
        refused = client.post("/api/auth/logout", json={})
        assert refused.status_code == 403
        assert refused.json()["error"] == "csrf_failed"
        wrong = client.post("/api/auth/logout", json={}, headers={"X-CSRF-Token": "forged"})
        assert wrong.status_code == 403
        assert client.get("/api/auth/me").status_code == 200  # still signed in


def test_cross_site_login_post_is_refused(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        response = client.post("/api/auth/login", json={"email": admin.email, "password": admin.password},
                               headers={"Origin": "https://evil.example"})
        assert response.status_code == 403


def test_admin_reset_forces_a_password_change_before_anything_else(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    seed(server, "admin_set_password", email=admin.email, password="Admin-Set-Pw1")
    with server.client() as client:
        response = login(client, admin, password="Admin-Set-Pw1")
        assert response.json() == {"stage": "password_change", "next": "/login/password?app=admin"}
        assert client.get("/api/auth/me").json()["stage"] == "password_change"
        weak = post(client, "/api/auth/password", {"current": "Admin-Set-Pw1", "new": "aaaaaaaa"})
        assert weak.status_code == 400 and weak.json()["field"] == "password"
        changed = post(client, "/api/auth/password", {"current": "Admin-Set-Pw1", "new": NEW_PASSWORD})
        assert changed.status_code == 200, changed.text
        assert changed.json() == {"stage": "full", "next": "/admin"}
        assert client.get("/api/auth/me").json()["stage"] == "full"
    assert read_user(server, admin.email)["must_change_password"] is False
    with server.client() as client:
        assert login(client, admin, password=NEW_PASSWORD).json()["stage"] == "full"


def test_no_forced_change_when_the_global_setting_is_off(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, admin_password_change_forces_reset=False)
    seed(server, "admin_set_password", email=admin.email, password="Admin-Set-Pw1")
    with server.client() as client:
        assert login(client, admin, password="Admin-Set-Pw1").json()["stage"] == "full"


def test_minimum_strength_setting_is_enforced_on_change(server: ServerProcess) -> None:
    admin = create_master_admin(server, must_change_password=True)
    save_global_settings(server, password_min_strength="excellent")
    with server.client() as client:
        login(client, admin)
        strong_only = post(client, "/api/auth/password", {"current": admin.password, "new": "Sampla1%x"})
        assert strong_only.status_code == 400
        assert "Excellent" in strong_only.json()["message"]
        excellent = post(client, "/api/auth/password", {"current": admin.password, "new": "Sample1%"})
        assert excellent.status_code == 200


def test_expired_password_forces_a_change_and_the_notice_window_warns(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    other = create_master_admin(server)
    save_global_settings(server, password_max_age_days=30, password_expiry_notice_days=10)
    seed(server, "update_user", email=admin.email, values={"password_changed_at": _days_ago(400)})
    seed(server, "update_user", email=other.email, values={"password_changed_at": _days_ago(25)})
    with server.client() as client:
        assert login(client, admin).json()["stage"] == "password_change"
    with server.client() as client:
        answer = login(client, other).json()
        assert answer["stage"] == "full"
        assert answer["password_expires_in_days"] == 5


def test_changing_the_password_ends_the_other_sessions(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as first, server.client() as second:
        login(first, admin)
        login(second, admin)
        changed = post(second, "/api/auth/password", {"current": admin.password, "new": NEW_PASSWORD})
        assert changed.status_code == 200, changed.text
        assert first.get("/api/auth/me").status_code == 401
        assert second.get("/api/auth/me").status_code == 200


def test_wrong_current_password_is_refused(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        login(client, admin)
        response = client.post("/api/auth/password", json={"current": "Nope-nope1", "new": NEW_PASSWORD},
                               headers=csrf_headers(client))
        assert response.status_code == 401
        assert response.json()["field"] == "current"


def test_disabled_user_cannot_sign_in_and_loses_open_sessions(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    with server.client() as client:
        login(client, admin)
        seed(server, "update_user", email=admin.email, values={"enabled": False})
        assert client.get("/api/auth/me").status_code == 401
        assert login(client, admin).status_code == 401


def test_sign_in_pages_render(server: ServerProcess) -> None:
    with server.client() as client:
        for path in ("/login", "/login?app=console", "/login/totp", "/login/enrol", "/login/password"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "/static/auth/" in page.text
        assert "Technician Console" in client.get("/login?app=console").text
        assert client.get("/static/auth/password_rules.js").status_code == 200


def _days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()
