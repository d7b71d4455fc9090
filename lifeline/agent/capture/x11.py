"""X11 capture with mss (MIT-SHM): 1.7 ms for a 1080p frame (ecosystem §6).

Gotchas handled here, all seen on the reference VM:

- ``mss.mss()`` is deprecated in mss 10.2; construct ``mss.MSS()``.
- mss supports only 24- and 32-bit depths; a 16-bit Xvfb (pytest-xvfb's
  default) raises ScreenShotError, translated into CaptureError with the fix.
- ``with_cursor=False``: the viewer draws the pointer itself from ``cursor``
  messages, and XFixes cursor compositing costs ~1 ms per frame.
"""

from __future__ import annotations

from typing import Any

from lifeline.agent.capture.mss_capture import MssCapture

__all__ = ["X11Capture"]


class X11Capture(MssCapture):
    """Capture from an X server (``display`` like ":0"; None uses $DISPLAY)."""

    grab_hint = " (mss needs a 24- or 32-bit display; start Xvfb with -screen 0 WxHx24)"

    def __init__(self, display: str | None = None) -> None:
        super().__init__(display=display, with_cursor=False)

    @staticmethod
    def describe(options: dict[str, Any]) -> str:
        return f"X display {options.get('display') or '$DISPLAY'}"
