"""The support-session state machine: statuses, close reasons and the legal moves between them.

Why a table: every layer (technician console, admin Sessions tab, time-out jobs, auto-start, auto-transfer,
the BeyondTrust APIs) changes session status, and they must all agree on what is legal. Keeping the table
here — pure, no I/O — lets the service layer call :func:`check_transition` (or :func:`check_close`) before
it writes, and lets the unit tests walk the full product of states (STYLE.md practice 11).

Seed line references (``Lnnnn``) point into ``seeds/000_10734d7647dd1b94.txt`` (the Rescue admin guide).

Derived views that are *not* statuses of their own:

* **Missed** — reached Waiting, closed without ever being Active (L3401-3409): :func:`is_missed`.
* **Failed** — never went from Connecting to Waiting (report L6480-6517): :func:`is_failed`.
* **Outgoing / Incoming** — a ``transferring`` session as seen from the source queue / the target queue
  (L2449-2450, L3396-3400): :func:`transfer_label`.
* **Transferred** — the *source* technician's view of a session that left them (L2751-2752): that is an
  event in the session history, not a state of the session.
* **Timed out** — ``closed`` with a time-out :class:`CloseReason`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from lifeline.errors import Conflict, InvalidInput


class SessionStatus(StrEnum):
    """Where a session is in its life. ``closed`` and ``expired`` are terminal."""

    CONNECTING = "connecting"  # applet starting, T&C on screen, or a private code not yet redeemed
    WAITING = "waiting"  # queued, not picked up
    ACTIVE = "active"  # picked up ("Running" in the Command Center)
    ON_HOLD = "on_hold"  # parked by the technician; never times out (L2677)
    TRANSFERRING = "transferring"  # in flight: Outgoing in the source queue, Incoming in the target queue
    CLOSED = "closed"  # ended; see CloseReason for why
    EXPIRED = "expired"  # PIN/link past its validity before the customer ever connected (L2659-2661)


class CloseReason(StrEnum):
    """Why a session ended. ``code_expired`` goes with the ``expired`` status; every other with ``closed``."""

    CUSTOMER = "customer"
    TECHNICIAN = "technician"
    CONNECTING_TIMEOUT = "connecting_timeout"
    WAITING_TIMEOUT = "waiting_timeout"
    IDLE_TIMEOUT = "idle_timeout"
    ABORTED_NO_TECHNICIAN = "aborted_no_technician"
    TERMS_DECLINED = "terms_declined"
    CODE_EXPIRED = "code_expired"
    ADMIN = "admin"


class SessionKind(StrEnum):
    """Private sessions belong to one technician; channel sessions to every member of the channel's groups."""

    PRIVATE = "private"
    CHANNEL = "channel"


class EntryMethod(StrEnum):
    """How the customer reached the session (spec part 1 §17, §29)."""

    PIN = "pin"
    LINK = "link"
    EMAIL = "email"  # the one-time link, delivered by mail (L2303-2366)
    SMS = "sms"
    CALLING_CARD = "calling_card"
    CHANNEL_LINK = "channel_link"
    CHANNEL_FORM = "channel_form"  # Custom Live Support Form
    INSTANT_CHAT_FORM = "instant_chat_form"  # Custom Live Support Form with self-hosted Instant Chat
    API_KEY = "api_key"  # session key generated through the API (requestPINCode / generate_session_key)
    UNATTENDED = "unattended"
    LAN = "lan"  # Connect On LAN
    LENS = "lens"


class ClientKind(StrEnum):
    """Which customer client runs the session."""

    APPLET = "applet"
    INSTANT_CHAT = "instant_chat"
    MOBILE = "mobile"
    LENS = "lens"
    CALLING_CARD = "calling_card"


#: Statuses a session never leaves.
TERMINAL_STATUSES: frozenset[SessionStatus] = frozenset({SessionStatus.CLOSED, SessionStatus.EXPIRED})
#: Statuses of a live session (it can still change).
OPEN_STATUSES: frozenset[SessionStatus] = frozenset(SessionStatus) - TERMINAL_STATUSES
#: Statuses in which a technician is working the session: these count against max active sessions
#: and towards "Running" in the Command Center (L3350-3431). A held session still occupies its technician.
RUNNING_STATUSES: frozenset[SessionStatus] = frozenset({SessionStatus.ACTIVE, SessionStatus.ON_HOLD})

#: Private methods that "Auto-start incoming private sessions" sends straight from Connecting to Active
#: (L2396: "all PIN Code, Link, and SMS sessions"). Email is included because an email session *is* a
#: Link session whose link travels by mail (L2303-2366); API keys are PIN/link codes made through the API.
AUTO_START_PRIVATE_METHODS: frozenset[EntryMethod] = frozenset(
    {EntryMethod.PIN, EntryMethod.LINK, EntryMethod.EMAIL, EntryMethod.SMS, EntryMethod.API_KEY}
)


@dataclass(frozen=True, slots=True)
class Transition:
    """One legal move, with the reason and the seed lines that justify it."""

    old: SessionStatus
    new: SessionStatus
    why: str
    seed: str


S = SessionStatus

