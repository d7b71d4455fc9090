"""Ack-window flow control and lag-driven quality for the screen stream.

The agent may have at most MAX_UNACKED_FRAMES updates in flight. While the
window is full it sends nothing: the encoder keeps diffing against the last
frame it *sent*, so every change made meanwhile is coalesced into the next
update instead of queued (a queue on a slow link only adds latency). Acks are
cumulative: ``ack {seq: n}`` acknowledges every update up to n.

Each ack also yields a round-trip sample (send → viewer drew it → ack back),
which includes the viewer's decode time. The smoothed RTT lowers JPEG quality
linearly from JPEG_QUALITY_MAX at LAG_GOOD_MS to JPEG_QUALITY_MIN at
MAX_LAG_COMPENSATION_MS, as Guacamole does with its processing-lag estimate.
The VP8 quantizer follows the same quality on libvpx's scale.
"""

from __future__ import annotations

from collections import OrderedDict

from lifeline.agent.encode.constants import (
    ACK_TIMEOUT_S,
    JPEG_QUALITY_MAX,
    JPEG_QUALITY_MIN,
    LAG_GOOD_MS,
    MAX_LAG_COMPENSATION_MS,
    MAX_UNACKED_FRAMES,
    RTT_SMOOTHING,
    VIDEO_QUANTIZER_BEST,
    VIDEO_QUANTIZER_RESTART_STEPS,
    VIDEO_QUANTIZER_WORST,
)

__all__ = ["Pacer"]

MS_PER_S = 1000.0


class Pacer:
    """Decides *when* the encoder may send and *how good* JPEG should be.

    >>> pacer = Pacer()
    >>> if pacer.can_send(now):
    ...     pacer.sent(seq, now)
    >>> pacer.acked(seq, later)         # on {"type": "ack", "seq": seq}
    >>> pacer.jpeg_quality()
    """

    def __init__(self, max_unacked: int = MAX_UNACKED_FRAMES) -> None:
        self.max_unacked = max_unacked
        self._in_flight: OrderedDict[int, float] = OrderedDict()
        self.rtt_ms: float | None = None
        self.max_fps: int | None = None
        self.fixed_quality: int | None = None
        self._last_sent_at: float | None = None

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def can_send(self, now: float) -> bool:
        """True when the window has room and the viewer's fps cap allows a frame now."""
        if len(self._in_flight) >= self.max_unacked:
            return False
        if self.max_fps is not None and self._last_sent_at is not None:
            return now - self._last_sent_at >= 1.0 / self.max_fps
        return True

    def expire(self, now: float) -> bool:
        """Forget updates unacked for ACK_TIMEOUT_S; True if any were (send a full frame next)."""
        stale = [seq for seq, at in self._in_flight.items() if now - at > ACK_TIMEOUT_S]
        for seq in stale:
            del self._in_flight[seq]
        return bool(stale)

    def sent(self, seq: int, now: float) -> None:
        self._in_flight[seq] = now
        self._last_sent_at = now

    def acked(self, seq: int, now: float) -> float | None:
        """Record a cumulative ack; return the RTT sample in ms, or None for an unknown seq."""
        sent_at = self._in_flight.get(seq)
        if sent_at is None:
            return None
        for done in [s for s in self._in_flight if s <= seq]:
            del self._in_flight[done]
        sample = (now - sent_at) * MS_PER_S
        self.rtt_ms = sample if self.rtt_ms is None else self.rtt_ms + RTT_SMOOTHING * (sample - self.rtt_ms)
        return sample

    def jpeg_quality(self) -> int:
        """The viewer's requested quality, else one interpolated from the smoothed RTT."""
        if self.fixed_quality is not None:
            return self.fixed_quality
        if self.rtt_ms is None or self.rtt_ms <= LAG_GOOD_MS:
            return JPEG_QUALITY_MAX
        lag = min(self.rtt_ms, MAX_LAG_COMPENSATION_MS)
        fraction = (lag - LAG_GOOD_MS) / (MAX_LAG_COMPENSATION_MS - LAG_GOOD_MS)
        return round(JPEG_QUALITY_MAX - fraction * (JPEG_QUALITY_MAX - JPEG_QUALITY_MIN))

    def video_quantizer(self, current: int | None = None) -> int:
        """The VP8 quantizer for ``jpeg_quality()``, mapped linearly onto VIDEO_QUANTIZER_BEST..WORST.

        ``current``: the running stream's quantizer, kept unless the wanted one is
        VIDEO_QUANTIZER_RESTART_STEPS away, because a change costs a key frame.
        """
        fraction = (JPEG_QUALITY_MAX - self.jpeg_quality()) / (JPEG_QUALITY_MAX - JPEG_QUALITY_MIN)
        fraction = min(max(fraction, 0.0), 1.0)  # a viewer's fixed quality may lie outside the range
        wanted = round(VIDEO_QUANTIZER_BEST + fraction * (VIDEO_QUANTIZER_WORST - VIDEO_QUANTIZER_BEST))
        if current is not None and abs(wanted - current) < VIDEO_QUANTIZER_RESTART_STEPS:
            return current
        return wanted

    def reset(self) -> None:
        """Forget everything in flight (new viewer, reconnect); keep the viewer's hints."""
        self._in_flight.clear()
        self._last_sent_at = None
        self.rtt_ms = None
