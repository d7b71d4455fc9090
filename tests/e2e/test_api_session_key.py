"""A session key made through the Command API starts a real session, in Chromium, on a real server.

The integration's side is real too: an API account made with the CLI, a token
from `/oauth2/token`, `generate_session_key` on `/api/command`. One customer
opens the key URL, another types the 7-digit key on the PIN page; a technician
picks both up in the Technician Console and chats. Each actor has its own
browser context. Waits are Playwright `expect` polls, never sleeps.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_console_sessions import (
    WAIT_MS,
    customer_pin_entry,
    open_console,
    queue_row,
    workspace,
)
from tests.support.accounts import create_tech_group, create_technician
from tests.support.api_client import command, create_api_account, error_text, is_error, text, token_for
from tests.support.browser import Actors
from tests.support.servers import ServerProcess

CONNECTED = "You are connected to a technician."


def generate_key(server: ServerProcess, token: str, group: int, external_key: str) -> tuple[str, str]:
    root = command(server, token, "generate_session_key", type="support", queue_id=f"team:{group}",
                   session__custom__external_key=external_key)
    assert not is_error(root), error_text(root)
    return text(root, "c:short_key"), text(root, "c:key_url")


def open_key_url(actors: Actors, key_url: str) -> Page:
    customer = actors.page()
    customer.goto(key_url)
    customer.wait_for_url(re.compile(r"/session/[0-9a-f]{32}$"), timeout=WAIT_MS)
    return customer


def lsid_of(customer: Page) -> str:
    return customer.url.rsplit("/", 1)[1]


def pick_up(console: Page, customer: Page) -> None:
    row = console.locator(f'.tc-row[data-lsid="{lsid_of(customer)}"]')
    expect(row.locator(".tc-badge")).to_have_text("Waiting", timeout=WAIT_MS)
    row.get_by_role("button", name="Pick up").click()
    expect(workspace(console).locator(".tc-ws-head .tc-badge")).to_have_text("Active", timeout=WAIT_MS)
    expect(customer.locator("#cu-chat-status")).to_have_text(CONNECTED, timeout=WAIT_MS)


def chat_both_ways(console: Page, customer: Page, technician_line: str, customer_line: str) -> None:
    message = workspace(console).get_by_label("Chat message")
    message.fill(technician_line)
    message.press("Enter")
    expect(customer.locator(".cu-msg", has_text=technician_line)).to_be_visible(timeout=WAIT_MS)
    customer.get_by_label("Message").fill(customer_line)
    customer.get_by_label("Message").press("Enter")
    expect(workspace(console).locator(".tc-msg", has_text=customer_line)).to_be_visible(timeout=WAIT_MS)


def test_api_session_key_opens_a_session_the_technician_picks_up_and_both_chat(
    actors: Actors, sqlite_server: ServerProcess
) -> None:
    server = sqlite_server
    group = create_tech_group(server, "Help Desk")
    tech = create_technician(server, group)
    token = token_for(server, create_api_account(server, name="Ticketing"))
    console = open_console(actors, tech)

    # The key URL, opened by the customer: the session waits in the group queue ("Group queue" section).
    _, key_url = generate_key(server, token, group, "TICKET-1")
    customer = open_key_url(actors, key_url)
    pick_up(console, customer)
    chat_both_ways(console, customer, "Hello from the help desk.", "Thanks, my mail is stuck.")

    # The 7-digit key, typed on the customer PIN page (which also takes 6-digit PINs).
    short_key, _ = generate_key(server, token, group, "TICKET-2")
    assert re.fullmatch(r"\d{7}", short_key)
    second = customer_pin_entry(actors, short_key, "Grace")
    expect(queue_row(console, "Grace", "group")).to_be_visible(timeout=WAIT_MS)
    pick_up(console, second)
    chat_both_ways(console, second, "Hi Grace, looking now.", "The printer again.")

    # A system line sent through the API reaches the customer too.
    assert command(server, token, "send_chat_message", lsid=lsid_of(second), body="Ticket TICKET-2 updated").text == \
        "Chat message sent"
    expect(second.locator(".cu-msg", has_text="Ticket TICKET-2 updated")).to_be_visible(timeout=WAIT_MS)
    expect(workspace(console).locator(".tc-msg", has_text="Ticket TICKET-2 updated")).to_be_visible(timeout=WAIT_MS)
