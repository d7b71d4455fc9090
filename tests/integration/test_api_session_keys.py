"""7-digit API session keys on the customer PIN page, and the API account on API chat lines.

A key from `generate_session_key` is one credential with four doors (the key
URL, `/api/start_session`, `create_virtual_customer`, the PIN page); using any
one closes all of them. Wrong 7-digit keys count against the same per-address
limit as wrong PINs. Chat lines sent with `send_chat_message` keep the sending
API account for reports (seed L504) and customers never see it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.test_api_command import online_technician, redeem
from tests.support.accounts import create_tech_group, save_group_settings
from tests.support.api_client import (
    command,
    create_api_account,
    error_text,
    is_error,
    raw_get,
    text,
    token_for,
)
from tests.support.servers import ServerProcess
from tests.support.sessions import Customer, enter_pin, technician

EXPIRED = "PIN Code or Link has expired"
API_NAME = "Help desk bot"


@pytest.fixture
def full_token(sqlite_server: ServerProcess) -> str:
    return token_for(sqlite_server, create_api_account(sqlite_server, name=API_NAME, command="full"))


def new_key(server: ServerProcess, token: str, group: int) -> tuple[str, str]:
    root = command(server, token, "generate_session_key", type="support", queue_id=f"team:{group}")
    assert not is_error(root), error_text(root)
    return text(root, "c:short_key"), text(root, "c:key_url")


def pin_answer(server: ServerProcess, pin: str) -> tuple[int, str]:
    with server.client() as client:
        response = client.post("/api/customer/pin", json={"pin": pin, "name": "Dana"})
    return response.status_code, response.json().get("message", "")


def test_the_pin_page_takes_a_7_digit_key_once_and_the_session_reaches_the_queue(
    sqlite_server: ServerProcess, full_token: str
) -> None:
    group = create_tech_group(sqlite_server)
    tech = online_technician(sqlite_server, group)
    short_key, _ = new_key(sqlite_server, full_token, group)
    spaced = f"{short_key[:3]} {short_key[3:]}"  # typed with a space, as people read it out
    customer = enter_pin(sqlite_server, spaced)
    assert [s["lsid"] for s in tech.get("/api/console/queue")["sessions"]] == [customer.lsid]
    assert customer.state()["status"] == "waiting"
    # The key is spent: every door is closed now.
    assert pin_answer(sqlite_server, short_key) == (404, EXPIRED)
    assert raw_get(sqlite_server, "/api/start_session", short_key=short_key).status_code == 404
    assert error_text(command(sqlite_server, full_token, "create_virtual_customer", short_key=short_key,
                              name="Bot", ip_address="192.0.2.1", operating_system="Linux", computer_name="bot")) \
        == "Invalid, expired or already used session key"


def test_a_key_used_through_its_link_no_longer_opens_the_pin_page(sqlite_server: ServerProcess,
                                                                   full_token: str) -> None:
    group = create_tech_group(sqlite_server)
    short_key, key_url = new_key(sqlite_server, full_token, group)
    redeem(sqlite_server, key_url)
    assert pin_answer(sqlite_server, short_key) == (404, EXPIRED)


def test_six_digit_pins_still_work_and_wrong_keys_count_against_the_pin_limit(sqlite_server: ServerProcess,
                                                                               full_token: str) -> None:
    group = create_tech_group(sqlite_server)
    tech = technician(sqlite_server, group)
    pin = tech.ok("/api/console/sessions", {"method": "pin", "name": "Eve"})["pin"]
    assert len(pin) == 6
    assert enter_pin(sqlite_server, pin).lsid
    short_key, _ = new_key(sqlite_server, full_token, group)
    wrong = f"{(int(short_key) + 1) % 10_000_000:07d}"
    answers = [pin_answer(sqlite_server, code) for code in [wrong] * 5 + ["12345678", "12345"] * 3]
    assert answers[:10] == [(404, EXPIRED)] * 10
    assert answers[10][0] == 429
    # Limited means limited, even for the right key.
    assert pin_answer(sqlite_server, short_key)[0] == 429


def chat_lines(events: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(e["text"], e.get("api_account")) for e in events if e["type"] == "chat"]


def test_api_chat_lines_record_the_sending_api_account_for_technicians_only(sqlite_server: ServerProcess,
                                                                             full_token: str) -> None:
    group = create_tech_group(sqlite_server)
    tech = online_technician(sqlite_server, group)
    short_key, _ = new_key(sqlite_server, full_token, group)
    customer: Customer = enter_pin(sqlite_server, short_key)
    tech.ok(f"/api/console/sessions/{customer.lsid}/pickup")
    for params in ({}, {"impersonate": "customer"}, {"impersonate": f"rep:{tech.account.id}"}):
        sent = command(sqlite_server, full_token, "send_chat_message", lsid=customer.lsid, body="via API", **params)
        assert sent.text == "Chat message sent"
    assert customer.post("/chat", {"text": "typed by the customer"}).status_code == 200
    seen_by_tech = chat_lines(tech.get(f"/api/console/sessions/{customer.lsid}")["events"])
    assert seen_by_tech == [("via API", API_NAME)] * 3 + [("typed by the customer", None)]
    seen_by_customer = chat_lines(customer.state()["history"])
    assert seen_by_customer == [("via API", None)] * 3 + [("typed by the customer", None)]


def test_concurrent_key_requests_all_succeed_with_distinct_keys_that_work(server: ServerProcess) -> None:
    """Concurrent keys are units of work (`store/units.py`): batched on SQLite, run_sync on PostgreSQL."""
    token = token_for(server, create_api_account(server, name=API_NAME, command="full"))
    group = create_tech_group(server)
    tech = online_technician(server, group)
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = list(pool.map(lambda _: new_key(server, token, group), range(32)))
    assert len({short_key for short_key, _ in keys}) == 32
    assert len({key_url for _, key_url in keys}) == 32
    customer = enter_pin(server, keys[7][0])
    assert customer.lsid in [s["lsid"] for s in tech.get("/api/console/queue")["sessions"]]
    assert customer.state()["status"] == "waiting"


@pytest.mark.parametrize("queue", ["rep", "team"])
def test_a_key_takes_running_mode_and_validity_from_its_group_even_in_a_technician_queue(
    sqlite_server: ServerProcess, full_token: str, queue: str
) -> None:
    group = create_tech_group(sqlite_server)
    save_group_settings(sqlite_server, group, applet_running_mode="instant_chat", private_code_validity_min=5)
    tech = online_technician(sqlite_server, group)
    queue_id = f"rep:{tech.account.id}" if queue == "rep" else f"team:{group}"
    root = command(sqlite_server, full_token, "generate_session_key", type="support", queue_id=queue_id)
    assert text(root, "c:ttl") == str(5 * 60)
    assert redeem(sqlite_server, text(root, "c:key_url")).state()["client_kind"] == "instant_chat"
