"""Signing in through the real pages in Chromium: password, 2SV enrolment from the page's key, /admin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.support.accounts import create_master_admin, save_global_settings, totp_code
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.e2e

WAIT_MS = 15_000


def test_sign_in_enrol_2sv_and_land_on_the_admin_center(
    sqlite_server: ServerProcess, browser: Browser
) -> None:
    admin = create_master_admin(sqlite_server)
    save_global_settings(sqlite_server, tfa_all_admins=True)
    page = browser.new_page()
    try:
        page.goto(f"{sqlite_server.url}/login")
        page.fill("#email", admin.email)
        page.fill("#password", "Wrong-password1")
        page.click("#login-submit")
        expect(page.locator("#auth-message")).to_have_text("Wrong email or password.", timeout=WAIT_MS)

        page.fill("#password", admin.password)
        page.click("#login-submit")
        page.wait_for_url(re.compile(r"/login/enrol\?app=admin$"), timeout=WAIT_MS)
        secret_box = page.locator("#totp-secret")
        expect(secret_box).to_have_text(re.compile(r"^[A-Z2-7]{32}$"), timeout=WAIT_MS)
        assert page.locator("#totp-qr").get_attribute("src", timeout=WAIT_MS).startswith("data:image/svg+xml")

        page.fill("#code", totp_code(secret_box.inner_text()))
        page.click("#enrol-submit")
        page.wait_for_url(re.compile(r"/admin$"), timeout=WAIT_MS)
        assert page.url == f"{sqlite_server.url}/admin"
    finally:
        page.close()


def test_strength_meter_follows_the_policy_rules(sqlite_server: ServerProcess, browser: Browser) -> None:
    admin = create_master_admin(sqlite_server, must_change_password=True)
    page = browser.new_page()
    try:
        page.goto(f"{sqlite_server.url}/login?app=admin")
        page.fill("#email", admin.email)
        page.fill("#password", admin.password)
        page.click("#login-submit")
        page.wait_for_url(re.compile(r"/login/password\?app=admin$"), timeout=WAIT_MS)
        label = page.locator("#strength-label")
        for password, expected in (("Sampla1", "None"), ("Sampla12", "Good"), ("Sample12", "Strong"),
                                   ("Sampla1%", "Strong"), ("Sample1%", "Excellent")):
            page.fill("#new", password)
            expect(label).to_have_text(expected, timeout=WAIT_MS)
        page.fill("#current", admin.password)
        page.fill("#new", "Sample1%")
        page.fill("#confirm", "Sample1%")
        page.click("#password-submit")
        page.wait_for_url(re.compile(r"/admin$"), timeout=WAIT_MS)
    finally:
        page.close()
