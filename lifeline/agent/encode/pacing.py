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

Acks also measure the link's delivery rate (``LinkRate``), which decides whether
sustained motion is worth VP8's CPU (choose.link_too_slow_for_jpeg). Only periods
when the link was the limit count: an update was waiting because the window was
full. Then each ack's newly acknowledged bytes took the time since the previous ack
(or since they were sent, if later) to get through, less the time the viewer says
(the ack's ``draw_ms``) it held the update: queued behind earlier ones, decoded, drawn. A stream whose encoder is the
limit never fills the window and yields no samples, so it cannot pass for a slow link;
nor can a viewer whose own CPU is the limit: on a loaded two-core machine
(bench/screen.py) its late acks had Automatic switch 1080p video to VP8, ~45 ms of
agent CPU per frame against JPEG's ~6 (bench/screen_cpu.py with an 80 ms ack).
"""

from __future__ import annotations

from collections import OrderedDict, deque

from lifeline.agent.encode.constants import (
    ACK_TIMEOUT_S,
    JPEG_QUALITY_MAX,
    JPEG_QUALITY_MIN,
    LAG_GOOD_MS,
    MAX_LAG_COMPENSATION_MS,
    MAX_UNACKED_FRAMES,
    RTT_SMOOTHING,
    VIDEO_LINK_SAMPLE_MAX_AGE_S,
    VIDEO_QUANTIZER_BEST,
    VIDEO_QUANTIZER_RESTART_STEPS,
    VIDEO_QUANTIZER_WORST,
)

__all__ = ["LinkRate", "Pacer"]

MS_PER_S = 1000.0


class LinkRate:
    """Delivery rate (bytes/s) of the screen stream over the link-limited periods of the last
    VIDEO_LINK_SAMPLE_MAX_AGE_S; None when there were none (idle, encoder-bound, or fitting)."""

    def __init__(self, max_age_s: float = VIDEO_LINK_SAMPLE_MAX_AGE_S) -> None:
        self.max_age_s = max_age_s
        #: (ack time, bytes delivered, seconds they took) per link-limited ack.
        self._samples: deque[tuple[float, int, float]] = deque()

    def add(self, now: float, size: int, seconds: float) -> None:
        if seconds > 0:
            self._samples.append((now, size, seconds))

    def bytes_per_s(self, now: float) -> float | None:
        """Bytes over seconds of the recent samples: a byte-weighted mean, so one tiny update
        acknowledged quickly cannot outweigh the full frames around it."""
        while self._samples and now - self._samples[0][0] > self.max_age_s:
            self._samples.popleft()
        if not self._samples:
            return None
        return sum(size for _, size, _ in self._samples) / sum(seconds for _, _, seconds in self._samples)

    def clear(self) -> None:
        self._samples.clear()


class Pacer:
    """Decides *when* the encoder may send and *how good* JPEG should be.

    >>> pacer = Pacer()
    >>> if pacer.can_send(now):
    ...     pacer.sent(seq, now, len(data))
    >>> pacer.acked(seq, later)         # on {"type": "ack", "seq": seq}
    >>> pacer.jpeg_quality(), pacer.link.bytes_per_s(later)
    """

    def __init__(self, max_unacked: int = MAX_UNACKED_FRAMES) -> None:
        self.max_unacked = max_unacked
        #: seq -> (sent at, bytes), oldest first.
        self._in_flight: OrderedDict[int, tuple[float, int]] = OrderedDict()
        self.rtt_ms: float | None = None
        self.max_fps: int | None = None
        self.fixed_quality: int | None = None
        self.link = LinkRate()
        self._last_sent_at: float | None = None
        self._last_acked_at: float | None = None
        #: An update waited for the full window since the last ack: the link was the limit.
        self._window_blocked = False

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def window_open(self) -> bool:
        """True when the ack window has room; False also notes that an update waits for it (the link is the limit)."""
        if len(self._in_flight) >= self.max_unacked:
            self._window_blocked = True
            return False
        return True

    def can_send(self, now: float) -> bool:
        """True when the window has room and the viewer's fps cap allows a frame now."""
        if not self.window_open():
            return False
        if self.max_fps is not None and self._last_sent_at is not None:
            return now - self._last_sent_at >= 1.0 / self.max_fps
        return True

    def expire(self, now: float) -> bool:
        """Forget updates unacked for ACK_TIMEOUT_S; True if any were (send a full frame next)."""
        stale = [seq for seq, (at, _) in self._in_flight.items() if now - at > ACK_TIMEOUT_S]
        for seq in stale:
            del self._in_flight[seq]
        return bool(stale)

    def sent(self, seq: int, now: float, size: int) -> None:
        """Update ``seq`` of ``size`` bytes went out at ``now``."""
        self._in_flight[seq] = (now, size)
        self._last_sent_at = now

    def acked(self, seq: int, now: float, viewer_s: float = 0.0) -> float | None:
        """Record a cumulative ack; return the RTT sample in ms, or None for an unknown seq.

        ``viewer_s``: how long the viewer held the update from its arrival until drawn (the
        ack's ``draw_ms``). The link-rate sample leaves it out: a viewer slowed by its own CPU
        acknowledges late over a fast link, and was taken for a slow one.
        """
        entry = self._in_flight.get(seq)
        if entry is None:
            return None
        sent_at = entry[0]
        done = [s for s in self._in_flight if s <= seq]
        first_sent_at = self._in_flight[done[0]][0]
        delivered = sum(self._in_flight.pop(s)[1] for s in done)
        if self._window_blocked:
            began = first_sent_at if self._last_acked_at is None else max(first_sent_at, self._last_acked_at)
            self.link.add(now, delivered, now - began - viewer_s)
        self._window_blocked = False
        self._last_acked_at = now
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
        self._last_acked_at = None
        self._window_blocked = False
        self.rtt_ms = None
        self.link.clear()
