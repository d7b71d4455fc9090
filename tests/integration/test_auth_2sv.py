"""Two-step verification (spec §10) against a real server, with real TOTP codes from pyotp.

Each accepted code burns its 30-second step, so a test that needs a second
code uses the next step's code (the server accepts one step of drift) rather
than sleeping.
"""

from __future__ import annotations

import httpx

from tests.support.accounts import (
    Account,
    create_master_admin,
    create_tech_group,
    create_technician,
    create_user,
    login,
    post,
    read_user,
    save_global_settings,
    save_group_settings,
    seed,
    totp_code,
)
from tests.support.servers import ServerProcess


def enrol(client: httpx.Client, account: Account, app: str = "admin") -> str:
    """Sign in, enrol with the secret the server offers, confirm with a real code; returns the secret."""
    answer = login(client, account, app=app).json()
    assert answer == {"stage": "totp_enrol", "next": f"/login/enrol?app={app}"}
    enrolment = client.get("/api/auth/totp/enrol").json()
    assert enrolment["qr_svg"].startswith("data:image/svg+xml")
    assert enrolment["uri"].startswith("otpauth://totp/Lifeline:")
    confirmed = post(client, "/api/auth/totp/enrol", {"code": totp_code(enrolment["secret"]), "app": app})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["stage"] == "full"
    return str(enrolment["secret"])


def test_required_2sv_enrols_then_asks_for_a_code_at_every_sign_in(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        secret = enrol(client, admin)
        assert client.get("/api/auth/me").json()["two_step"] == {"enrolled": True, "required": True}
    assert read_user(server, admin.email)["totp_enrolled"] is True
    with server.client() as client:
        assert login(client, admin).json() == {"stage": "totp", "next": "/login/totp?app=admin"}
        assert client.get("/api/auth/me").json()["stage"] == "totp"
        wrong = post(client, "/api/auth/totp", {"code": _wrong_code(secret)})
        assert wrong.status_code == 401 and wrong.json()["field"] == "code"
        ok = post(client, "/api/auth/totp", {"code": totp_code(secret, steps_ahead=1)})
        assert ok.status_code == 200, ok.text
        assert ok.json() == {"stage": "full", "next": "/admin"}


def test_a_code_cannot_be_used_twice(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        secret = enrol(client, admin)
    code = totp_code(secret, steps_ahead=1)
    with server.client() as client:
        login(client, admin)
        assert post(client, "/api/auth/totp", {"code": code}).status_code == 200
    with server.client() as client:
        login(client, admin)
        replay = post(client, "/api/auth/totp", {"code": code})
        assert replay.status_code == 401
        assert "already used" in replay.json()["message"]
        assert client.get("/api/auth/me").json()["stage"] == "totp"


def test_steps_out_of_order_are_refused(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        login(client, admin)
        assert post(client, "/api/auth/totp", {"code": "123456"}).status_code == 409  # enrol first


def test_wrong_codes_are_rate_limited(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        secret = enrol(client, admin)
    with server.client() as client:
        login(client, admin)
        for _ in range(5):
            assert post(client, "/api/auth/totp", {"code": _wrong_code(secret)}).status_code == 401
        locked = post(client, "/api/auth/totp", {"code": totp_code(secret, steps_ahead=1)})
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0


def test_technicians_of_groups_that_enforce_2sv_must_enrol(server: ServerProcess) -> None:
    enforcing, relaxed = create_tech_group(server, "Enforcing"), create_tech_group(server, "Relaxed")
    save_global_settings(server, tfa_technicians="selected_groups")
    save_group_settings(server, enforcing, enforce_tfa=True)
    covered, free = create_technician(server, enforcing), create_technician(server, relaxed)
    with server.client() as client:
        assert login(client, covered, app="console").json()["stage"] == "totp_enrol"
    with server.client() as client:
        assert login(client, free, app="console").json()["stage"] == "full"


def test_all_technicians_rule_and_admins_with_a_technician_seat(server: ServerProcess) -> None:
    group = create_tech_group(server)
    save_global_settings(server, tfa_technicians="all")
    technician = create_technician(server, group)
    seated_admin = create_user(server, "admin", has_technician_seat=True, tech_group_id=group)
    plain_admin = create_user(server, "admin")
    with server.client() as client:
        assert login(client, technician, app="console").json()["stage"] == "totp_enrol"
    with server.client() as client:  # either rule covering a person is enough, whichever app they open
        assert login(client, seated_admin, app="admin").json()["stage"] == "totp_enrol"
    with server.client() as client:
        assert login(client, plain_admin, app="admin").json()["stage"] == "full"


def test_force_2sv_reset_makes_the_user_enrol_again(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        old_secret = enrol(client, admin)
    seed(server, "update_user", email=admin.email,
         values={"totp_enrolled": False, "totp_secret": "", "totp_last_step": 0})
    with server.client() as client:
        new_secret = enrol(client, admin)
    assert new_secret != old_secret


def test_enrolment_page_shows_the_same_secret_until_confirmed(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        login(client, admin)
        first = client.get("/api/auth/totp/enrol").json()["secret"]
        assert client.get("/api/auth/totp/enrol").json()["secret"] == first
        bad = post(client, "/api/auth/totp/enrol", {"code": _wrong_code(first)})
        assert bad.status_code == 401
        assert read_user(server, admin.email)["totp_enrolled"] is False


def test_forced_password_change_comes_after_2sv(server: ServerProcess) -> None:
    admin = create_master_admin(server, must_change_password=True)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        assert login(client, admin).json()["stage"] == "totp_enrol"
        # the password cannot be changed before the second step
        early = post(client, "/api/auth/password", {"current": admin.password, "new": "Brand-New7pass"})
        assert early.status_code == 409
        secret = client.get("/api/auth/totp/enrol").json()["secret"]
        answer = post(client, "/api/auth/totp/enrol", {"code": totp_code(secret)}).json()
        assert answer == {"stage": "password_change", "next": "/login/password?app=admin"}
        done = post(client, "/api/auth/password", {"current": admin.password, "new": "Brand-New7pass"})
        assert done.json()["stage"] == "full"


def test_voluntary_password_change_needs_a_code_when_enrolled(server: ServerProcess) -> None:
    admin = create_master_admin(server)
    save_global_settings(server, tfa_all_admins=True)
    with server.client() as client:
        secret = enrol(client, admin)
        no_code = post(client, "/api/auth/password", {"current": admin.password, "new": "Brand-New7pass"})
        assert no_code.status_code == 400 and no_code.json()["field"] == "code"
        with_code = post(client, "/api/auth/password",
                         {"current": admin.password, "new": "Brand-New7pass", "code": totp_code(secret, 1)})
        assert with_code.status_code == 200, with_code.text


def _wrong_code(secret: str) -> str:
    """A 6-digit code that is valid for no step in the server's window."""
    valid = {totp_code(secret, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(code for code in (str(digit) * 6 for digit in range(10)) if code not in valid)
