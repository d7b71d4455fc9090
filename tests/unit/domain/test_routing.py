from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lifeline.domain.routing import (
    AUTO_TRANSFER_COMPLETION_S,
    TechnicianLoad,
    TechnicianStatus,
    auto_start_deferred_until,
    auto_transfer_at,
    auto_transfer_due,
    can_accept_new_active,
    check_can_accept_new_active,
    choose_least_busy,
    is_auto_start_candidate,
    is_available,
    presence_status,
    should_auto_logout,
)
from lifeline.errors import Conflict, InvalidInput

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
T = TechnicianStatus


def load(tid: int, active: int = 0, *, idle_min: int = 5, **kw) -> TechnicianLoad:
    base = TechnicianLoad(
        technician_id=tid,
        status=T.AVAILABLE,
        active_sessions=active,
        max_sessions=10,
        idle_since=NOW - timedelta(minutes=idle_min),
        logged_in_at=NOW - timedelta(hours=1),
    )
    return replace(base, **kw)


# -- least busy -----------------------------------------------------------------------------------


def test_fewest_active_sessions_wins():
    assert choose_least_busy([load(1, 3), load(2, 1), load(3, 2)], now=NOW, below_sessions=10) == 2


def test_tie_goes_to_longest_idle():
    cands = [load(1, 1, idle_min=2), load(2, 1, idle_min=30), load(3, 1, idle_min=10)]
    assert choose_least_busy(cands, now=NOW, below_sessions=10) == 2


def test_full_tie_goes_to_lowest_id():
    assert choose_least_busy([load(9, 1), load(4, 1), load(7, 1)], now=NOW, below_sessions=10) == 4


def test_fewer_sessions_beat_longer_idle():
    assert (
        choose_least_busy([load(1, 2, idle_min=60), load(2, 1, idle_min=1)], now=NOW, below_sessions=10) == 2
    )


def test_empty_candidates_give_none():
    assert choose_least_busy([], now=NOW, below_sessions=10) is None


@pytest.mark.parametrize(
    ("active", "below", "eligible"),
    [(0, 1, True), (1, 1, False), (2, 3, True), (3, 3, False), (9, 9, False), (8, 9, True), (9, 10, True)],
)
def test_below_sessions_threshold(active, below, eligible):
    got = choose_least_busy([load(1, active)], now=NOW, below_sessions=below)
    assert (got == 1) is eligible


def test_ten_means_regardless_but_still_bounded_by_max_sessions():
    assert choose_least_busy([load(1, 9, max_sessions=10)], now=NOW, below_sessions=10) == 1
    assert choose_least_busy([load(1, 4, max_sessions=4)], now=NOW, below_sessions=10) is None


@pytest.mark.parametrize(
    "change",
    [
        {"never_auto_start": True},
        {"excluded_from_channel": True},
        {"status": T.OFFLINE},
        {"status": T.AWAY},
        {"status": T.BUSY},
        {"active_sessions": 3, "max_sessions": 3},
        {"logged_in_at": NOW + timedelta(seconds=1)},
    ],
)
def test_skipped_technicians(change):
    skipped = load(1, 0, **change)
    assert choose_least_busy([skipped], now=NOW, below_sessions=10) is None
    assert choose_least_busy([skipped, load(2, 5)], now=NOW, below_sessions=10) == 2


def test_deferral_after_login():
    fresh = load(1, 0, logged_in_at=NOW - timedelta(minutes=4), defer_auto_start_min=5)
    assert auto_start_deferred_until(fresh) == NOW + timedelta(minutes=1)
    assert not is_auto_start_candidate(fresh, now=NOW, below_sessions=10)
    assert choose_least_busy([fresh, load(2, 3)], now=NOW, below_sessions=10) == 2
    later = NOW + timedelta(minutes=1)
    assert is_auto_start_candidate(fresh, now=later, below_sessions=10)
    assert choose_least_busy([fresh, load(2, 3)], now=later, below_sessions=10) == 1


def test_zero_deferral_means_immediately():
    just_in = load(1, logged_in_at=NOW, defer_auto_start_min=0)
    assert is_auto_start_candidate(just_in, now=NOW, below_sessions=10)


@pytest.mark.parametrize("below", [0, 11, -1])
def test_below_sessions_out_of_range(below):
    with pytest.raises(InvalidInput):
        choose_least_busy([load(1)], now=NOW, below_sessions=below)


# -- availability ---------------------------------------------------------------------------------


def test_available_technician():
    assert is_available(load(1, 2), NOW)


@pytest.mark.parametrize(
    "change",
    [
        {"status": T.OFFLINE},
        {"status": T.AWAY},
        {"status": T.BUSY},
        {"active_sessions": 10},
        {"excluded_from_channel": True},
        {"logged_in_at": NOW + timedelta(minutes=1)},
    ],
)
def test_unavailable(change):
    assert not is_available(load(1, **change), NOW)


