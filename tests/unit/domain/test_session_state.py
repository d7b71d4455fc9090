from __future__ import annotations

import itertools

import pytest

from lifeline.domain.session_state import (
    ALLOWED_TRANSITIONS,
    AUTO_START_PRIVATE_METHODS,
    CLOSE_REASONS_BY_STATUS,
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    TRANSITIONS,
    CloseReason,
    EntryMethod,
    IllegalTransition,
    SessionKind,
    SessionStatus,
    TransferLabel,
    can_transition,
    check_auto_start_private,
    check_close,
    check_transition,
    closing_status,
    is_failed,
    is_missed,
    parse_status,
    transfer_label,
)
from lifeline.errors import Conflict, InvalidInput

S = SessionStatus

EXPECTED_ALLOWED = {
    (S.CONNECTING, S.WAITING),
    (S.CONNECTING, S.ACTIVE),
    (S.CONNECTING, S.CLOSED),
    (S.CONNECTING, S.EXPIRED),
    (S.WAITING, S.ACTIVE),
    (S.WAITING, S.TRANSFERRING),
    (S.WAITING, S.CLOSED),
    (S.ACTIVE, S.ON_HOLD),
    (S.ACTIVE, S.TRANSFERRING),
    (S.ACTIVE, S.CLOSED),
    (S.ON_HOLD, S.ACTIVE),
    (S.ON_HOLD, S.TRANSFERRING),
    (S.ON_HOLD, S.CLOSED),
    (S.TRANSFERRING, S.WAITING),
    (S.TRANSFERRING, S.ACTIVE),
    (S.TRANSFERRING, S.CLOSED),
}
ALL_PAIRS = list(itertools.product(SessionStatus, SessionStatus))


def test_enum_values_are_the_public_vocabulary():
    assert [s.value for s in SessionStatus] == [
        "connecting",
        "waiting",
        "active",
        "on_hold",
        "transferring",
        "closed",
        "expired",
    ]
    assert {r.value for r in CloseReason} == {
        "customer",
        "technician",
        "connecting_timeout",
        "waiting_timeout",
        "idle_timeout",
        "aborted_no_technician",
        "terms_declined",
        "code_expired",
        "admin",
    }
    assert {k.value for k in SessionKind} == {"private", "channel"}
    assert {
        "pin",
        "link",
        "email",
        "sms",
        "channel_link",
        "channel_form",
        "instant_chat_form",
        "api_key",
    } <= {m.value for m in EntryMethod}


def test_table_matches_the_documented_transitions():
    listed = {(t.old, t.new) for t in TRANSITIONS}
    assert listed == EXPECTED_ALLOWED
    assert {(o, n) for o, news in ALLOWED_TRANSITIONS.items() for n in news} == EXPECTED_ALLOWED
    assert len(TRANSITIONS) == len(listed), "no duplicate rows"


def test_every_transition_cites_the_seed():
    for t in TRANSITIONS:
        assert t.seed.startswith("L") and t.why


@pytest.mark.parametrize(("old", "new"), sorted(EXPECTED_ALLOWED))
def test_allowed_transition_passes(old, new):
    assert can_transition(old, new)
    check_transition(old, new)


@pytest.mark.parametrize(("old", "new"), [p for p in ALL_PAIRS if p not in EXPECTED_ALLOWED])
def test_refused_transition_names_both_states_and_a_fix(old, new):
    assert not can_transition(old, new)
    with pytest.raises(IllegalTransition) as info:
        check_transition(old, new)
    err = info.value
    assert isinstance(err, Conflict)
    assert err.status_code == 409
    assert err.old is old and err.new is new
    assert f'"{old}"' in err.message and f'"{new}"' in err.message
    assert err.message.startswith(f'Cannot move a session from "{old}" to "{new}": ')
    assert err.field == "status"


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATUSES))
def test_terminal_states_have_no_way_out(terminal):
    assert ALLOWED_TRANSITIONS[terminal] == frozenset()
    with pytest.raises(IllegalTransition, match="start a new session instead"):
        check_transition(terminal, S.ACTIVE)