#: Every legal move. Anything not listed is refused by :func:`check_transition`.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.CONNECTING, S.WAITING, "customer accepted T&C / applet connected; session queued", "L2178-2180"
    ),
    Transition(S.CONNECTING, S.ACTIVE, "auto-start incoming private sessions (PIN, Link, SMS)", "L2394-2397"),
    Transition(
        S.CONNECTING,
        S.CLOSED,
        "T&C declined, connecting time-out, aborted (no technician), or closed by a party",
        "L2181, L2663-2664, L2574-2576",
    ),
    Transition(S.CONNECTING, S.EXPIRED, "PIN code or link not used within its validity period", "L2659-2661"),
    Transition(
        S.WAITING,
        S.ACTIVE,
        "picked up; channel auto-start; started from the Admin Center",
        "L2454-2455, L2717-2728",
    ),
    Transition(
        S.WAITING, S.TRANSFERRING, "manual transfer or channel auto-transfer", "L2426-2450, L2732-2747"
    ),
    Transition(
        S.WAITING,
        S.CLOSED,
        "closed by customer before pickup, waiting time-out, aborted (no technician) — a Missed session",
        "L2666-2669, L3401-3409",
    ),
    Transition(S.ACTIVE, S.ON_HOLD, "technician or admin puts the session on hold", "L369, L2696-2699"),
    Transition(
        S.ACTIVE, S.TRANSFERRING, "transfer to a technician, technician group or channel", "L2732-2752"
    ),
    Transition(S.ACTIVE, S.CLOSED, "closed by a party, or idle time-out", "L2671-2677"),
    Transition(S.ON_HOLD, S.ACTIVE, "technician resumes the held session", "L369"),
    Transition(
        S.ON_HOLD,
        S.TRANSFERRING,
        "a held session can be transferred from the Sessions tab",
        "L2696-2699, L7359",
    ),
    Transition(S.ON_HOLD, S.CLOSED, "closed by a party (held sessions never time out)", "L2677, L2696-2699"),
    Transition(
        S.TRANSFERRING,
        S.WAITING,
        "transfer arrived: queued for the target (Incoming → Waiting)",
        "L2746-2747",
    ),
    Transition(S.TRANSFERRING, S.ACTIVE, "the target technician picks up the incoming session", "L2449-2450"),
    Transition(
        S.TRANSFERRING,
        S.CLOSED,
        "closed by a party during the transfer, or the customer waited too long",
        "L2666-2669",
    ),
)

del S

#: old status → the statuses it may move to.
ALLOWED_TRANSITIONS: Mapping[SessionStatus, frozenset[SessionStatus]] = {
    old: frozenset(t.new for t in TRANSITIONS if t.old is old) for old in SessionStatus
}

#: Which close reasons are legal from which status. A time-out reason only fits the status it times out.
CLOSE_REASONS_BY_STATUS: Mapping[SessionStatus, frozenset[CloseReason]] = {
    SessionStatus.CONNECTING: frozenset(
        {
            CloseReason.CUSTOMER,
            CloseReason.TECHNICIAN,
            CloseReason.ADMIN,
            CloseReason.CONNECTING_TIMEOUT,
            CloseReason.ABORTED_NO_TECHNICIAN,
            CloseReason.TERMS_DECLINED,
            CloseReason.CODE_EXPIRED,
        }
    ),
    SessionStatus.WAITING: frozenset(
        {
            CloseReason.CUSTOMER,
            CloseReason.TECHNICIAN,
            CloseReason.ADMIN,
            CloseReason.WAITING_TIMEOUT,
            CloseReason.ABORTED_NO_TECHNICIAN,
        }
    ),
    SessionStatus.ACTIVE: frozenset(
        {CloseReason.CUSTOMER, CloseReason.TECHNICIAN, CloseReason.ADMIN, CloseReason.IDLE_TIMEOUT}
    ),
    SessionStatus.ON_HOLD: frozenset({CloseReason.CUSTOMER, CloseReason.TECHNICIAN, CloseReason.ADMIN}),
    SessionStatus.TRANSFERRING: frozenset(
        {CloseReason.CUSTOMER, CloseReason.TECHNICIAN, CloseReason.ADMIN, CloseReason.WAITING_TIMEOUT}
    ),
    SessionStatus.CLOSED: frozenset(),
    SessionStatus.EXPIRED: frozenset(),
}

# What to do instead, for the refusals people actually hit. Keys are (old, new).
_HINTS: Mapping[tuple[SessionStatus, SessionStatus], str] = {
    (
        SessionStatus.CONNECTING,
        SessionStatus.ON_HOLD,
    ): "wait until the customer is connected and pick the session up first",
    (
        SessionStatus.CONNECTING,
        SessionStatus.TRANSFERRING,
    ): "wait until the session is Waiting, then transfer it",
    (
        SessionStatus.WAITING,
        SessionStatus.ON_HOLD,
    ): "pick the session up first; only Active sessions can be held",
    (
        SessionStatus.WAITING,
        SessionStatus.CONNECTING,
    ): "a queued session cannot reconnect; close it and start a new one",
    (
        SessionStatus.WAITING,
        SessionStatus.EXPIRED,
    ): "close it with a waiting time-out instead; only unused codes expire",
    (SessionStatus.ACTIVE, SessionStatus.WAITING): "transfer the session to a queue instead",
    (SessionStatus.ACTIVE, SessionStatus.EXPIRED): "close it instead; only unused codes expire",
    (SessionStatus.ON_HOLD, SessionStatus.WAITING): "resume it (Active) or transfer it to a queue instead",
    (SessionStatus.TRANSFERRING, SessionStatus.TRANSFERRING): "wait for the current transfer to complete",
    (
        SessionStatus.TRANSFERRING,
        SessionStatus.ON_HOLD,
    ): "let the transfer complete and pick the session up first",
}


