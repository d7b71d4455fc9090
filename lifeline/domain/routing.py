"""Routing rules: who gets an auto-started channel session, who counts as available, and presence.

Why here: the auto-start job, the auto-transfer job, the "no technician available" decision, the transfer
dialog and the Command Center all ask the same questions ("is this technician available?", "who is the
least busy?"). Answering them from one pure module keeps those features consistent and testable with an
injected ``now``. Seed references: spec part 1 §18-§22, seed L2394-2526, L3689-3745.

Decisions recorded here (gaps in the seed):

* **Available** (spec §19 gap) = presence ``available`` (so online, neither Away nor Busy), logged in by
  ``now``, under max active sessions, and not excluded from the channel.
* **Auto-start skips Busy and Away technicians** as well as the seed's exclusions: Busy/Away technicians
  "cannot receive transfers" (L3737-3741) and an auto-start pushes a session at a technician exactly as a
  transfer does; an Away technician is by definition not at the console.
* **Presence precedence**: a manual Away or inactivity-Away beats Busy; a manual Busy or the
  auto-Busy threshold beats Available.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from lifeline.errors import Conflict, InvalidInput

#: "…less than X active sessions" drop-down on channel auto-start: X = 10 means regardless (L2464-2465).
AUTO_START_BELOW_REGARDLESS = 10
#: Range of that drop-down (1..10).
AUTO_START_BELOW_MIN = 1
#: "Technician can handle maximum X active sessions": capacity 1..10, default 10 (L2406, L3359-3360).
MAX_SESSIONS_MIN = 1
MAX_SESSIONS_MAX = 10
MAX_SESSIONS_DEFAULT = 10
#: "Busy when handling more than X active sessions": default 10 = no busy state (L2408).
BUSY_THRESHOLD_NEVER = 10
#: "Away after X min": default 0 = no away state (L2409).
AWAY_AFTER_NEVER_MIN = 0
#: "Auto logout after X min of inactivity": default 0 = no auto logout (L2410).
AUTO_LOGOUT_NEVER_MIN = 0
#: "Defer auto-start after login by X min": 0 = no deferment (L2488).
DEFER_AUTO_START_NONE_MIN = 0
#: Upper bound for the minute settings above; the console drop-downs and the time-out fields use 0..999.
SETTING_MINUTES_MAX = 999
#: A technician may have only one active Lens session at a time (L3733).
MAX_ACTIVE_LENS_SESSIONS = 1
#: After the auto-transfer delay the move itself "may take up to an additional 90 seconds" (L2429-2430):
#: the auto-transfer job must scan at least this often to honour that promise.
AUTO_TRANSFER_COMPLETION_S = 90


class TechnicianStatus(StrEnum):
    """Technician presence as the Command Center shows it (L2880, L3711-3729)."""

    AVAILABLE = "available"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"


def parse_technician_status(value: str) -> TechnicianStatus:
    """Parse a presence value, raising :class:`InvalidInput` that lists the valid ones."""
    try:
        return TechnicianStatus(value)
    except ValueError:
        valid = ", ".join(s.value for s in TechnicianStatus)
        raise InvalidInput(
            f'Unknown technician status "{value}"; expected one of {valid}.', field="status"
        ) from None


def _require_aware(value: datetime, field: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{field} must be a timezone-aware datetime (UTC).", field=field)


def _require_range(value: int, low: int, high: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            f"{field} must be a whole number from {low} to {high}, got {value!r}.", field=field
        )


@dataclass(frozen=True, slots=True)
class TechnicianLoad:
    """A snapshot of one technician as routing sees them, for one channel."""

    technician_id: int
    status: TechnicianStatus
    active_sessions: int
    max_sessions: int
    idle_since: datetime
    logged_in_at: datetime
    never_auto_start: bool = False
    defer_auto_start_min: int = DEFER_AUTO_START_NONE_MIN
    excluded_from_channel: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", parse_technician_status(self.status))
        _require_range(self.max_sessions, MAX_SESSIONS_MIN, MAX_SESSIONS_MAX, "max_sessions")
        _require_range(self.defer_auto_start_min, 0, SETTING_MINUTES_MAX, "defer_auto_start_min")
        if self.active_sessions < 0:
            raise InvalidInput("Session counts cannot be negative.", field="active_sessions")
        _require_aware(self.idle_since, "idle_since")
        _require_aware(self.logged_in_at, "logged_in_at")


def is_available(load: TechnicianLoad, now: datetime) -> bool:
    """Can this technician take a session from this channel right now (spec §19 gap decision)?"""
    _require_aware(now, "now")
    return (
        load.status is TechnicianStatus.AVAILABLE
        and load.logged_in_at <= now
        and load.active_sessions < load.max_sessions
        and not load.excluded_from_channel
    )


def auto_start_deferred_until(load: TechnicianLoad) -> datetime:
    """End of the post-login window in which the technician gets no auto-started sessions (L2474-2488)."""
    return load.logged_in_at + timedelta(minutes=load.defer_auto_start_min)


def is_auto_start_candidate(load: TechnicianLoad, *, now: datetime, below_sessions: int) -> bool:
    """May channel auto-start hand this technician a waiting session now?"""
    _require_range(below_sessions, AUTO_START_BELOW_MIN, AUTO_START_BELOW_REGARDLESS, "below_sessions")
    if not is_available(load, now) or load.never_auto_start:
        return False
    if now < auto_start_deferred_until(load):
        return False
    return below_sessions == AUTO_START_BELOW_REGARDLESS or load.active_sessions < below_sessions


def choose_least_busy(
    candidates: Iterable[TechnicianLoad], *, now: datetime, below_sessions: int
) -> int | None:
    """Pick the technician for channel auto-start (L2452-2465), or ``None`` if nobody qualifies.

    Least busy = fewest active sessions; a tie goes to the longest idle (earliest ``idle_since``); a
    remaining tie goes to the lowest ``technician_id`` so the choice is deterministic.
    """
    eligible = [c for c in candidates if is_auto_start_candidate(c, now=now, below_sessions=below_sessions)]
    if not eligible:
        return None
    best = min(eligible, key=lambda c: (c.active_sessions, c.idle_since, c.technician_id))
    return best.technician_id


def auto_transfer_at(waiting_since: datetime, after_min: int) -> datetime:
    """When a waiting channel session becomes due for auto-transfer (L2426-2439)."""
    _require_aware(waiting_since, "waiting_since")
    _require_range(after_min, 1, SETTING_MINUTES_MAX, "after_min")
    return waiting_since + timedelta(minutes=after_min)


def auto_transfer_due(waiting_since: datetime, now: datetime, after_min: int) -> bool:
    """True once the session has waited ``after_min`` minutes (the delay is 1..999 min)."""
    _require_aware(now, "now")
    return now >= auto_transfer_at(waiting_since, after_min)


def presence_status(
    active_sessions: int,
    busy_threshold: int,
    last_activity: datetime,
    now: datetime,
    away_after_min: int,
    chosen_status: TechnicianStatus = TechnicianStatus.AVAILABLE,
) -> TechnicianStatus:
    """Effective presence of a logged-in technician (L3707-3741).

    ``busy_threshold``: Busy when handling *more than* this many sessions; 10 = never Busy.
    ``away_after_min``: Away after this many minutes without a console action; 0 = never Away.
    ``chosen_status``: what the technician picked by hand (available, busy or away).
    """
    chosen = parse_technician_status(chosen_status)
    if chosen is TechnicianStatus.OFFLINE:
        raise InvalidInput(
            "A logged-in technician cannot choose Offline; log out instead.", field="chosen_status"
        )
    _require_range(busy_threshold, 1, BUSY_THRESHOLD_NEVER, "busy_threshold")
    _require_range(away_after_min, 0, SETTING_MINUTES_MAX, "away_after_min")
    _require_aware(last_activity, "last_activity")
    _require_aware(now, "now")
    if chosen is TechnicianStatus.AWAY:
        return TechnicianStatus.AWAY
    if away_after_min != AWAY_AFTER_NEVER_MIN and now - last_activity >= timedelta(minutes=away_after_min):
        return TechnicianStatus.AWAY
    if chosen is TechnicianStatus.BUSY:
        return TechnicianStatus.BUSY
    if busy_threshold != BUSY_THRESHOLD_NEVER and active_sessions > busy_threshold:
        return TechnicianStatus.BUSY
    return TechnicianStatus.AVAILABLE


def should_auto_logout(
    last_activity: datetime, now: datetime, auto_logout_min: int, *, activity_in_progress: bool
) -> bool:
    """Log the technician out after ``auto_logout_min`` idle minutes (0 = never; L3715-3745).

    ``activity_in_progress``: an open remote control, screen sharing or file manager session, a pending
    file transfer or an open save dialog in any of the technician's sessions — these block auto-logout.
    """
    _require_range(auto_logout_min, 0, SETTING_MINUTES_MAX, "auto_logout_min")
    _require_aware(last_activity, "last_activity")
    _require_aware(now, "now")
    if auto_logout_min == AUTO_LOGOUT_NEVER_MIN or activity_in_progress:
        return False
    return now - last_activity >= timedelta(minutes=auto_logout_min)


def check_can_accept_new_active(
    active_sessions: int, max_sessions: int, *, is_lens: bool = False, active_lens_sessions: int = 0
) -> None:
    """Raise :class:`Conflict` if the technician may not activate one more session (L3729-3733)."""
    _require_range(max_sessions, MAX_SESSIONS_MIN, MAX_SESSIONS_MAX, "max_sessions")
    if active_sessions >= max_sessions:
        raise Conflict(
            f"The technician already handles {active_sessions} active sessions, "
            f"the maximum of {max_sessions}; close or transfer one first.",
            field="max_sessions",
        )
    if is_lens and active_lens_sessions >= MAX_ACTIVE_LENS_SESSIONS:
        raise Conflict(
            "The technician already has an active Lens session and can handle only one at a time; "
            "close it first.",
            field="lens",
        )


def can_accept_new_active(
    active_sessions: int, max_sessions: int, *, is_lens: bool = False, active_lens_sessions: int = 0
) -> bool:
    """Boolean form of :func:`check_can_accept_new_active`."""
    try:
        check_can_accept_new_active(
            active_sessions, max_sessions, is_lens=is_lens, active_lens_sessions=active_lens_sessions
        )
    except Conflict:
        return False
    return True
