from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from lifeline.domain.working_hours import (
    ALL_WEEKDAYS,
    WORKWEEK,
    Schedule,
    is_open,
    load_zone,
    schedule_from_days,
)
from lifeline.errors import InvalidInput

FRI, SAT, SUN = 4, 5, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- plain day schedules, several zones ------------------------------------------------------------


def test_same_instant_differs_by_zone():
    instant = utc(2026, 5, 5, 1, 30)  # Tue 10:30 in Tokyo, Mon 21:30 in New York
    tokyo = Schedule(time(9), time(17), "Asia/Tokyo")
    new_york = Schedule(time(9), time(17), "America/New_York")
    assert is_open(tokyo, instant)
    assert not is_open(new_york, instant)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (utc(2026, 5, 4, 6, 59), False),  # Mon 08:59 CEST
        (utc(2026, 5, 4, 7, 0), True),  # Mon 09:00 — start is inclusive
        (utc(2026, 5, 4, 14, 59), True),
        (utc(2026, 5, 4, 15, 0), False),  # 17:00 — end is exclusive
        (utc(2026, 5, 9, 10, 0), False),  # Saturday is not ticked
    ],
)
def test_office_hours_in_budapest(when, expected):
    assert is_open(Schedule(time(9), time(17), "Europe/Budapest", WORKWEEK), when) is expected


def test_non_utc_aware_now_is_converted():
    schedule = Schedule(time(9), time(17), "Europe/Budapest")
    assert is_open(schedule, datetime(2026, 5, 4, 9, 30, tzinfo=timezone(timedelta(hours=2))))


# -- DST: Europe/Budapest springs forward on Sunday 2026-03-29 at 02:00 -> 03:00 ------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (utc(2026, 3, 28, 6, 59), False),  # Sat 07:59 CET
        (utc(2026, 3, 28, 7, 0), True),  # Sat 08:00 CET (UTC+1)
        (utc(2026, 3, 29, 5, 59), False),  # Sun 07:59 CEST
        (utc(2026, 3, 29, 6, 0), True),  # Sun 08:00 CEST (UTC+2): opens an hour earlier in UTC
        (utc(2026, 3, 29, 13, 59), True),
        (utc(2026, 3, 29, 14, 0), False),  # Sun 16:00 CEST
    ],
)
def test_budapest_spring_forward_keeps_wall_clock(when, expected):
    assert is_open(Schedule(time(8), time(16), "Europe/Budapest", ALL_WEEKDAYS), when) is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (utc(2026, 3, 29, 0, 59), False),  # 01:59 CET, just before the jump
        (utc(2026, 3, 29, 1, 0), True),  # 03:00 CEST: the window started inside the skipped hour
        (utc(2026, 3, 29, 1, 59), True),  # 03:59 CEST
        (utc(2026, 3, 29, 2, 0), False),  # 04:00 CEST
    ],
)
def test_budapest_window_starting_in_the_skipped_hour(when, expected):
    assert is_open(Schedule(time(2, 30), time(4), "Europe/Budapest", frozenset({SUN})), when) is expected


# -- DST: America/New_York falls back on Sunday 2026-11-01 at 02:00 EDT -> 01:00 EST ---------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (utc(2026, 11, 1, 5, 30), True),  # 01:30 EDT (first pass)
        (utc(2026, 11, 1, 5, 50), False),  # 01:50 EDT
        (utc(2026, 11, 1, 6, 30), True),  # 01:30 EST (second pass)
        (utc(2026, 11, 1, 6, 50), False),  # 01:50 EST
        (utc(2026, 11, 1, 4, 59), False),  # 00:59 EDT
    ],
)
def test_new_york_repeated_hour_is_open_both_times(when, expected):
    assert is_open(Schedule(time(1), time(1, 45), "America/New_York", frozenset({SUN})), when) is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (utc(2026, 10, 30, 12, 59), False),  # Fri 08:59 EDT
        (utc(2026, 10, 30, 13, 0), True),  # Fri 09:00 EDT (UTC-4)
        (utc(2026, 11, 2, 13, 59), False),  # Mon 08:59 EST
        (utc(2026, 11, 2, 14, 0), True),  # Mon 09:00 EST (UTC-5)
        (utc(2026, 11, 2, 21, 59), True),
        (utc(2026, 11, 2, 22, 0), False),  # Mon 17:00 EST
    ],
)
def test_new_york_office_hours_across_fall_back(when, expected):
    assert is_open(Schedule(time(9), time(17), "America/New_York", WORKWEEK), when) is expected


