"""API accounts in the Administration Center: a master creates one, sees the secret once, and it works."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.test_admin_center import create_master_admin, open_tab, sign_in
from tests.support.servers import ServerProcess


def test_master_creates_an_api_account_whose_secret_gets_a_token(sqlite_server: ServerProcess, page: Page) -> None:
    create_master_admin(sqlite_server)
    sign_in(page, sqlite_server, "master@example.test")
    open_tab(page, "API accounts")
    page.get_by_placeholder("Account name").fill("Ticketing")
    page.get_by_role("button", name="Add API account").click()
    notice = page.get_by_role("status").filter(has_text="will not be shown again")
    expect(notice).to_be_visible()
    client_id = notice.locator("code").first.inner_text()
    secret = notice.locator("[data-secret]").inner_text()
    expect(page.locator("section[data-account] h3", has_text="Ticketing")).to_be_visible()

    token = httpx.post(f"{sqlite_server.url}/oauth2/token", data={"grant_type": "client_credentials"},
                       auth=(client_id, secret), timeout=20)
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer"

    page.reload()
    open_tab(page, "API accounts")
    expect(page.locator("section[data-account] h3", has_text="Ticketing")).to_be_visible()
    expect(page.locator("[data-secret]")).to_have_count(0)  # shown once only
