"""Session time-outs and queue alarms (spec part 1 §20; seed L2627-2690).

Why pure: the time-out job, the technician console's colouring and the customer page all need the same
deadlines. Given a session's facts and an injected ``now`` these functions say when a session times out,
why, and what colour its queue row shows — the job only has to store the result.

Rules and decisions:

* Private code validity: an unused PIN/link expires ``code_validity_min`` after it was made
  (default 20 min, spec §20 gap) → status ``expired`` with reason ``code_expired``.
* Connecting: ``connecting_timeout_min`` after the customer started connecting (redeemed the code, or
  opened the channel link) → ``connecting_timeout``. Unit and default are a gap; we use minutes, default 10
  — long enough to read the Terms and Conditions (tip at L2151-2153).
* Waiting: ``waiting_timeout_min`` after entering the queue, 0 = never (L2666-2669). A transfer in
  flight counts as waiting: the customer is still waiting for a technician, and a transfer to a technician
  who never picks up must not keep the session forever. The clock restarts when the transfer starts.
* Active: ``idle_timeout_min`` after the last action of either side, 0 = never; held open by an open remote
  control, screen sharing or file manager session, a pending file transfer, an open save dialog or a
  pending Calling Card deployment (L2671-2677).
* On Hold never times out (L2677). Terminal statuses have nothing left to time out.
* A waiting session is shown red during the last :data:`RED_BEFORE_REMOVAL_S` before its time-out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from lifeline.domain.session_state import CloseReason, SessionStatus
from lifeline.errors import InvalidInput

#: PIN / link validity. The seed gives no default (spec §32.2); 20 min matches the spec's suggestion.
DEFAULT_CODE_VALIDITY_MIN = 20
#: Longest validity accepted: a week. Longer-lived access is what unattended access is for.
CODE_VALIDITY_MAX_MIN = 7 * 24 * 60
#: Connecting time-out default: room to download the applet and read the T&C (L2151-2153).
DEFAULT_CONNECTING_TIMEOUT_MIN = 10
#: Waiting / active-idle time-outs: "between 1 and 999 minutes"; 0 means never (L2668-2669, L2676-2677).
TIMEOUT_MAX_MIN = 999
NEVER = 0
DEFAULT_WAITING_TIMEOUT_MIN = NEVER
DEFAULT_IDLE_TIMEOUT_MIN = NEVER
#: A waiting session is "displayed in red before being removed" (L2667-2668). The seed gives no window; one
#: minute is long enough for a technician to notice and pick it up, short enough not to cry wolf.
RED_BEFORE_REMOVAL_S = 60
#: Colour the console uses for the pre-removal warning.
RED = "red"
#: The "predefined colors" of time-out alarms (L2679). The console maps these names to its palette.
ALARM_COLORS: tuple[str, ...] = ("yellow", "orange", "red", "purple", "blue", "green")
#: Alarm thresholds are in seconds (L2680); a day is plenty for an escalation step.
ALARM_THRESHOLD_MAX_S = 24 * 60 * 60


class AlarmKind(StrEnum):
    """Time-out alarms watch Connecting sessions; Waiting alarms watch queued ones (L2679-2681)."""

    CONNECTING = "connecting"
    WAITING = "waiting"


@dataclass(frozen=True, slots=True)
class Alarm:
    """Colour a queue row once the session has been in ``kind`` for ``threshold_s`` seconds."""

    kind: AlarmKind
    threshold_s: int
    color: str

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", AlarmKind(self.kind))
        except ValueError:
            raise InvalidInput(
                f'Unknown alarm kind "{self.kind}"; expected "connecting" or "waiting".', field="alarms"
            ) from None
        _require_range(self.threshold_s, 1, ALARM_THRESHOLD_MAX_S, "alarms.threshold_s")
        if self.color not in ALARM_COLORS:
            raise InvalidInput(
                f'Unknown alarm colour "{self.color}"; expected one of {", ".join(ALARM_COLORS)}.',
                field="alarms.color",
            )


def _require_range(value: int, low: int, high: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}, got {value!r}.", field=name)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{name} must be a timezone-aware datetime (UTC).", field=name)


@dataclass(frozen=True, slots=True)
class TimeoutPolicy:
    """The Time-outs block of a channel's or technician group's settings."""

    code_validity_min: int = DEFAULT_CODE_VALIDITY_MIN
    connecting_timeout_min: int = DEFAULT_CONNECTING_TIMEOUT_MIN
    waiting_timeout_min: int = DEFAULT_WAITING_TIMEOUT_MIN
    idle_timeout_min: int = DEFAULT_IDLE_TIMEOUT_MIN
    alarms: tuple[Alarm, ...] = ()

    def __post_init__(self) -> None:
        _require_range(self.code_validity_min, 1, CODE_VALIDITY_MAX_MIN, "code_validity_min")
        _require_range(self.connecting_timeout_min, 1, TIMEOUT_MAX_MIN, "connecting_timeout_min")
        _require_range(self.waiting_timeout_min, 0, TIMEOUT_MAX_MIN, "waiting_timeout_min")
        _require_range(self.idle_timeout_min, 0, TIMEOUT_MAX_MIN, "idle_timeout_min")
        object.__setattr__(self, "alarms", tuple(self.alarms))
        seen: set[tuple[AlarmKind, int]] = set()
        for alarm in self.alarms:
            key = (alarm.kind, alarm.threshold_s)
            if key in seen:
                raise InvalidInput(
                    f"Two {alarm.kind} alarms share the threshold {alarm.threshold_s} s; keep one.",
                    field="alarms",
                )
            seen.add(key)


@dataclass(frozen=True, slots=True)
class IdleHolds:
    """In-progress work that keeps an idle session or technician from timing out (L2673-2676, L3743-3745)."""

    remote_control: bool = False
    screen_sharing: bool = False
    file_manager: bool = False
    file_transfer_pending: bool = False
    save_dialog_open: bool = False
    calling_card_deployment_pending: bool = False

    def holds_session(self) -> bool:
        """True if the active-session idle time-out is suspended."""
        return (
            self.remote_control
            or self.screen_sharing
            or self.file_manager
            or self.file_transfer_pending
            or self.save_dialog_open
            or self.calling_card_deployment_pending
        )

    def blocks_auto_logout(self) -> bool:
        """True if the technician's auto-logout is suspended (the seed's list has no Calling Card item)."""
        return (
            self.remote_control
            or self.screen_sharing
            or self.file_manager
            or self.file_transfer_pending
            or self.save_dialog_open
        )


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the time-out rules need to know about one session.

    ``entered_at``: when the session entered its current status.
    ``code_created_at``: when its private PIN/link was made (``None`` for channel or codeless sessions).
    ``code_redeemed_at``: when the customer used the code (``None`` while unused).
    """

    status: SessionStatus
    entered_at: datetime
    last_activity_at: datetime
    code_created_at: datetime | None = None
    code_redeemed_at: datetime | None = None
    holds: IdleHolds = field(default_factory=IdleHolds)

    def __post_init__(self) -> None:
        _require_aware(self.entered_at, "entered_at")
        _require_aware(self.last_activity_at, "last_activity_at")
        if self.code_created_at is not None:
            _require_aware(self.code_created_at, "code_created_at")
        if self.code_redeemed_at is not None:
            _require_aware(self.code_redeemed_at, "code_redeemed_at")


