"""Technician Console, customer pages and the Admin Center Sessions tab in Chromium, on a real server.

Each actor has its own browser context (its own cookies and storage): the
customer, two technicians and a Master Administrator. Everything is driven
through the pages; the only shortcuts are the account and settings seeds.
Waits are Playwright `expect` polls, never sleeps.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.support.accounts import (
    Account,
    create_master_admin,
    create_tech_group,
    create_technician,
    save_group_settings,
    seed,
)
from tests.support.browser import Actors
from tests.support.servers import ServerProcess, start_server
from tests.support.sessions import session_seed

WAIT_MS = 20_000
LONG_TERMS = "\n".join(f"{n}. The technician may view your screen only with your consent." for n in range(1, 80))
TECH_SURVEY = {"mode": "rescue", "questions": [
    {"text": "Was the problem solved?", "type": "dropdown", "answers": ["Yes", "Partly", "No", "Unknown", "N/A"],
     "mandatory": True},
    {"text": "What did you do?", "type": "open"},
]}
CUSTOMER_SURVEY = {"mode": "rescue", "questions": [
    {"text": "How satisfied are you?", "type": "dropdown",
     "answers": ["Very", "Quite", "Neutral", "Not really", "Not at all"], "mandatory": True},
    {"text": "Anything else?", "type": "open"},
]}


def sign_in(page: Page, server: ServerProcess, account: Account, app: str = "console") -> None:
    page.goto(f"{server.url}/login?app={app}")
    page.locator("#email").fill(account.email)
    page.locator("#password").fill(account.password)
    page.locator("#login-submit").click()
    page.wait_for_url(re.compile(rf"/{'console' if app == 'console' else 'admin'}$"), timeout=WAIT_MS)


def open_console(actors: Actors, account: Account) -> Page:
    page = actors.page()
    sign_in(page, actors.server, account)
    expect(page.locator("#tc-connection")).to_have_text("Connected", timeout=WAIT_MS)
    return page


def queue_row(console: Page, name: str, section: str | None = None) -> Locator:
    rows = console.locator(".tc-row" + (f'[data-section="{section}"]' if section else ""))
    return rows.filter(has=console.locator(".tc-row-name", has_text=name))


def workspace(console: Page) -> Locator:
    return console.locator(".tc-workspace:visible")


def customer_pin_entry(actors: Actors, pin: str, name: str) -> Page:
    customer = actors.page()
    customer.goto(f"{actors.server.url}/")
    customer.locator("#cu-pin").fill(pin)
    customer.locator("#cu-name").fill(name)
    customer.locator("#cu-pin-form button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/session/[0-9a-f]{32}$"), timeout=WAIT_MS)
    return customer


def create_pin(console: Page, name: str) -> str:
    console.locator("#tc-new-session").click()
    dialog = console.locator("dialog.tc-dialog[open]")
    dialog.locator("#tc-new-field-0").fill(name)
    dialog.get_by_role("button", name="Create").click()
    pin = dialog.locator("#tc-new-pin")
    expect(pin).to_have_text(re.compile(r"^\d{6}$"), timeout=WAIT_MS)
    value = pin.inner_text()
    dialog.get_by_role("button", name="Close").click()
    return value


def add_predefined_reply(console: Page, name: str, content: str) -> None:
    console.locator("#tc-replies-manage").click()
    dialog = console.locator("dialog.tc-dialog[open]")
    editor = dialog.locator(".tc-reply-editor").last
    editor.get_by_label("Name").fill(name)
    editor.get_by_label("Content").fill(content)
    editor.get_by_role("button", name="Add").click()
    expect(dialog.locator(".tc-replies-list li strong", has_text=name)).to_be_visible(timeout=WAIT_MS)
    dialog.get_by_role("button", name="Close").click()


def admin_sessions_tab(actors: Actors, admin: Account, group_id: int) -> Page:
    page = actors.page()
    sign_in(page, actors.server, admin, app="admin")
    expect(page.locator("body[data-ready='true']")).to_be_attached(timeout=WAIT_MS)
    page.locator(f'.admin-tree-item[data-type="tech_group"][data-id="{group_id}"] > .admin-tree-row').click()
    page.get_by_role("tab", name="Sessions", exact=True).click()
    return page


def admin_row(admin: Page, name: str) -> Locator:
    return admin.locator(".ss-table tbody tr").filter(has=admin.locator("td", has_text=name))


def save_channel_settings(server: ServerProcess, channel_id: int, **values: Any) -> None:
    seed(server, "save_settings", owner="channel", owner_id=channel_id, values=values)


def test_pin_session_chat_reply_transfer_surveys_and_admin_view(
    actors: Actors, sqlite_server: ServerProcess, artifacts_dir: Path
) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Support")
    save_group_settings(server, group, terms_enabled=True, terms_text=LONG_TERMS, terms_force_scroll=True,
                        technician_survey=TECH_SURVEY, customer_survey=CUSTOMER_SURVEY)
    alice = create_technician(server, group)
    bob = create_technician(server, group)
    admin = create_master_admin(server)

    console = open_console(actors, alice)
    add_predefined_reply(console, "Greeting", "Hello! I am looking into your printer now.")
    pin = create_pin(console, "Carol")
    expect(queue_row(console, "Carol", "waiting")).to_be_visible(timeout=WAIT_MS)

    admin_page = admin_sessions_tab(actors, admin, group)
    expect(admin_page.locator(".ss-empty")).to_be_visible(timeout=WAIT_MS)

    # The customer enters the PIN; Accept stays disabled until the terms are scrolled to the end.
    customer = customer_pin_entry(actors, pin, "Carol")
    accept = customer.locator("#cu-terms-accept")
    expect(accept).to_be_disabled(timeout=WAIT_MS)
    customer.locator("#cu-terms-text").evaluate("box => box.scrollTop = box.scrollHeight")
    expect(accept).to_be_enabled(timeout=WAIT_MS)
    accept.click()
    expect(customer.locator("#cu-chat-status")).to_contain_text("shortly", timeout=WAIT_MS)
    expect(admin_row(admin_page, "Carol").locator(".ss-status-cell")).to_have_text("Waiting", timeout=WAIT_MS)

    # Alice picks it up; the customer is told and they chat, typing indicator included.
    row = queue_row(console, "Carol", "waiting")
    expect(row.locator(".tc-badge")).to_have_text("Waiting", timeout=WAIT_MS)
    row.get_by_role("button", name="Pick up").click()
    expect(workspace(console).locator(".tc-ws-head .tc-badge")).to_have_text("Active", timeout=WAIT_MS)
    expect(customer.locator("#cu-chat-status")).to_have_text("You are connected to a technician.", timeout=WAIT_MS)
    expect(admin_row(admin_page, "Carol").locator(".ss-status-cell")).to_have_text("Active", timeout=WAIT_MS)

    # The administrator holds and resumes the session from the Sessions tab.
    admin_row(admin_page, "Carol").click()
    admin_page.get_by_role("button", name="Hold", exact=True).click()
    expect(admin_row(admin_page, "Carol").locator(".ss-status-cell")).to_have_text("On Hold", timeout=WAIT_MS)
    expect(workspace(console).locator(".tc-ws-head .tc-badge")).to_have_text("On Hold", timeout=WAIT_MS)
    admin_page.screenshot(path=str(artifacts_dir / "admin-sessions-tab.png"))
    admin_page.get_by_role("button", name="Unhold").click()
    expect(admin_row(admin_page, "Carol").locator(".ss-status-cell")).to_have_text("Active", timeout=WAIT_MS)
    expect(workspace(console).locator(".tc-ws-head .tc-badge")).to_have_text("Active", timeout=WAIT_MS)

    customer.get_by_label("Message").press_sequentially("My printer")
    expect(workspace(console).locator(".tc-typing")).to_contain_text("is typing", timeout=WAIT_MS)
    customer.get_by_label("Message").press_sequentially(" is on fire")
    customer.get_by_label("Message").press("Enter")
    expect(workspace(console).locator(".tc-msg", has_text="My printer is on fire")).to_be_visible(timeout=WAIT_MS)

    workspace(console).get_by_label("Predefined reply").select_option(label="Greeting")
    workspace(console).get_by_role("button", name="Send reply").click()
    expect(customer.locator(".cu-msg", has_text="looking into your printer")).to_be_visible(timeout=WAIT_MS)
    customer.screenshot(path=str(artifacts_dir / "customer-chat.png"))
    console.screenshot(path=str(artifacts_dir / "console-session.png"))

    # Alice transfers to Bob with a comment; Bob sees an incoming transfer and carries on.
    bob_console = open_console(actors, bob)
    workspace(console).get_by_role("button", name="Transfer").click()
    dialog = console.locator("dialog.tc-dialog[open]")
    dialog.get_by_label("Filter").fill(bob.email.split("@")[0])
    dialog.locator(f'.tc-target[data-kind="technician"][data-id="{bob.id}"] input').check()
    dialog.get_by_label("Comment").fill("Printer expert needed")
    dialog.get_by_role("button", name="Transfer").click()
    expect(workspace(console).locator(".tc-ws-banner")).to_contain_text("Outgoing transfer", timeout=WAIT_MS)
    expect(queue_row(console, "Carol", "outgoing")).to_be_visible(timeout=WAIT_MS)
    expect(admin_row(admin_page, "Carol").locator(".ss-status-cell")).to_have_text("Transferring", timeout=WAIT_MS)
    expect(customer.locator("#cu-chat-status")).to_contain_text("transferred", timeout=WAIT_MS)

    incoming = queue_row(bob_console, "Carol", "incoming")
    expect(incoming).to_contain_text("Printer expert needed", timeout=WAIT_MS)
    incoming.get_by_role("button", name="Pick up").click()
    expect(workspace(bob_console).locator(".tc-transferred-by")).to_contain_text("Printer expert needed",
                                                                                timeout=WAIT_MS)
    expect(workspace(console).locator(".tc-transferred-by")).to_contain_text("Transferred", timeout=WAIT_MS)
    expect(queue_row(console, "Carol")).to_have_count(0, timeout=WAIT_MS)
    bob_input = workspace(bob_console).get_by_label("Chat message")
    bob_input.fill("Bob here, I will take it from now.")
    bob_input.press("Enter")
    expect(customer.locator(".cu-msg", has_text="Bob here")).to_be_visible(timeout=WAIT_MS)
    expect(admin_row(admin_page, "Carol").locator(".ss-status-cell")).to_have_text("Active", timeout=WAIT_MS)
    expect(admin_row(admin_page, "Carol")).to_contain_text(bob.email.split("@")[0], timeout=WAIT_MS)

    # Bob closes: he answers the technician survey, the customer answers hers.
    workspace(bob_console).get_by_role("button", name="Close session").click()
    survey = bob_console.locator("dialog.tc-survey-dialog[open]")
    survey.get_by_label("Was the problem solved? *").select_option(label="Yes")
    survey.get_by_label("What did you do?").fill("Replaced the fuser.")
    survey.get_by_role("button", name="Submit survey").click()
    expect(survey).to_have_count(0, timeout=WAIT_MS)
    expect(workspace(bob_console).locator(".tc-ws-banner.is-closed")).to_be_visible(timeout=WAIT_MS)

    expect(customer.get_by_label("How satisfied are you? *")).to_be_visible(timeout=WAIT_MS)
    customer.get_by_label("How satisfied are you? *").select_option(label="Very")
    customer.locator("#cu-survey-submit").click()
    expect(customer.get_by_role("heading", name="Thank you")).to_be_visible(timeout=WAIT_MS)
    expect(admin_page.locator(".ss-empty")).to_be_visible(timeout=WAIT_MS)

    lsid = customer.url.rsplit("/", 1)[1]
    events = session_seed(server, "count_events", lsid=lsid)["events"]
    assert [e for e in events if e[0] == "survey"] == [["survey", "answered", None, None]] * 2


def customer_channel_entry(actors: Actors, public_token: str, name: str, fields: dict[int, str]) -> Page:
    customer = actors.page()
    customer.goto(f"{actors.server.url}/channel/{public_token}?form=1&chat=1")
    customer.locator("#cu-field-0").fill(name)
    for index, value in fields.items():
        customer.locator(f"#cu-field-{index}").fill(value)
    customer.locator("#cu-channel-form button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/session/[0-9a-f]{32}$"), timeout=WAIT_MS)
    return customer


def test_channel_session_auto_starts_at_the_least_busy_technician(
    actors: Actors, sqlite_server: ServerProcess, artifacts_dir: Path
) -> None:
    server = sqlite_server
    seed(server, "save_settings", owner="global", values={"custom_field_1_label": "Order number"})
    group = create_tech_group(server, "Helpdesk")
    public_token = session_seed(server, "assign_channel", channel_id=1, group_id=group)["public_token"]
    save_channel_settings(server, 1, auto_start_enabled=True)
    busy = create_technician(server, group)
    idle = create_technician(server, group)

    # The busy technician already works on a private session; the idle one has none.
    busy_console = open_console(actors, busy)
    pin = create_pin(busy_console, "Dave")
    customer_pin_entry(actors, pin, "Dave")
    queue_row(busy_console, "Dave", "waiting").get_by_role("button", name="Pick up").click()
    expect(queue_row(busy_console, "Dave", "mine")).to_be_visible(timeout=WAIT_MS)
    idle_console = open_console(actors, idle)

    customer = customer_channel_entry(actors, public_token, "Erin", {1: "A-1042"})
    expect(customer.locator("#cu-chat-status")).to_have_text("You are connected to a technician.", timeout=WAIT_MS)
    row = queue_row(idle_console, "Erin", "mine")
    expect(row.locator(".tc-badge")).to_have_text("Active", timeout=WAIT_MS)
    expect(row).to_contain_text("Channel 1")
    expect(row.locator('.tc-row-field[data-field="1"]')).to_have_text("Order number: A-1042")
    expect(queue_row(busy_console, "Erin")).to_have_count(0, timeout=WAIT_MS)

    row.click()
    details = workspace(idle_console).locator(".tc-fields")
    expect(details).to_contain_text("Order number", timeout=WAIT_MS)
    expect(details.locator('[data-field="1"]')).to_have_text("A-1042")
    # Inline editing of the queue: the technician corrects the order number.
    details.locator('[data-field="1"]').click()
    details.locator('[data-field="1"] input').fill("A-1043")
    details.locator('[data-field="1"] input').press("Enter")
    expect(details.locator('[data-field="1"]')).to_have_text("A-1043", timeout=WAIT_MS)
    idle_console.screenshot(path=str(artifacts_dir / "console-channel-session.png"))


def test_channel_transfer_is_outgoing_in_the_old_channel_and_incoming_in_the_new(
    actors: Actors, sqlite_server: ServerProcess
) -> None:
    """Spec part1 §18: a session sent to another channel is Outgoing here and Incoming there until picked up."""
    server = sqlite_server
    first, second = create_tech_group(server, "Channel six desk"), create_tech_group(server, "Channel seven desk")
    public_token = session_seed(server, "assign_channel", channel_id=6, group_id=first)["public_token"]
    session_seed(server, "assign_channel", channel_id=7, group_id=second)
    session_seed(server, "set_permission", group_id=first, key="transfer_sessions", allowed=True, option="any")
    sender_console = open_console(actors, create_technician(server, first))
    receiver_console = open_console(actors, create_technician(server, second))

    customer_channel_entry(actors, public_token, "Gina", {})
    queue_row(sender_console, "Gina", "channel").get_by_role("button", name="Pick up").click()
    workspace(sender_console).get_by_role("button", name="Transfer").click()
    dialog = sender_console.locator("dialog.tc-dialog[open]")
    dialog.locator('.tc-target[data-kind="channel"][data-id="7"] input').check()
    dialog.get_by_role("button", name="Transfer").click()
    expect(queue_row(sender_console, "Gina", "outgoing")).to_be_visible(timeout=WAIT_MS)
    incoming = queue_row(receiver_console, "Gina", "incoming")
    incoming.get_by_role("button", name="Pick up").click()
    expect(queue_row(receiver_console, "Gina", "mine")).to_be_visible(timeout=WAIT_MS)
    expect(queue_row(sender_console, "Gina")).to_have_count(0, timeout=WAIT_MS)


def test_waiting_session_turns_red_times_out_and_shows_as_missed(
    clock_server: ServerProcess, actors: Actors, artifacts_dir: Path
) -> None:
    server = clock_server
    group = create_tech_group(server, "Night shift")
    public_token = session_seed(server, "assign_channel", channel_id=2, group_id=group)["public_token"]
    # One minute is the shortest waiting time-out (1-999 min); the last minute before it is shown red.
    save_channel_settings(server, 2, waiting_timeout_min=1)
    tech = create_technician(server, group)
    console = open_console(actors, tech)

    customer = customer_channel_entry(actors, public_token, "Frank", {})
    expect(customer.locator("#cu-chat-status")).to_contain_text("You are number 1 in the queue", timeout=WAIT_MS)
    row = queue_row(console, "Frank", "channel")
    expect(row).to_have_class(re.compile(r"\bis-expiring\b"), timeout=WAIT_MS)
    console.screenshot(path=str(artifacts_dir / "console-waiting-red.png"))

    Path(server.extra["clock_file"]).write_text("61")  # the server's clock jumps past the time-out
    missed = queue_row(console, "Frank", "missed")
    expect(missed.locator(".tc-badge")).to_have_text("Missed", timeout=WAIT_MS)
    expect(customer.get_by_role("heading", name="No technician available")).to_be_visible(timeout=WAIT_MS)
    missed.get_by_role("button", name="Dismiss").click()
    expect(queue_row(console, "Frank")).to_have_count(0)


def start_active_session(actors: Actors, console: Page, name: str) -> Page:
    pin = create_pin(console, name)
    customer = customer_pin_entry(actors, pin, name)
    queue_row(console, name, "waiting").get_by_role("button", name="Pick up").click()
    expect(customer.locator("#cu-chat-status")).to_have_text("You are connected to a technician.", timeout=WAIT_MS)
    return customer


def test_hold_notes_urls_invitations_replies_file_and_status(
    actors: Actors, sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Support")
    session_seed(server, "set_permission", group_id=group, key="invite_external", allowed=True, option="anyone")
    lead = create_technician(server, group)
    helper = create_technician(server, group)
    console = open_console(actors, lead)
    helper_console = open_console(actors, helper)

    # Status selector: a chosen state is shown and reaches the server.
    console.locator("#tc-status-select").select_option("busy")
    expect(console.locator("#tc-status-dot")).to_have_attribute("data-status", "busy", timeout=WAIT_MS)
    console.locator("#tc-status-select").select_option("available")
    expect(console.locator("#tc-status-dot")).to_have_attribute("data-status", "available", timeout=WAIT_MS)

    # A predefined URL, exported as replies.xml and imported back (import adds, never replaces).
    console.locator("#tc-replies-manage").click()
    dialog = console.locator("dialog.tc-dialog[open]")
    dialog.get_by_role("tab", name="Predefined URLs").click()
    dialog.get_by_label("Name").fill("Driver page")
    dialog.get_by_label("URL").fill("https://example.com/drivers")
    dialog.get_by_role("button", name="Add").click()
    expect(dialog.locator(".tc-replies-list strong", has_text="Driver page")).to_have_count(1, timeout=WAIT_MS)
    dialog.get_by_role("tab", name="Import/Export").click()
    with console.expect_download() as download_info:
        dialog.get_by_role("button", name="Export replies.xml").click()
    download = download_info.value
    assert download.suggested_filename == "replies.xml"
    exported = tmp_path / "replies.xml"
    download.save_as(exported)
    assert 'name="Driver page"' in exported.read_text()
    dialog.get_by_label("replies.xml to import").set_input_files(str(exported))
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog.get_by_role("status")).to_have_text("1 item(s) imported.", timeout=WAIT_MS)
    dialog.get_by_role("tab", name="Predefined URLs").click()
    expect(dialog.locator(".tc-replies-list strong", has_text="Driver page")).to_have_count(2, timeout=WAIT_MS)
    dialog.get_by_role("button", name="Close").click()

    customer = start_active_session(actors, console, "Kim")
    ws = workspace(console)
    ws.get_by_label("Predefined URL").select_option(label="Driver page")
    ws.get_by_role("button", name="Send URL").click()
    expect(customer.locator(".cu-msg a", has_text="https://example.com/drivers")).to_be_visible(timeout=WAIT_MS)

    ws.get_by_label("New note").fill("Customer uses Windows 11.")
    ws.get_by_role("button", name="Add note").click()
    expect(ws.locator(".tc-notes-list")).to_contain_text("Customer uses Windows 11.", timeout=WAIT_MS)

    ws.get_by_role("button", name="Hold", exact=True).click()
    expect(ws.locator(".tc-ws-head .tc-badge")).to_have_text("On Hold", timeout=WAIT_MS)
    expect(customer.locator("#cu-chat-status")).to_contain_text("on hold", timeout=WAIT_MS)
    ws.get_by_role("button", name="Unhold").click()
    expect(ws.locator(".tc-ws-head .tc-badge")).to_have_text("Active", timeout=WAIT_MS)

    # Collaboration: the helper joins, sees the session under Collaborating and can chat.
    ws.get_by_role("button", name="Invite technician").click()
    invite = console.locator("dialog.tc-dialog[open]")
    invite.locator(f'.tc-target[data-id="{helper.id}"] input').check()
    invite.get_by_role("button", name="Invite").click()
    shared = queue_row(helper_console, "Kim", "collaborating")
    expect(shared).to_be_visible(timeout=WAIT_MS)
    shared.click()
    helper_input = workspace(helper_console).get_by_label("Chat message")
    helper_input.fill("Second pair of eyes here.")
    helper_input.press("Enter")
    expect(customer.locator(".cu-msg", has_text="Second pair of eyes")).to_be_visible(timeout=WAIT_MS)
    expect(ws.locator(".tc-participants")).to_contain_text("collaborator", timeout=WAIT_MS)

    # External technician: a one-time link to hand over.
    ws.get_by_role("button", name="Invite external technician").click()
    external = console.locator("dialog.tc-dialog[open]")
    external.get_by_label("Email address").fill("vendor@partner.example")
    external.get_by_role("button", name="Create invitation").click()
    link = external.get_by_label("Invitation link")
    expect(link).to_have_value(re.compile(r"/external/"), timeout=WAIT_MS)
    join_url = link.input_value()
    external.get_by_role("button", name="Close").click()

    # The external technician opens the link once, reads the chat and writes in it.
    vendor = actors.page()
    vendor.goto(join_url)
    expect(vendor.locator("#ext-chat .cu-msg", has_text="Second pair of eyes")).to_be_visible(timeout=WAIT_MS)
    vendor.get_by_label("Message").fill("Vendor here: firmware 2.1 fixes this.")
    vendor.get_by_label("Message").press("Enter")
    expect(customer.locator(".cu-msg", has_text="firmware 2.1")).to_be_visible(timeout=WAIT_MS)
    expect(ws.locator(".tc-msg", has_text="firmware 2.1")).to_be_visible(timeout=WAIT_MS)
    expect(vendor.locator("#ext-chat .cu-msg", has_text="firmware 2.1")).to_be_visible(timeout=WAIT_MS)
    expect(vendor.locator("#ext-status")).to_have_text("Active")  # live over /ws/external, no polling
    again = actors.page()
    again.goto(join_url)
    expect(again.locator("#ext-error")).to_be_visible(timeout=WAIT_MS)


def test_denied_permissions_hide_their_console_features(actors: Actors, sqlite_server: ServerProcess) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Restricted")
    public_token = session_seed(server, "assign_channel", channel_id=5, group_id=group)["public_token"]
    for key in ("start_private_sessions", "transfer_sessions", "hold_sessions", "collaboration_invitations",
                "inline_editing", "send_urls"):
        session_seed(server, "set_permission", group_id=group, key=key, allowed=False)
    tech = create_technician(server, group)
    console = open_console(actors, tech)
    expect(console.locator("#tc-new-session")).to_be_hidden()

    customer_channel_entry(actors, public_token, "Lena", {})
    queue_row(console, "Lena", "channel").get_by_role("button", name="Pick up").click()
    ws = workspace(console)
    expect(ws.locator(".tc-ws-head .tc-badge")).to_have_text("Active", timeout=WAIT_MS)
    for name in ("Hold", "Transfer", "Invite technician", "Invite external technician"):
        expect(ws.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(ws.get_by_role("button", name="Close session")).to_be_visible()
    expect(ws.get_by_role("button", name="Send URL")).to_be_hidden()
    expect(ws.locator('.tc-fields [data-field="0"]')).not_to_have_class(re.compile(r"tc-field-edit"))


def test_console_reconnects_and_resumes_from_the_last_event_after_a_server_restart(
    actors: Actors, sqlite_server: ServerProcess
) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Support")
    tech = create_technician(server, group)
    console = open_console(actors, tech)
    customer = start_active_session(actors, console, "Mia")
    ws = workspace(console)

    server.kill()
    expect(console.locator("#tc-connection")).to_have_text("Reconnecting…", timeout=WAIT_MS)
    port = int(server.url.rsplit(":", 1)[1])
    restarted = start_server(server.env, server.log_path, port=port)
    try:
        # Sent while the console may still be reconnecting: it must arrive exactly once.
        customer.get_by_label("Message").fill("Are you still there?")
        customer.get_by_label("Message").press("Enter")
        expect(console.locator("#tc-connection")).to_have_text("Connected", timeout=WAIT_MS)
        expect(ws.locator(".tc-msg", has_text="Are you still there?")).to_have_count(1, timeout=WAIT_MS)
        ws.get_by_label("Chat message").fill("Yes, the server restarted.")
        ws.get_by_label("Chat message").press("Enter")
        expect(customer.locator(".cu-msg", has_text="the server restarted")).to_have_count(1, timeout=WAIT_MS)
    finally:
        restarted.stop()
