"""Screen capture backends: one per platform behind ``base.Capture``."""

from __future__ import annotations

from lifeline.agent.capture.base import Capture as Capture
from lifeline.agent.capture.base import CaptureError as CaptureError
from lifeline.agent.capture.base import Monitor as Monitor
from lifeline.agent.capture.base import select_monitor as select_monitor

__all__ = ["Capture", "CaptureError", "Monitor", "select_monitor"]
