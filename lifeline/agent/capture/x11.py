"""X11 capture with mss (MIT-SHM): 1.7 ms for a 1080p frame (ecosystem §6).

Gotchas handled here, all seen on the reference VM:

- ``mss.mss()`` is deprecated in mss 10.2; construct ``mss.MSS()``.
- mss supports only 24- and 32-bit depths; a 16-bit Xvfb (pytest-xvfb's
  default) raises ScreenShotError, translated into CaptureError with the fix.
- ``with_cursor=False``: the viewer draws the pointer itself from ``cursor``
  messages, and XFixes cursor compositing costs ~1 ms per frame.
- mss lists the union of all monitors at index 0; Lifeline numbers only the
  physical ones, from 0.
"""

from __future__ import annotations

import threading

import mss
import mss.exception
import numpy as np

from lifeline.agent.capture.base import Capture, CaptureError, Frame, Monitor

__all__ = ["X11Capture"]

BYTES_PER_PIXEL = 4  # BGRA


class X11Capture(Capture):
    """Capture from an X server (``display`` like ":0"; None uses $DISPLAY).

    mss keeps per-thread X resources, so one instance must be used from the
    thread that created it; the lock only guards against accidental sharing.
    """

    def __init__(self, display: str | None = None) -> None:
        try:
            self._sct = mss.MSS(display=display, with_cursor=False)
        except mss.exception.ScreenShotError as exc:
            raise CaptureError(f"cannot open X display {display or '$DISPLAY'}: {exc}") from exc
        self._lock = threading.Lock()

    def monitors(self) -> list[Monitor]:
        with self._lock:
            raw = self._sct.monitors[1:]
        return [
            Monitor(i, m["left"], m["top"], m["width"], m["height"], bool(m.get("is_primary", i == 0)))
            for i, m in enumerate(raw)
        ]

    def grab(self, monitor: Monitor) -> Frame:
        region = {"left": monitor.x, "top": monitor.y, "width": monitor.width, "height": monitor.height}
        try:
            with self._lock:
                shot = self._sct.grab(region)
        except mss.exception.ScreenShotError as exc:
            raise CaptureError(
                f"capture of monitor {monitor.index} failed: {exc} (mss needs a 24- or 32-bit display; "
                "start Xvfb with -screen 0 WxHx24)"
            ) from exc
        frame: Frame = np.frombuffer(shot.raw, dtype=np.uint8).reshape(shot.height, shot.width, BYTES_PER_PIXEL)
        return frame

    def close(self) -> None:
        with self._lock:
            self._sct.close()