def code_expires_at(created: datetime, policy: TimeoutPolicy) -> datetime:
    """When an unused PIN code or link stops working (L2659-2661)."""
    _require_aware(created, "created")
    return created + timedelta(minutes=policy.code_validity_min)


def deadline(
    status: SessionStatus,
    entered_at: datetime,
    last_activity: datetime,
    policy: TimeoutPolicy,
    *,
    idle_held: bool = False,
) -> datetime | None:
    """When a session in ``status`` times out, or ``None`` if it cannot (never / held / on hold / finished).

    ``entered_at`` is when the current status began (for Connecting: when the customer started
    connecting). ``idle_held`` is :meth:`IdleHolds.holds_session` for Active sessions.
    """
    _require_aware(entered_at, "entered_at")
    _require_aware(last_activity, "last_activity")
    if status is SessionStatus.CONNECTING:
        return entered_at + timedelta(minutes=policy.connecting_timeout_min)
    if status in (SessionStatus.WAITING, SessionStatus.TRANSFERRING):
        if policy.waiting_timeout_min == NEVER:
            return None
        return entered_at + timedelta(minutes=policy.waiting_timeout_min)
    if status is SessionStatus.ACTIVE:
        if policy.idle_timeout_min == NEVER or idle_held:
            return None
        return last_activity + timedelta(minutes=policy.idle_timeout_min)
    return None