def test_same_state_is_refused_as_nothing_to_change():
    with pytest.raises(IllegalTransition, match="already"):
        check_transition(S.ACTIVE, S.ACTIVE)


def test_hold_from_waiting_tells_to_pick_up_first():
    with pytest.raises(IllegalTransition, match="pick the session up first"):
        check_transition(S.WAITING, S.ON_HOLD)


def test_generic_hint_lists_the_allowed_targets():
    with pytest.raises(IllegalTransition) as info:
        check_transition(S.ACTIVE, S.CONNECTING)
    assert '"closed", "on_hold", "transferring"' in info.value.message


def test_every_open_status_can_reach_closed():
    for status in OPEN_STATUSES:
        assert S.CLOSED in ALLOWED_TRANSITIONS[status]


def test_on_hold_has_no_time_out_reason():
    reasons = CLOSE_REASONS_BY_STATUS[S.ON_HOLD]
    assert not reasons & {
        CloseReason.IDLE_TIMEOUT,
        CloseReason.WAITING_TIMEOUT,
        CloseReason.CONNECTING_TIMEOUT,
    }


@pytest.mark.parametrize(("old", "reason"), list(itertools.product(SessionStatus, CloseReason)))
def test_check_close_over_every_status_and_reason(old, reason):
    if reason in CLOSE_REASONS_BY_STATUS[old]:
        new = check_close(old, reason)
        assert new is closing_status(reason)
        assert new in ALLOWED_TRANSITIONS[old]
    else:
        with pytest.raises(IllegalTransition):
            check_close(old, reason)


def test_close_reason_mismatch_message_lists_fitting_reasons():
    with pytest.raises(IllegalTransition, match='"idle_timeout" does not apply to a "waiting"'):
        check_close(S.WAITING, CloseReason.IDLE_TIMEOUT)


def test_code_expired_leads_to_expired_others_to_closed():
    assert closing_status(CloseReason.CODE_EXPIRED) is S.EXPIRED
    for reason in set(CloseReason) - {CloseReason.CODE_EXPIRED}:
        assert closing_status(reason) is S.CLOSED


@pytest.mark.parametrize("method", list(EntryMethod))
@pytest.mark.parametrize("kind", list(SessionKind))
def test_auto_start_private_only_for_code_methods(kind, method):
    if kind is SessionKind.PRIVATE and method in AUTO_START_PRIVATE_METHODS:
        check_auto_start_private(kind, method)
    else:
        with pytest.raises(IllegalTransition, match="queue it as Waiting"):
            check_auto_start_private(kind, method)


def test_auto_start_methods_include_the_seed_three():
    assert {EntryMethod.PIN, EntryMethod.LINK, EntryMethod.SMS} <= AUTO_START_PRIVATE_METHODS


@pytest.mark.parametrize(
    ("status", "waited", "active", "missed", "failed"),
    [
        (S.CLOSED, True, False, True, False),
        (S.CLOSED, True, True, False, False),
        (S.CLOSED, False, True, False, False),  # auto-started private session
        (S.CLOSED, False, False, False, True),
        (S.EXPIRED, False, False, False, True),
        (S.WAITING, True, False, False, False),  # still open: not missed yet
        (S.ACTIVE, True, True, False, False),
    ],
)
def test_missed_and_failed_are_derived(status, waited, active, missed, failed):
    assert is_missed(status, reached_waiting=waited, reached_active=active) is missed
    assert is_failed(status, reached_waiting=waited, reached_active=active) is failed


def test_transfer_label():
    assert transfer_label(S.TRANSFERRING, viewer_is_source=True) is TransferLabel.OUTGOING
    assert transfer_label(S.TRANSFERRING, viewer_is_source=False) is TransferLabel.INCOMING
    assert transfer_label(S.WAITING, viewer_is_source=True) is None


def test_parse_status():
    assert parse_status("on_hold") is S.ON_HOLD
    with pytest.raises(InvalidInput, match="expected one of connecting"):
        parse_status("running")
