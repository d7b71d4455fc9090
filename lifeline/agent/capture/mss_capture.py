"""Capture with mss, which grabs the screen on X11 (MIT-SHM), Windows (GDI) and macOS (Quartz).

One class for every platform: mss hands out BGRA everywhere, so only the
constructor's options and the wording of errors differ (``X11Capture`` adds
the display name and the X-specific hints). mss lists the union of all
monitors at index 0; Lifeline numbers only the physical ones, from 0.
"""

from __future__ import annotations

import threading
from typing import Any

import mss
import mss.exception
import numpy as np

from lifeline.agent.capture.base import Capture, CaptureError, Frame, Monitor

__all__ = ["MssCapture"]

BYTES_PER_PIXEL = 4  # BGRA


class MssCapture(Capture):
    """Capture of the local screens; ``options`` are passed to ``mss.MSS`` (only options this platform takes).

    mss keeps per-thread resources, so one instance must be used from the
    thread that created it; the lock only guards against accidental sharing.
    """

    #: Added to grab errors: how to fix the platform's usual cause.
    grab_hint = ""

    def __init__(self, **options: Any) -> None:
        try:
            self._sct = mss.MSS(**options)
        except mss.exception.ScreenShotError as exc:
            raise CaptureError(f"cannot open the screen ({self.describe(options)}): {exc}") from exc
        self._lock = threading.Lock()

    @staticmethod
    def describe(options: dict[str, Any]) -> str:
        return "local screen"

    def monitors(self) -> list[Monitor]:
        with self._lock:
            raw = self._sct.monitors[1:]
        return [
            Monitor(i, m["left"], m["top"], m["width"], m["height"], bool(m.get("is_primary", i == 0)))
            for i, m in enumerate(raw)
        ]

    def grab(self, monitor: Monitor) -> Frame:
        return self.grab_area(monitor, 0, 0, monitor.width, monitor.height)

    def grab_area(self, monitor: Monitor, x: int, y: int, width: int, height: int) -> Frame:
        """mss reads just this rectangle: ~0.05 ms for a typed character vs ~2 ms for 1080p."""
        region = {"left": monitor.x + x, "top": monitor.y + y, "width": width, "height": height}
        try:
            with self._lock:
                shot = self._sct.grab(region)
        except mss.exception.ScreenShotError as exc:
            raise CaptureError(f"capture of monitor {monitor.index} failed: {exc}{self.grab_hint}") from exc
        frame: Frame = np.frombuffer(shot.raw, dtype=np.uint8).reshape(shot.height, shot.width, BYTES_PER_PIXEL)
        return frame

    def close(self) -> None:
        with self._lock:
            self._sct.close()
