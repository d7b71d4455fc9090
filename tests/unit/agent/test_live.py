"""LiveScreen (lifeline/agent/capture/live.py): a whole-monitor damage keeps the new grab itself."""

from __future__ import annotations

import numpy as np

from lifeline.agent.capture.base import MemoryCapture
from lifeline.agent.capture.live import LiveScreen


class CountingCapture(MemoryCapture):
    """MemoryCapture that counts whole grabs and area grabs."""

    def __init__(self, frames: dict[int, np.ndarray]) -> None:
        super().__init__(frames)
        self.grabs = 0
        self.area_grabs = 0

    def grab(self, monitor):  # type: ignore[no-untyped-def]
        self.grabs += 1
        return super().grab(monitor)

    def grab_area(self, monitor, x, y, width, height):  # type: ignore[no-untyped-def]
        self.area_grabs += 1
        return super().grab(monitor)[y : y + height, x : x + width]


def test_damage_covering_the_monitor_replaces_the_frame_with_one_whole_grab() -> None:
    capture = CountingCapture({0: np.zeros((40, 60, 4), dtype=np.uint8)})
    live = LiveScreen(capture)
    monitor = capture.monitors()[0]
    first, _ = live.refresh(monitor, None)
    changed = np.full((40, 60, 4), 5, dtype=np.uint8)
    capture.show(0, changed)
    frame, areas = live.refresh(monitor, [(3, 3, 2, 2), (-10, -10, 100, 100)])
    assert areas == [(0, 0, 60, 40)]  # clipped to the monitor
    assert np.array_equal(frame, changed) and frame is not first  # the new grab itself, not a patched copy
    assert capture.grabs == 2
    again, _ = live.refresh(monitor, [(1, 1, 1, 1)])
    assert again is frame  # later small damage patches the kept frame
