"""Monitor selection and the in-memory capture double (lifeline/agent/capture/base.py)."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.agent.capture import CaptureError, Monitor, select_monitor
from lifeline.agent.capture.base import MemoryCapture


def test_default_is_the_primary_monitor_else_the_first() -> None:
    a, b = Monitor(0, 0, 0, 10, 10), Monitor(1, 10, 0, 10, 10, primary=True)
    assert select_monitor([a, b], None) == b
    assert select_monitor([a], None) == a


def test_unknown_monitor_is_an_error_naming_the_choices() -> None:
    with pytest.raises(CaptureError, match=r"no monitor 3; have \[0\]"):
        select_monitor([Monitor(0, 0, 0, 10, 10)], 3)


def test_memory_capture_lays_monitors_side_by_side_and_returns_copies() -> None:
    frame = np.zeros((4, 6, 4), dtype=np.uint8)
    capture = MemoryCapture({0: frame, 1: frame})
    monitors = capture.monitors()
    assert [(m.x, m.width, m.primary) for m in monitors] == [(0, 6, True), (6, 6, False)]
    grabbed = capture.grab(monitors[1])
    grabbed[0, 0, 0] = 9
    assert frame[0, 0, 0] == 0
    assert monitors[0].as_message() == {"index": 0, "x": 0, "y": 0, "width": 6, "height": 4, "primary": True}
