"""Ack-window flow control and lag-driven quality (lifeline/agent/encode/pacing.py)."""

from __future__ import annotations

from lifeline.agent.encode.constants import (
    ACK_TIMEOUT_S,
    JPEG_QUALITY_MAX,
    JPEG_QUALITY_MIN,
    MAX_LAG_COMPENSATION_MS,
    VIDEO_LINK_SAMPLE_MAX_AGE_S,
)
from lifeline.agent.encode.pacing import Pacer


def test_window_closes_at_the_limit_and_reopens_on_ack() -> None:
    pacer = Pacer(max_unacked=2)
    pacer.sent(1, 0.0, 1000)
    assert pacer.can_send(0.0)
    pacer.sent(2, 0.0, 1000)
    assert not pacer.can_send(0.0)
    pacer.acked(1, 0.05)
    assert pacer.can_send(0.05)


def test_acks_are_cumulative_and_unknown_acks_ignored() -> None:
    pacer = Pacer(max_unacked=3)
    for seq in (1, 2, 3):
        pacer.sent(seq, 0.0, 1000)
    assert pacer.acked(99, 0.1) is None
    assert pacer.acked(2, 0.1) is not None
    assert pacer.in_flight == 1


def test_quality_falls_with_round_trip_lag() -> None:
    pacer = Pacer()
    assert pacer.jpeg_quality() == JPEG_QUALITY_MAX
    pacer.sent(1, 0.0, 1000)
    pacer.acked(1, MAX_LAG_COMPENSATION_MS / 1000 * 2)
    assert pacer.jpeg_quality() == JPEG_QUALITY_MIN
    pacer.rtt_ms = 300.0
    assert JPEG_QUALITY_MIN < pacer.jpeg_quality() < JPEG_QUALITY_MAX


def test_viewer_hints_override_adaptation() -> None:
    pacer = Pacer()
    pacer.fixed_quality = 42
    pacer.max_fps = 10
    assert pacer.jpeg_quality() == 42
    pacer.sent(1, 0.0, 1000)
    pacer.acked(1, 0.01)
    assert not pacer.can_send(0.05)
    assert pacer.can_send(0.1)


def test_lost_acks_expire_and_reopen_the_window() -> None:
    pacer = Pacer(max_unacked=1)
    pacer.sent(1, 0.0, 1000)
    assert not pacer.expire(ACK_TIMEOUT_S / 2)
    assert pacer.expire(ACK_TIMEOUT_S + 1)
    assert pacer.can_send(ACK_TIMEOUT_S + 1)


#: Size (bytes) of each update in the delivery-rate tests.
UPDATE_BYTES = 100_000


def test_link_rate_counts_acks_while_updates_wait_for_the_window() -> None:
    """A link carrying 1 MB/s: two updates in flight, a third waiting; each ack took 0.1 s."""
    pacer = Pacer(max_unacked=2)
    pacer.sent(1, 0.0, UPDATE_BYTES)
    pacer.sent(2, 0.0, UPDATE_BYTES)
    assert not pacer.can_send(0.01)  # an update waits: the link is the limit
    pacer.acked(1, 0.1)
    pacer.sent(3, 0.1, UPDATE_BYTES)
    assert not pacer.can_send(0.12)
    pacer.acked(2, 0.2)
    assert pacer.link.bytes_per_s(0.2) == UPDATE_BYTES / 0.1


def test_link_rate_leaves_out_the_time_a_busy_viewer_spent_drawing() -> None:
    """Acks every 0.1 s because the viewer takes 0.095 s to draw each update: a fast link, not a 1 MB/s one."""
    from lifeline.agent.encode.choose import link_too_slow_for_jpeg

    def rate(viewer_s: float) -> float | None:
        pacer = Pacer(max_unacked=2)
        pacer.sent(1, 0.0, UPDATE_BYTES)
        pacer.sent(2, 0.0, UPDATE_BYTES)
        for seq in range(3, 22):
            now = (seq - 2) * 0.1
            assert not pacer.window_open()  # the next update waits for an ack
            pacer.acked(seq - 2, now, viewer_s=viewer_s)
            pacer.sent(seq, now, UPDATE_BYTES)
        return pacer.link.bytes_per_s(now)

    frame_px = 1920 * 1080
    late = rate(0.0)  # without the viewer's draw time: 1 MB/s, "too slow for JPEG"
    assert late is not None and abs(late - UPDATE_BYTES / 0.1) < 1 and link_too_slow_for_jpeg(late, frame_px, False)
    busy = rate(0.095)
    assert busy is not None and not link_too_slow_for_jpeg(busy, frame_px, False)


def test_link_rate_ignores_an_encoder_bound_or_idle_stream() -> None:
    """Each update is acked long before the (slow) encoder has the next: the window never fills."""
    pacer = Pacer(max_unacked=2)
    for seq in range(1, 20):
        now = seq * 0.04
        assert pacer.can_send(now)
        pacer.sent(seq, now, UPDATE_BYTES)
        pacer.acked(seq, now + 0.005)
    assert pacer.link.bytes_per_s(1.0) is None


def test_link_rate_samples_lapse_and_reset_forgets_them() -> None:
    pacer = Pacer(max_unacked=1)
    pacer.sent(1, 0.0, UPDATE_BYTES)
    assert not pacer.can_send(0.0)
    pacer.acked(1, 0.5)
    assert pacer.link.bytes_per_s(0.5) == UPDATE_BYTES / 0.5
    assert pacer.link.bytes_per_s(0.5 + VIDEO_LINK_SAMPLE_MAX_AGE_S + 0.1) is None
    pacer.sent(2, 10.0, UPDATE_BYTES)
    assert not pacer.can_send(10.0)
    pacer.acked(2, 10.5)
    pacer.reset()
    assert pacer.link.bytes_per_s(10.5) is None
