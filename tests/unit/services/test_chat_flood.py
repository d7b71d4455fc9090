"""The customer chat flood guard: a burst, then a steady rate, per session, memory-bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.errors import RateLimited
from lifeline.services.sessions.chat_flood import ChatFloodGuard
from lifeline.services.test_clock import offset

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_burst_then_refused_with_retry_after_then_refilled():
    guard = ChatFloodGuard(burst=3, refill_per_s=0.5)
    for _ in range(3):
        guard.check(1, T0)
    with pytest.raises(RateLimited) as caught:
        guard.check(1, T0)
    assert caught.value.retry_after_s == 2
    guard.check(1, T0 + timedelta(seconds=2))  # one token back after 2 s at 0.5/s


def test_sessions_have_separate_buckets():
    guard = ChatFloodGuard(burst=1, refill_per_s=1.0)
    guard.check(1, T0)
    guard.check(2, T0)
    with pytest.raises(RateLimited):
        guard.check(1, T0)


def test_least_recently_used_buckets_are_forgotten():
    guard = ChatFloodGuard(burst=1, refill_per_s=0.001, max_sessions=2)
    guard.check(1, T0)
    guard.check(2, T0)
    guard.check(3, T0)  # session 1's bucket is dropped
    guard.check(1, T0)  # a fresh bucket: allowed
    with pytest.raises(RateLimited):
        guard.check(3, T0)


def test_test_clock_offset_reads_the_file(tmp_path):
    clock = tmp_path / "clock"
    assert offset(None) == timedelta(0)
    assert offset(clock) == timedelta(0)  # missing file: no offset
    clock.write_text("90.5")
    assert offset(clock) == timedelta(seconds=90.5)
    clock.write_text("garbage")
    assert offset(clock) == timedelta(0)
