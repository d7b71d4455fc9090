"""Ack-window flow control and lag-driven quality (lifeline/agent/encode/pacing.py)."""

from __future__ import annotations

from lifeline.agent.encode.constants import (
    ACK_TIMEOUT_S,
    JPEG_QUALITY_MAX,
    JPEG_QUALITY_MIN,
    MAX_LAG_COMPENSATION_MS,
)
from lifeline.agent.encode.pacing import Pacer


def test_window_closes_at_the_limit_and_reopens_on_ack() -> None:
    pacer = Pacer(max_unacked=2)
    pacer.sent(1, 0.0)
    assert pacer.can_send(0.0)
    pacer.sent(2, 0.0)
    assert not pacer.can_send(0.0)
    pacer.acked(1, 0.05)
    assert pacer.can_send(0.05)


def test_acks_are_cumulative_and_unknown_acks_ignored() -> None:
    pacer = Pacer(max_unacked=3)
    for seq in (1, 2, 3):
        pacer.sent(seq, 0.0)
    assert pacer.acked(99, 0.1) is None
    assert pacer.acked(2, 0.1) is not None
    assert pacer.in_flight == 1


def test_quality_falls_with_round_trip_lag() -> None:
    pacer = Pacer()
    assert pacer.jpeg_quality() == JPEG_QUALITY_MAX
    pacer.sent(1, 0.0)
    pacer.acked(1, MAX_LAG_COMPENSATION_MS / 1000 * 2)
    assert pacer.jpeg_quality() == JPEG_QUALITY_MIN
    pacer.rtt_ms = 300.0
    assert JPEG_QUALITY_MIN < pacer.jpeg_quality() < JPEG_QUALITY_MAX


def test_viewer_hints_override_adaptation() -> None:
    pacer = Pacer()
    pacer.fixed_quality = 42
    pacer.max_fps = 10
    assert pacer.jpeg_quality() == 42
    pacer.sent(1, 0.0)
    pacer.acked(1, 0.01)
    assert not pacer.can_send(0.05)
    assert pacer.can_send(0.1)


def test_lost_acks_expire_and_reopen_the_window() -> None:
    pacer = Pacer(max_unacked=1)
    pacer.sent(1, 0.0)
    assert not pacer.expire(ACK_TIMEOUT_S / 2)
    assert pacer.expire(ACK_TIMEOUT_S + 1)
    assert pacer.can_send(ACK_TIMEOUT_S + 1)
