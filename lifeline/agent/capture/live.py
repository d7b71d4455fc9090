"""The latest picture of each monitor, kept current by grabbing only what was damaged.

Why: with change-driven capture (damage.py) a typed character damages a few
hundred pixels; grabbing and copying the whole 1080p screen for it (~2 ms,
8 MB) is most of the cost of the update. ``LiveScreen`` keeps one
persistent BGRA frame per monitor and patches the damaged areas into it
(``Capture.grab_area``), so encoders see a complete frame plus the list of
areas that may differ from what they last sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from lifeline.agent.capture.base import Capture, Frame, Monitor
from lifeline.agent.capture.damage import Area, clip_area

__all__ = ["LiveScreen"]


class LiveScreen:
    """Per-monitor frames refreshed from damage; every method runs on the capture thread."""

    def __init__(self, capture: Capture) -> None:
        self._capture = capture
        self._frames: dict[int, tuple[Monitor, Frame]] = {}

    def refresh(self, monitor: Monitor, damage: Sequence[Area] | None) -> tuple[Frame, list[Area] | None]:
        """The monitor's current frame and the damaged areas in monitor coordinates.

        ``damage`` is in screen coordinates; None means "unknown" (no DAMAGE, a
        safety refresh, a new viewer): the whole monitor is grabbed and None is
        returned for the areas, telling the encoder to diff everything.
        """
        known = self._frames.get(monitor.index)
        if damage is None or known is None or known[0] != monitor:
            return self._grab_whole(monitor), None
        frame = known[1]
        areas: list[Area] = []
        for area in damage:
            clipped = clip_area(area, monitor.x, monitor.y, monitor.width, monitor.height)
            if clipped is None:
                continue
            x, y, w, h = clipped
            if (w, h) == (monitor.width, monitor.height):
                # The whole monitor (a full-screen animation): keep the new grab instead of
                # copying 8 MB of it into the old frame (~1 ms per 1080p update).
                return self._grab_whole(monitor), [clipped]
            frame[y : y + h, x : x + w] = self._capture.grab_area(monitor, x, y, w, h)
            areas.append(clipped)
        return frame, areas

    def _grab_whole(self, monitor: Monitor) -> Frame:
        """Grab all of ``monitor`` and keep it as its frame."""
        frame = self._capture.grab(monitor)  # caller-owned by the Capture contract: ours to patch
        if not frame.flags.writeable:
            frame = frame.copy()
        self._frames[monitor.index] = (monitor, frame)
        return frame
