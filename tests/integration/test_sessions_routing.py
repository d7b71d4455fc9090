"""Channel routing and technician presence against a real server whose clock the test moves.

Channel entry and auto-start at the least busy technician under the threshold, "never auto-start",
auto-start deferred after login, auto-transfer after one minute, the no-technician policy (abort to a
web page, notify by email) and working hours; auto-Busy, auto-Away and auto-logout. Minute-long rules
are reached with the test clock (`tests/support/clock.py`), never by sleeping. Each test uses its own
Technician Group and channel, since the clock moves for the whole module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.accounts import create_tech_group, create_technician, save_group_settings, seed
from tests.support.clock import TestClock
from tests.support.servers import ServerProcess, running_server
from tests.support.sessions import Customer, Tech, session_seed, technician, wait_for
from tests.support.sinks import SmtpSink, smtp_sink

ONE_MINUTE_AND_A_BIT_S = 61


@dataclass
class Setup:
    server: ServerProcess
    clock: TestClock
    smtp: SmtpSink


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp_path = tmp_path_factory.mktemp("routing")
    clock = TestClock(tmp_path / "clock")
    with smtp_sink() as smtp, running_server("sqlite", tmp_path, LIFELINE_SMTP_HOST="127.0.0.1",
                                             LIFELINE_SMTP_PORT=str(smtp.port), **clock.env()) as server:
        yield Setup(server, clock, smtp)


def channel_for(server: ServerProcess, channel: int, group: int, **settings: Any) -> str:
    """Assign channel `channel` to `group`, save its settings; returns its public token."""
    token = str(session_seed(server, "assign_channel", channel_id=channel, group_id=group)["public_token"])
    if settings:
        seed(server, "save_settings", owner="channel", owner_id=channel, values=settings)
    return token


def enter_channel(server: ServerProcess, token: str, name: str = "Carol") -> tuple[Customer, dict[str, Any]]:
    client = server.client()
    response = client.post(f"/api/customer/channel/{token}", json={"name": name})
    assert response.status_code == 200, response.text
    body = response.json()
    return Customer(client, body["lsid"], body["token"], server), body["state"]


def available(tech: Tech) -> Tech:
    tech.ok("/api/console/presence", {"status": "available"})
    return tech


def owner_of(tech: Tech, lsid: str) -> int | None:
    return tech.get(f"/api/console/sessions/{lsid}")["session"]["technician_id"]


def start_private(server: ServerProcess, tech: Tech) -> str:
    from tests.support.sessions import enter_pin

    created = tech.ok("/api/console/sessions", {"method": "pin"})
    enter_pin(server, created["pin"])
    lsid = str(created["session"]["lsid"])
    tech.ok(f"/api/console/sessions/{lsid}/pickup")
    return lsid


def test_channel_auto_start_picks_the_least_busy_under_the_threshold_never_the_opted_out(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Channel one")
    busy, idle = available(technician(server, group)), available(technician(server, group))
    opted_out = available(technician(server, group))
    seed(server, "update_user", email=opted_out.account.email, values={"never_auto_start": True})
    token = channel_for(server, 1, group, auto_start_enabled=True, auto_start_below_sessions=1)
    busy_session = start_private(server, busy)

    first, state = enter_channel(server, token)
    assert state["status"] in ("waiting", "active")
    wait_for(lambda: first.state()["status"] == "active", "auto-start of the first channel session")
    assert owner_of(idle, first.lsid) == idle.account.id  # 0 active sessions; busy has 1 (not below 1)

    second, _ = enter_channel(server, token, "Dave")
    assert second.state()["status"] == "waiting"  # everybody has 1 active session or opted out
    busy.ok(f"/api/console/sessions/{busy_session}/close")
    wait_for(lambda: second.state()["status"] == "active", "auto-start once a technician is below the threshold")
    assert owner_of(busy, second.lsid) == busy.account.id
    assert all(s["technician_id"] != opted_out.account.id
               for s in opted_out.get("/api/console/queue")["sessions"])


def test_auto_start_is_deferred_after_login(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Late starters")
    save_group_settings(server, group, defer_autostart_min=1)
    tech = available(technician(server, group))
    token = channel_for(server, 2, group, auto_start_enabled=True)
    customer, _ = enter_channel(server, token)
    assert customer.state()["status"] == "waiting"  # the technician logged in less than a minute ago
    setup.clock.advance(ONE_MINUTE_AND_A_BIT_S)
    wait_for(lambda: customer.state()["status"] == "active", "auto-start after the deferment")
    assert owner_of(tech, customer.lsid) == tech.account.id


def test_waiting_channel_session_is_auto_transferred_after_one_minute(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Transfer desk")
    channel_for(server, 4, group)
    token = channel_for(server, 3, group, auto_transfer_enabled=True, auto_transfer_after_min=1,
                        auto_transfer_target_channel=4)
    tech = technician(server, group)  # signed in, nobody picks up
    customer, _ = enter_channel(server, token)
    assert customer.state()["status"] == "waiting"
    assert tech.get(f"/api/console/sessions/{customer.lsid}")["session"]["channel_id"] == 3
    setup.clock.advance(ONE_MINUTE_AND_A_BIT_S)

    def moved() -> dict[str, Any] | None:
        detail = tech.get(f"/api/console/sessions/{customer.lsid}")
        return detail if detail["session"]["channel_id"] == 4 else None

    detail = wait_for(moved, "the auto-transfer to channel 4")
    assert detail["session"]["status"] == "waiting"
    transfer = [e for e in detail["events"] if e["op"] == "transferred"]
    assert len(transfer) == 1 and transfer[0]["auto"] is True and transfer[0]["to"] == {"kind": "channel", "id": 4}
    assert transfer[0]["actor"]["kind"] == "system"


def test_nobody_available_aborts_to_the_configured_page(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Empty desk")
    create_technician(server, group)  # exists, never signed in
    token = channel_for(server, 5, group, no_tech_action="abort_redirect",
                        no_tech_abort_url="https://example.test/sorry")
    customer, state = enter_channel(server, token)
    assert state["status"] == "closed" and state["close_reason"] == "aborted_no_technician"
    closing = [e for e in customer.state()["history"] if e["op"] == "status" and e["status"] == "closed"]
    assert closing[0]["redirect_url"] == "https://example.test/sorry"


def test_nobody_logged_in_keeps_the_session_and_mails_the_technicians(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Night desk")
    first, second = create_technician(server, group), create_technician(server, group)
    token = channel_for(server, 6, group, no_tech_notify_email=True)
    customer, state = enter_channel(server, token, "Nina")
    assert state["status"] == "waiting"
    for account in (first, second):
        mail = wait_for(lambda a=account: setup.smtp.to(a.email), f"the pending-session mail to {account.email}")[0]
        assert "Channel 6" in str(mail["Subject"]) and "Nina" in mail.get_content()
    assert customer.state()["status"] == "waiting"


def test_outside_working_hours_the_policy_applies_though_a_technician_is_available(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Weekday desk")
    available(technician(server, group))
    closed_all_week = {"start": "09:00", "end": "17:00", "time_zone": "UTC", "days": [False] * 7}
    token = channel_for(server, 7, group, working_hours=closed_all_week, no_tech_action="abort_redirect",
                        no_tech_abort_url="https://example.test/closed")
    _, state = enter_channel(server, token)
    assert state["status"] == "closed" and state["close_reason"] == "aborted_no_technician"
    seed(server, "save_settings", owner="channel", owner_id=7,
         values={"working_hours": {**closed_all_week, "start": "00:00", "end": "00:00", "days": [True] * 7}})
    _, state = enter_channel(server, token)
    assert state["status"] == "waiting"


def test_auto_busy_auto_away_and_auto_logout(setup: Setup) -> None:
    server = setup.server
    group = create_tech_group(server, "Presence desk")
    save_group_settings(server, group, busy_threshold=1, away_after_min=1, auto_logout_min=2)
    tech = available(technician(server, group))

    def stored() -> str:
        return str(session_seed(server, "presence", technician_id=tech.account.id)["status"])

    first = start_private(server, tech)
    assert tech.get("/api/console/state")["presence"]["status"] == "available"  # 1 session: not more than 1
    start_private(server, tech)
    assert tech.get("/api/console/state")["presence"]["status"] == "busy"
    tech.ok(f"/api/console/sessions/{first}/close")
    assert tech.get("/api/console/state")["presence"]["status"] == "available"

    setup.clock.advance(ONE_MINUTE_AND_A_BIT_S)  # no console action since: Away
    wait_for(lambda: stored() == "away", "auto-Away after one idle minute")
    setup.clock.advance(ONE_MINUTE_AND_A_BIT_S)
    wait_for(lambda: stored() == "offline", "auto-logout after two idle minutes")
    assert session_seed(server, "presence", technician_id=tech.account.id)["logged_in"] is False
    assert tech.get("/api/console/state")["presence"]["status"] == "available"  # acting again logs in
