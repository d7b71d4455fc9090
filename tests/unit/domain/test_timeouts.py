from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.domain.session_state import CLOSE_REASONS_BY_STATUS, CloseReason, SessionStatus
from lifeline.domain.timeouts import (
    RED,
    RED_BEFORE_REMOVAL_S,
    Alarm,
    AlarmKind,
    IdleHolds,
    SessionFacts,
    TimeoutPolicy,
    alarm_color,
    code_expires_at,
    deadline,
    due_timeout,
    queue_row_color,
    shows_red_before_removal,
    timeout_at,
)
from lifeline.errors import InvalidInput

S = SessionStatus
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
POLICY = TimeoutPolicy(
    code_validity_min=20, connecting_timeout_min=5, waiting_timeout_min=15, idle_timeout_min=30
)


def mins(n: float) -> timedelta:
    return timedelta(minutes=n)


# -- policy ---------------------------------------------------------------------------------------


def test_defaults():
    p = TimeoutPolicy()
    assert (p.code_validity_min, p.connecting_timeout_min, p.waiting_timeout_min, p.idle_timeout_min) == (
        20,
        10,
        0,
        0,
    )
    assert p.alarms == ()


@pytest.mark.parametrize(
    "kw",
    [
        {"code_validity_min": 0},
        {"connecting_timeout_min": 0},
        {"connecting_timeout_min": 1000},
        {"waiting_timeout_min": -1},
        {"waiting_timeout_min": 1000},
        {"idle_timeout_min": 1000},
        {"idle_timeout_min": True},
    ],
)
def test_policy_ranges(kw):
    with pytest.raises(InvalidInput):
        TimeoutPolicy(**kw)


@pytest.mark.parametrize("value", [0, 1, 999])
def test_waiting_and_idle_accept_0_to_999(value):
    TimeoutPolicy(waiting_timeout_min=value, idle_timeout_min=value)


def test_alarm_validation():
    with pytest.raises(InvalidInput, match="colour"):
        Alarm(AlarmKind.WAITING, 30, "chartreuse")
    with pytest.raises(InvalidInput):
        Alarm(AlarmKind.WAITING, 0, "red")
    with pytest.raises(InvalidInput, match="alarm kind"):
        Alarm("idle", 30, "red")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="share the threshold"):
        TimeoutPolicy(alarms=(Alarm(AlarmKind.WAITING, 30, "red"), Alarm(AlarmKind.WAITING, 30, "yellow")))
    TimeoutPolicy(alarms=(Alarm(AlarmKind.WAITING, 30, "red"), Alarm(AlarmKind.CONNECTING, 30, "yellow")))


# -- deadlines ------------------------------------------------------------------------------------


def test_code_expires_at():
    assert code_expires_at(T0, POLICY) == T0 + mins(20)


def test_deadline_per_status():
    last = T0 + mins(3)
    assert deadline(S.CONNECTING, T0, last, POLICY) == T0 + mins(5)
    assert deadline(S.WAITING, T0, last, POLICY) == T0 + mins(15)
    assert deadline(S.TRANSFERRING, T0, last, POLICY) == T0 + mins(15)
    assert deadline(S.ACTIVE, T0, last, POLICY) == last + mins(30)
    assert deadline(S.ON_HOLD, T0, last, POLICY) is None
    assert deadline(S.CLOSED, T0, last, POLICY) is None
    assert deadline(S.EXPIRED, T0, last, POLICY) is None


def test_zero_means_never():
    never = TimeoutPolicy(waiting_timeout_min=0, idle_timeout_min=0)
    assert deadline(S.WAITING, T0, T0, never) is None
    assert deadline(S.ACTIVE, T0, T0, never) is None


@pytest.mark.parametrize(
    "hold",
    [
        "remote_control",
        "screen_sharing",
        "file_manager",
        "file_transfer_pending",
        "save_dialog_open",
        "calling_card_deployment_pending",
    ],
)
def test_each_hold_keeps_an_idle_active_session_open(hold):
    holds = IdleHolds(**{hold: True})
    assert holds.holds_session()
    facts = SessionFacts(S.ACTIVE, T0, T0, holds=holds)
    assert due_timeout(facts, POLICY, T0 + mins(500)) is None
    assert holds.blocks_auto_logout() is (hold != "calling_card_deployment_pending")


def test_no_holds():
    assert not IdleHolds().holds_session()
    assert not IdleHolds().blocks_auto_logout()


# -- due time-outs --------------------------------------------------------------------------------


def test_unused_code_expires():
    facts = SessionFacts(S.CONNECTING, T0, T0, code_created_at=T0)
    assert timeout_at(facts, POLICY) == (T0 + mins(20), CloseReason.CODE_EXPIRED)
    assert due_timeout(facts, POLICY, T0 + mins(20) - timedelta(seconds=1)) is None
    assert due_timeout(facts, POLICY, T0 + mins(20)) is CloseReason.CODE_EXPIRED