_REASON_BY_STATUS: dict[SessionStatus, CloseReason] = {
    SessionStatus.CONNECTING: CloseReason.CONNECTING_TIMEOUT,
    SessionStatus.WAITING: CloseReason.WAITING_TIMEOUT,
    SessionStatus.TRANSFERRING: CloseReason.WAITING_TIMEOUT,
    SessionStatus.ACTIVE: CloseReason.IDLE_TIMEOUT,
}


def timeout_at(facts: SessionFacts, policy: TimeoutPolicy) -> tuple[datetime, CloseReason] | None:
    """The next time-out of the session and its reason, or ``None``: what a scheduler should store."""
    if facts.status is SessionStatus.CONNECTING and facts.code_created_at is not None:
        if facts.code_redeemed_at is None:
            return code_expires_at(facts.code_created_at, policy), CloseReason.CODE_EXPIRED
        start = facts.code_redeemed_at
    else:
        start = facts.entered_at
    reason = _REASON_BY_STATUS.get(facts.status)
    if reason is None:
        return None
    when = deadline(
        facts.status, start, facts.last_activity_at, policy, idle_held=facts.holds.holds_session()
    )
    return None if when is None else (when, reason)


def due_timeout(facts: SessionFacts, policy: TimeoutPolicy, now: datetime) -> CloseReason | None:
    """The reason to end the session at ``now``, or ``None`` if it has not timed out."""
    _require_aware(now, "now")
    next_timeout = timeout_at(facts, policy)
    if next_timeout is None:
        return None
    when, reason = next_timeout
    return reason if now >= when else None


def alarm_color(kind: AlarmKind, age_s: float, alarms: Iterable[Alarm]) -> str | None:
    """The colour of the highest ``kind`` alarm whose threshold ``age_s`` has reached, else ``None``."""
    passed = [a for a in alarms if a.kind is AlarmKind(kind) and age_s >= a.threshold_s]
    if not passed:
        return None
    return max(passed, key=lambda a: a.threshold_s).color


def queue_row_color(
    status: SessionStatus, entered_at: datetime, now: datetime, policy: TimeoutPolicy
) -> str | None:
    """The colour of a queue row: red just before removal (wins), else the escalated alarm, else none."""
    _require_aware(now, "now")
    if shows_red_before_removal(status, entered_at, now, policy):
        return RED
    age_s = (now - entered_at).total_seconds()
    if status is SessionStatus.CONNECTING:
        return alarm_color(AlarmKind.CONNECTING, age_s, policy.alarms)
    if status is SessionStatus.WAITING:
        return alarm_color(AlarmKind.WAITING, age_s, policy.alarms)
    return None


def shows_red_before_removal(
    status: SessionStatus, entered_at: datetime, now: datetime, policy: TimeoutPolicy
) -> bool:
    """True during the last :data:`RED_BEFORE_REMOVAL_S` seconds before a waiting session times out."""
    if status is not SessionStatus.WAITING:
        return False
    when = deadline(status, entered_at, entered_at, policy)
    if when is None:
        return False
    return when - timedelta(seconds=RED_BEFORE_REMOVAL_S) <= now < when