def test_overnight_shift_across_fall_back_lasts_nine_hours():
    schedule = Schedule(time(22), time(6), "America/New_York", frozenset({SAT}))
    assert not is_open(schedule, utc(2026, 11, 1, 1, 59))  # Sat 21:59 EDT
    assert is_open(schedule, utc(2026, 11, 1, 2, 0))  # Sat 22:00 EDT
    assert is_open(schedule, utc(2026, 11, 1, 10, 59))  # Sun 05:59 EST
    assert not is_open(schedule, utc(2026, 11, 1, 11, 0))  # Sun 06:00 EST


# -- overnight -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (utc(2026, 5, 8, 19, 59), False),  # Fri 21:59 CEST
        (utc(2026, 5, 8, 20, 0), True),  # Fri 22:00
        (utc(2026, 5, 8, 22, 30), True),  # Sat 00:30 — still Friday's shift
        (utc(2026, 5, 9, 3, 59), True),  # Sat 05:59
        (utc(2026, 5, 9, 4, 0), False),  # Sat 06:00
        (utc(2026, 5, 9, 20, 0), False),  # Sat 22:00 — Saturday is not ticked
        (utc(2026, 5, 8, 1, 0), False),  # Fri 03:00 — belongs to Thursday's shift
        (utc(2026, 5, 7, 21, 0), False),  # Thu 23:00
    ],
)
def test_overnight_shift_belongs_to_its_start_day(when, expected):
    assert is_open(Schedule(time(22), time(6), "Europe/Budapest", frozenset({FRI})), when) is expected


def test_sunday_overnight_wraps_into_monday():
    schedule = Schedule(time(23), time(2), "UTC", frozenset({SUN}))
    assert schedule.overnight
    assert is_open(schedule, utc(2026, 5, 4, 1, 0))  # Monday 01:00
    assert not is_open(schedule, utc(2026, 5, 4, 23, 30))  # Monday 23:30


def test_start_equals_end_means_all_day_on_ticked_days():
    schedule = Schedule(time(0), time(0), "Europe/Budapest", frozenset({SUN}))
    assert is_open(schedule, utc(2026, 3, 29, 0, 0))
    assert is_open(schedule, utc(2026, 3, 29, 21, 59))
    assert not is_open(schedule, utc(2026, 3, 29, 22, 0))  # Monday 00:00 CEST


def test_no_working_days_is_always_closed():
    schedule = Schedule(time(0), time(0), "UTC", frozenset())
    assert not is_open(schedule, utc(2026, 5, 4, 12))


# -- construction and validation -------------------------------------------------------------------


def test_schedule_from_checkboxes():
    schedule = schedule_from_days(time(9), time(17), "UTC", [True, True, False, False, False, False, True])
    assert schedule.weekdays == frozenset({0, 1, 6})
    with pytest.raises(InvalidInput):
        schedule_from_days(time(9), time(17), "UTC", [True])


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", " Europe/Budapest", "../etc/passwd"])
def test_unknown_zone(tz):
    with pytest.raises(InvalidInput) as info:
        Schedule(time(9), time(17), tz)
    assert info.value.field == "tz"


def test_load_zone():
    assert str(load_zone("Europe/Budapest")) == "Europe/Budapest"


@pytest.mark.parametrize("days", [frozenset({7}), frozenset({-1}), frozenset({True})])
def test_bad_weekdays(days):
    with pytest.raises(InvalidInput):
        Schedule(time(9), time(17), "UTC", days)


def test_times_must_be_naive_local_times():
    with pytest.raises(InvalidInput):
        Schedule(time(9, tzinfo=UTC), time(17), "UTC")
    with pytest.raises(InvalidInput):
        Schedule("09:00", time(17), "UTC")  # type: ignore[arg-type]


def test_naive_now_refused():
    with pytest.raises(InvalidInput):
        is_open(Schedule(time(9), time(17), "UTC"), datetime(2026, 5, 4, 12))