def test_redeemed_code_switches_to_connecting_timeout():
    facts = SessionFacts(S.CONNECTING, T0, T0, code_created_at=T0, code_redeemed_at=T0 + mins(18))
    assert due_timeout(facts, POLICY, T0 + mins(22)) is None  # past the code validity: no longer matters
    assert due_timeout(facts, POLICY, T0 + mins(23)) is CloseReason.CONNECTING_TIMEOUT


def test_channel_session_connecting_timeout():
    facts = SessionFacts(S.CONNECTING, T0, T0)
    assert due_timeout(facts, POLICY, T0 + mins(4)) is None
    assert due_timeout(facts, POLICY, T0 + mins(5)) is CloseReason.CONNECTING_TIMEOUT


@pytest.mark.parametrize("status", [S.WAITING, S.TRANSFERRING])
def test_waiting_timeout(status):
    facts = SessionFacts(status, T0, T0 + mins(10))
    assert due_timeout(facts, POLICY, T0 + mins(14)) is None
    assert due_timeout(facts, POLICY, T0 + mins(15)) is CloseReason.WAITING_TIMEOUT


def test_idle_timeout_counts_from_last_activity():
    facts = SessionFacts(S.ACTIVE, T0, T0 + mins(20))
    assert due_timeout(facts, POLICY, T0 + mins(49)) is None
    assert due_timeout(facts, POLICY, T0 + mins(50)) is CloseReason.IDLE_TIMEOUT


@pytest.mark.parametrize("status", [S.ON_HOLD, S.CLOSED, S.EXPIRED])
def test_never_times_out(status):
    facts = SessionFacts(status, T0, T0, code_created_at=T0)
    assert timeout_at(facts, POLICY) is None
    assert due_timeout(facts, POLICY, T0 + timedelta(days=30)) is None


@pytest.mark.parametrize("status", list(SessionStatus))
def test_every_timeout_reason_is_a_legal_close(status):
    facts = SessionFacts(status, T0, T0, code_created_at=T0 if status is S.CONNECTING else None)
    reason = due_timeout(facts, POLICY, T0 + timedelta(days=1))
    if reason is not None:
        assert reason in CLOSE_REASONS_BY_STATUS[status]


def test_naive_datetimes_refused():
    with pytest.raises(InvalidInput):
        SessionFacts(S.WAITING, datetime(2026, 1, 1), T0)
    with pytest.raises(InvalidInput):
        due_timeout(SessionFacts(S.WAITING, T0, T0), POLICY, datetime(2026, 1, 1))
    with pytest.raises(InvalidInput):
        SessionFacts(S.CONNECTING, T0, T0, code_created_at=datetime(2026, 1, 1))


# -- alarms and red ---------------------------------------------------------------------------------

ALARMS = (
    Alarm(AlarmKind.WAITING, 60, "yellow"),
    Alarm(AlarmKind.WAITING, 180, "orange"),
    Alarm(AlarmKind.WAITING, 120, "purple"),
    Alarm(AlarmKind.CONNECTING, 30, "blue"),
)


@pytest.mark.parametrize(
    ("kind", "age", "color"),
    [
        (AlarmKind.WAITING, 59, None),
        (AlarmKind.WAITING, 60, "yellow"),
        (AlarmKind.WAITING, 119.9, "yellow"),
        (AlarmKind.WAITING, 120, "purple"),
        (AlarmKind.WAITING, 5000, "orange"),
        (AlarmKind.CONNECTING, 29, None),
        (AlarmKind.CONNECTING, 31, "blue"),
    ],
)
def test_highest_passed_threshold_wins(kind, age, color):
    assert alarm_color(kind, age, ALARMS) == color


def test_no_alarms():
    assert alarm_color(AlarmKind.WAITING, 10_000, ()) is None


def test_red_window_is_last_minute_before_waiting_timeout():
    removal = T0 + mins(15)
    before = removal - timedelta(seconds=RED_BEFORE_REMOVAL_S)
    assert not shows_red_before_removal(S.WAITING, T0, before - timedelta(seconds=1), POLICY)
    assert shows_red_before_removal(S.WAITING, T0, before, POLICY)
    assert shows_red_before_removal(S.WAITING, T0, removal - timedelta(seconds=1), POLICY)
    assert not shows_red_before_removal(S.WAITING, T0, removal, POLICY)


def test_no_red_without_waiting_timeout_or_outside_waiting():
    assert not shows_red_before_removal(S.WAITING, T0, T0 + mins(1000), TimeoutPolicy())
    assert not shows_red_before_removal(S.ACTIVE, T0, T0 + mins(14.5), POLICY)


def test_queue_row_color_red_beats_alarms():
    policy = TimeoutPolicy(waiting_timeout_min=15, alarms=ALARMS)
    assert queue_row_color(S.WAITING, T0, T0 + mins(1), policy) == "yellow"
    assert queue_row_color(S.WAITING, T0, T0 + mins(10), policy) == "orange"
    assert queue_row_color(S.WAITING, T0, T0 + mins(14.5), policy) == RED
    assert queue_row_color(S.CONNECTING, T0, T0 + timedelta(seconds=45), policy) == "blue"
    assert queue_row_color(S.ACTIVE, T0, T0 + mins(10), policy) is None