def test_never_auto_start_and_deferral_do_not_affect_availability():
    tech = load(1, never_auto_start=True, defer_auto_start_min=60, logged_in_at=NOW)
    assert is_available(tech, NOW)


def test_load_validation():
    with pytest.raises(InvalidInput):
        load(1, max_sessions=0)
    with pytest.raises(InvalidInput):
        load(1, max_sessions=11)
    with pytest.raises(InvalidInput):
        load(1, active=-1)
    with pytest.raises(InvalidInput):
        load(1, idle_since=datetime(2026, 1, 1))
    with pytest.raises(InvalidInput):
        load(1, defer_auto_start_min=1000)
    with pytest.raises(InvalidInput, match="expected one of available"):
        load(1, status="lunch")
    assert load(1, status="busy").status is T.BUSY


def test_naive_now_refused():
    with pytest.raises(InvalidInput, match="timezone-aware"):
        is_available(load(1), datetime(2026, 5, 4, 12))


# -- auto-transfer --------------------------------------------------------------------------------


def test_auto_transfer_due_exactly_at_threshold():
    since = NOW - timedelta(minutes=5)
    assert auto_transfer_at(since, 5) == NOW
    assert auto_transfer_due(since, NOW, 5)
    assert not auto_transfer_due(since, NOW - timedelta(seconds=1), 5)


@pytest.mark.parametrize("after", [0, -1, 1000])
def test_auto_transfer_delay_range(after):
    with pytest.raises(InvalidInput):
        auto_transfer_due(NOW, NOW, after)


def test_auto_transfer_completion_budget_is_ninety_seconds():
    assert AUTO_TRANSFER_COMPLETION_S == 90


# -- presence -------------------------------------------------------------------------------------


def presence(active=0, busy=10, idle_min=0, away=0, chosen=T.AVAILABLE):
    return presence_status(active, busy, NOW - timedelta(minutes=idle_min), NOW, away, chosen)


def test_defaults_never_busy_never_away():
    assert presence(active=10, busy=10, idle_min=500, away=0) is T.AVAILABLE


@pytest.mark.parametrize(("active", "expected"), [(2, T.AVAILABLE), (3, T.AVAILABLE), (4, T.BUSY)])
def test_busy_when_more_than_threshold(active, expected):
    assert presence(active=active, busy=3) is expected


@pytest.mark.parametrize(("idle", "expected"), [(4, T.AVAILABLE), (5, T.AWAY), (6, T.AWAY)])
def test_away_after_inactivity(idle, expected):
    assert presence(idle_min=idle, away=5) is expected


def test_away_beats_busy():
    assert presence(active=5, busy=2, idle_min=10, away=5) is T.AWAY
    assert presence(active=5, busy=2, chosen=T.AWAY) is T.AWAY


def test_manual_choice():
    assert presence(chosen=T.BUSY) is T.BUSY
    assert presence(chosen=T.AWAY) is T.AWAY
    assert presence(chosen=T.BUSY, idle_min=10, away=5) is T.AWAY


def test_offline_cannot_be_chosen():
    with pytest.raises(InvalidInput, match="log out"):
        presence(chosen=T.OFFLINE)


@pytest.mark.parametrize(("busy", "away"), [(0, 0), (11, 0), (10, -1), (10, 1000)])
def test_presence_setting_ranges(busy, away):
    with pytest.raises(InvalidInput):
        presence(busy=busy, away=away)


# -- auto-logout ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("idle", "setting", "held", "expected"),
    [
        (30, 0, False, False),  # 0 = never
        (29, 30, False, False),
        (30, 30, False, True),
        (90, 30, True, False),  # remote control open etc.
    ],
)
def test_auto_logout(idle, setting, held, expected):
    last = NOW - timedelta(minutes=idle)
    assert should_auto_logout(last, NOW, setting, activity_in_progress=held) is expected


def test_auto_logout_range():
    with pytest.raises(InvalidInput):
        should_auto_logout(NOW, NOW, -1, activity_in_progress=False)


# -- capacity -------------------------------------------------------------------------------------


def test_capacity_limit():
    assert can_accept_new_active(9, 10)
    assert not can_accept_new_active(10, 10)
    assert not can_accept_new_active(1, 1)
    with pytest.raises(Conflict, match="maximum of 1"):
        check_can_accept_new_active(1, 1)


def test_one_lens_session_at_most():
    assert can_accept_new_active(1, 10, is_lens=True, active_lens_sessions=0)
    assert not can_accept_new_active(1, 10, is_lens=True, active_lens_sessions=1)
    assert can_accept_new_active(1, 10, is_lens=False, active_lens_sessions=1)
    with pytest.raises(Conflict, match="only one at a time"):
        check_can_accept_new_active(1, 10, is_lens=True, active_lens_sessions=1)


def test_capacity_setting_range():
    with pytest.raises(InvalidInput):
        can_accept_new_active(0, 11)
