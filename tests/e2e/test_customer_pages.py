"""Customer pages in Chromium: expired codes, one-time links, declined terms, no technician available."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_console_sessions import (
    WAIT_MS,
    create_pin,
    customer_channel_entry,
    open_console,
    queue_row,
    save_channel_settings,
    workspace,
)
from tests.support.accounts import create_tech_group, create_technician, save_group_settings
from tests.support.browser import Actors
from tests.support.servers import ServerProcess
from tests.support.sessions import session_seed


def test_unknown_pin_and_used_link_say_the_code_has_expired(actors: Actors, sqlite_server: ServerProcess) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Support")
    tech = create_technician(server, group)

    customer = actors.page()
    customer.goto(f"{server.url}/pin")
    customer.locator("#cu-pin").fill("12345")
    customer.locator("#cu-pin-form button[type=submit]").click()
    expect(customer.locator("#cu-error")).to_have_text("A PIN code is 6 digits.")
    customer.locator("#cu-pin").fill("000000")
    customer.locator("#cu-pin-form button[type=submit]").click()
    expect(customer.locator("#cu-error")).to_have_text("PIN Code or Link has expired", timeout=WAIT_MS)

    # A Link session: the first visit joins, a second visit of the same link is refused.
    console = open_console(actors, tech)
    console.locator("#tc-new-session").click()
    dialog = console.locator("dialog.tc-dialog[open]")
    dialog.locator("#tc-new-field-0").fill("Gina")
    dialog.locator('.tc-dialog-tabs [data-method="link"]').click()
    dialog.get_by_role("button", name="Create").click()
    link = dialog.get_by_label("Session link")
    expect(link).to_have_value(re.compile(r"/join/"), timeout=WAIT_MS)
    url = link.input_value()
    # Email through the technician's own mail program: a mailto: link carrying the session link.
    dialog.locator("#tc-new-field-0").fill("Gina at home")
    dialog.locator('.tc-dialog-tabs [data-method="email"]').click()
    dialog.locator("#tc-new-email").fill("gina@customer.example")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_role("link", name="Open email")).to_have_attribute(
        "href", re.compile(r"^mailto:gina%40customer\.example\?subject="), timeout=WAIT_MS)
    dialog.get_by_role("button", name="Close").click()

    customer.goto(url)
    customer.wait_for_url(re.compile(r"/session/[0-9a-f]{32}$"), timeout=WAIT_MS)
    expect(customer.locator("#cu-chat-status")).to_have_text("A technician will be with you shortly.",
                                                             timeout=WAIT_MS)
    expect(queue_row(console, "Gina", "waiting").locator('.tc-badge[data-status="waiting"]')).to_be_visible(
        timeout=WAIT_MS)
    expect(queue_row(console, "Gina at home", "waiting").locator(".tc-badge")).to_have_text("Connecting")

    again = actors.page()
    again.goto(url)
    expect(again.locator("#cu-join-title")).to_have_text("This link cannot be used", timeout=WAIT_MS)
    expect(again.locator("#cu-error")).to_have_text("PIN Code or Link has expired")


def test_declining_the_terms_ends_the_session(actors: Actors, sqlite_server: ServerProcess) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Support")
    save_group_settings(server, group, terms_enabled=True, terms_text="Short terms.", terms_force_scroll=True)
    tech = create_technician(server, group)
    console = open_console(actors, tech)
    pin = create_pin(console, "Hugo")

    customer = actors.page()
    customer.goto(f"{server.url}/")
    customer.locator("#cu-pin").fill(pin)
    customer.locator("#cu-pin-form button[type=submit]").click()
    # Terms short enough to need no scrolling can be accepted at once; Hugo declines them.
    expect(customer.locator("#cu-terms-accept")).to_be_enabled(timeout=WAIT_MS)
    customer.locator("#cu-terms-decline").click()
    expect(customer.locator("#cu-ended-text")).to_contain_text("declined the Terms and Conditions", timeout=WAIT_MS)
    expect(queue_row(console, "Hugo")).to_have_count(0, timeout=WAIT_MS)


def test_no_technician_available_sends_the_customer_to_the_configured_page(
    actors: Actors, sqlite_server: ServerProcess
) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Weekend")
    public_token = session_seed(server, "assign_channel", channel_id=3, group_id=group)["public_token"]
    sorry = f"{server.url}/pin?no-technician=1"
    save_channel_settings(server, 3, no_tech_action="abort_redirect", no_tech_abort_url=sorry)
    create_technician(server, group)  # exists, but is not logged in

    customer = actors.page()
    customer.goto(f"{server.url}/channel/{public_token}")
    customer.locator("#cu-field-0").fill("Ivy")
    customer.locator("#cu-channel-form button[type=submit]").click()
    customer.wait_for_url(sorry, timeout=WAIT_MS)


def test_technician_reads_the_customer_typing_and_ends_with_a_customer_close(
    actors: Actors, sqlite_server: ServerProcess
) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Support")
    public_token = session_seed(server, "assign_channel", channel_id=4, group_id=group)["public_token"]
    tech = create_technician(server, group)
    console = open_console(actors, tech)
    customer = customer_channel_entry(actors, public_token, "Jack", {})
    queue_row(console, "Jack", "channel").get_by_role("button", name="Pick up").click()
    expect(customer.locator("#cu-chat-status")).to_have_text("You are connected to a technician.", timeout=WAIT_MS)

    workspace(console).get_by_label("Chat message").press_sequentially("Checking")
    expect(customer.locator(".cu-typing")).to_contain_text("is typing", timeout=WAIT_MS)
    customer.locator("#cu-end").click()
    expect(customer.locator("#cu-ended-text")).to_contain_text("You ended the session", timeout=WAIT_MS)
    expect(workspace(console).locator(".tc-ws-banner.is-closed")).to_contain_text("customer", timeout=WAIT_MS)
