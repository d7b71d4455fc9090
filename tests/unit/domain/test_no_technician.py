from __future__ import annotations

import itertools

import pytest

from lifeline.domain.no_technician import (
    NoTechnicianAction,
    NoTechnicianPolicy,
    Outcome,
    check_abort_url,
    decide,
)
from lifeline.errors import InvalidInput

KEEP = NoTechnicianPolicy(NoTechnicianAction.KEEP_ALIVE)
KEEP_NOTIFY = NoTechnicianPolicy(NoTechnicianAction.KEEP_ALIVE, notify_email=True)
ABORT = NoTechnicianPolicy(NoTechnicianAction.ABORT_REDIRECT, "https://example.com/closed", notify_email=True)


@pytest.mark.parametrize("policy", [KEEP, KEEP_NOTIFY, ABORT])
def test_in_hours_with_someone_available_routes_normally(policy):
    d = decide(policy, in_working_hours=True, any_technician_available=True, any_technician_logged_in=True)
    assert d.outcome is Outcome.QUEUE and not d.policy_applied and not d.notify_technicians


@pytest.mark.parametrize(
    ("hours", "available", "logged_in"),
    [
        (h, a, li)
        for h, a, li in itertools.product([True, False], repeat=3)
        if not (h and a) and (li or not a)
    ],
)
def test_policy_applies_out_of_hours_or_when_nobody_available(hours, available, logged_in):
    kw = {
        "in_working_hours": hours,
        "any_technician_available": available,
        "any_technician_logged_in": logged_in,
    }
    kept = decide(KEEP, **kw)
    assert kept.policy_applied and kept.outcome is Outcome.QUEUE and not kept.notify_technicians
    notified = decide(KEEP_NOTIFY, **kw)
    assert notified.outcome is Outcome.QUEUE
    assert notified.notify_technicians is (not logged_in)
    aborted = decide(ABORT, **kw)
    assert aborted.outcome is Outcome.ABORT
    assert aborted.redirect_url == "https://example.com/closed"
    assert not aborted.notify_technicians


def test_private_sessions_pass_in_hours_true():
    d = decide(
        KEEP_NOTIFY, in_working_hours=True, any_technician_available=False, any_technician_logged_in=False
    )
    assert d.policy_applied and d.notify_technicians


def test_abort_needs_a_url():
    with pytest.raises(InvalidInput, match="needs the URL"):
        NoTechnicianPolicy(NoTechnicianAction.ABORT_REDIRECT)


@pytest.mark.parametrize(
    "url", ["ftp://x.example/", "example.com/page", "javascript:alert(1)", "https://", "x" * 3000]
)
def test_bad_abort_urls(url):
    with pytest.raises(InvalidInput):
        check_abort_url(url)


def test_abort_url_is_trimmed():
    policy = NoTechnicianPolicy("abort_redirect", "  http://example.com/x  ")  # type: ignore[arg-type]
    assert policy.abort_url == "http://example.com/x"
    assert policy.action is NoTechnicianAction.ABORT_REDIRECT


def test_unknown_action():
    with pytest.raises(InvalidInput):
        NoTechnicianPolicy("pray")  # type: ignore[arg-type]


def test_keep_alive_ignores_a_leftover_url():
    assert NoTechnicianPolicy(NoTechnicianAction.KEEP_ALIVE, "not a url").abort_url == "not a url"
