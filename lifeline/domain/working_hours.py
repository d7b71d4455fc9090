"""Channel working hours (spec part 1 §19; seed L2527-2545).

Why wall-clock times: an admin sets "09:00-17:00, Europe/Budapest, Mon-Fri" and means the office clock,
whatever the UTC offset is that day. So :func:`is_open` converts ``now`` to the schedule's zone with
``zoneinfo`` and compares local times — which is right on both sides of a DST change:

* spring forward: local times in the skipped hour never occur; a window starting inside the gap opens
  at the first local time after it;
* fall back: local times in the repeated hour occur twice and are open both times if the window covers them.

Overnight schedules (``end < start``, e.g. 22:00-06:00) belong to the weekday on which they *start*: a
Friday-only 22:00-06:00 shift is open Friday 22:00 to Saturday 06:00. ``start == end`` means open around
the clock on the ticked days (the seed's "12 AM-12 AM = 24h" convention, L3486-3558).
Weekdays are numbered like :meth:`datetime.weekday`: Monday = 0 … Sunday = 6.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lifeline.errors import InvalidInput

MONDAY = 0
SUNDAY = 6
ALL_WEEKDAYS: frozenset[int] = frozenset(range(MONDAY, SUNDAY + 1))
WORKWEEK: frozenset[int] = frozenset(range(MONDAY, 5))


def load_zone(name: str) -> ZoneInfo:
    """Resolve an IANA zone name, raising :class:`InvalidInput` for an unknown one."""
    if not name or name != name.strip():
        raise InvalidInput(f'"{name}" is not an IANA time zone name such as "Europe/Budapest".', field="tz")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f'Unknown time zone "{name}"; use an IANA name such as "Europe/Budapest".', field="tz"
        ) from None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Start/end wall-clock times in ``tz`` on the ticked ``weekdays``."""

    start: time
    end: time
    tz: str
    weekdays: frozenset[int] = WORKWEEK

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise InvalidInput(f"{name} must be a local time of day without a time zone.", field=name)
        load_zone(self.tz)
        days = frozenset(self.weekdays)
        if not days <= ALL_WEEKDAYS or any(isinstance(d, bool) for d in days):
            raise InvalidInput("weekdays must be numbers from 0 (Monday) to 6 (Sunday).", field="weekdays")
        object.__setattr__(self, "weekdays", days)

    @property
    def overnight(self) -> bool:
        return self.end < self.start

    @property
    def zone(self) -> ZoneInfo:
        return load_zone(self.tz)


def schedule_from_days(start: time, end: time, tz: str, working_days: Iterable[bool]) -> Schedule:
    """Build a schedule from the seven Monday-first checkboxes of the settings form (L2544)."""
    flags = list(working_days)
    if len(flags) != len(ALL_WEEKDAYS):
        raise InvalidInput("working_days needs one checkbox per day, Monday first.", field="weekdays")
    return Schedule(start, end, tz, frozenset(day for day, ticked in enumerate(flags) if ticked))


def is_open(schedule: Schedule, now_utc: datetime) -> bool:
    """True if ``now_utc`` falls inside the schedule's working hours."""
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise InvalidInput("now must be a timezone-aware datetime (UTC).", field="now")
    local = now_utc.astimezone(schedule.zone)
    clock = local.time().replace(tzinfo=None, fold=0)
    today = local.weekday()
    if schedule.start == schedule.end:
        return today in schedule.weekdays
    if not schedule.overnight:
        return today in schedule.weekdays and schedule.start <= clock < schedule.end
    yesterday = (today - 1) % 7
    return (today in schedule.weekdays and clock >= schedule.start) or (
        yesterday in schedule.weekdays and clock < schedule.end
    )