class IllegalTransition(Conflict):
    """A status change the state machine does not allow. The message names both states and the fix."""

    def __init__(self, old: SessionStatus, new: SessionStatus, hint: str) -> None:
        self.old = old
        self.new = new
        super().__init__(f'Cannot move a session from "{old}" to "{new}": {hint}.', field="status")


def _default_hint(old: SessionStatus, new: SessionStatus) -> str:
    if old in TERMINAL_STATUSES:
        return f'a session that is "{old}" is finished and cannot change; start a new session instead'
    if old is new:
        return f'the session is already "{old}"; nothing to change'
    allowed = ", ".join(f'"{s}"' for s in sorted(ALLOWED_TRANSITIONS[old]))
    return f'from "{old}" a session can only go to {allowed}'


def can_transition(old: SessionStatus, new: SessionStatus) -> bool:
    """True if the table allows ``old → new``."""
    return new in ALLOWED_TRANSITIONS[old]


def check_transition(old: SessionStatus, new: SessionStatus) -> None:
    """Raise :class:`IllegalTransition` unless ``old → new`` is in :data:`ALLOWED_TRANSITIONS`."""
    if can_transition(old, new):
        return
    hint = _HINTS.get((old, new)) or _default_hint(old, new)
    raise IllegalTransition(old, new, hint)


def closing_status(reason: CloseReason) -> SessionStatus:
    """The terminal status a close reason leads to: ``expired`` for an unused code, else ``closed``."""
    return SessionStatus.EXPIRED if reason is CloseReason.CODE_EXPIRED else SessionStatus.CLOSED


def check_close(old: SessionStatus, reason: CloseReason) -> SessionStatus:
    """Validate ending a session in ``old`` for ``reason``; return the terminal status to store.

    Raises :class:`IllegalTransition` when the session is already finished or the reason does not fit
    the status (e.g. an idle time-out of a Waiting session, L2671-2677 vs L2666-2669).
    """
    new = closing_status(reason)
    check_transition(old, new)
    if reason not in CLOSE_REASONS_BY_STATUS[old]:
        fitting = ", ".join(f'"{r}"' for r in sorted(CLOSE_REASONS_BY_STATUS[old]))
        raise IllegalTransition(
            old, new, f'the close reason "{reason}" does not apply to a "{old}" session; use one of {fitting}'
        )
    return new


def check_auto_start_private(kind: SessionKind, method: EntryMethod) -> None:
    """Refuse Connecting → Active without a queue unless this is an auto-startable private session (L2396)."""
    if kind is not SessionKind.PRIVATE or method not in AUTO_START_PRIVATE_METHODS:
        raise IllegalTransition(
            SessionStatus.CONNECTING,
            SessionStatus.ACTIVE,
            "only private PIN, link, email, SMS or API-key sessions auto-start, "
            f'not a {kind} "{method}" session; queue it as Waiting instead',
        )


def is_missed(status: SessionStatus, *, reached_waiting: bool, reached_active: bool) -> bool:
    """Missed = entered the queue (Waiting) and was closed without ever being Active (L3401-3409).

    A session that never left Connecting is *failed*, not missed (report L6480-6517).
    """
    return status in TERMINAL_STATUSES and reached_waiting and not reached_active


def is_failed(status: SessionStatus, *, reached_waiting: bool, reached_active: bool) -> bool:
    """Failed = finished without ever getting from Connecting to Waiting (nor straight to Active)."""
    return status in TERMINAL_STATUSES and not reached_waiting and not reached_active


class TransferLabel(StrEnum):
    """How an in-flight transfer is shown in a queue (L2449-2450)."""

    OUTGOING = "outgoing"
    INCOMING = "incoming"


def transfer_label(status: SessionStatus, *, viewer_is_source: bool) -> TransferLabel | None:
    """``outgoing`` in the source queue, ``incoming`` in the target queue; ``None`` if not transferring."""
    if status is not SessionStatus.TRANSFERRING:
        return None
    return TransferLabel.OUTGOING if viewer_is_source else TransferLabel.INCOMING


def parse_status(value: str) -> SessionStatus:
    """Parse a status from user/API input, raising :class:`InvalidInput` with the valid values."""
    try:
        return SessionStatus(value)
    except ValueError:
        valid = ", ".join(s.value for s in SessionStatus)
        raise InvalidInput(
            f'Unknown session status "{value}"; expected one of {valid}.', field="status"
        ) from None
