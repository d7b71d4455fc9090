"""Pause/Break revokes every permission, even when no agent window has focus (spec part1 §15).

A passive grab (XGrabKey) of Pause on the root window, for every modifier
combination, on a display connection of its own, in a daemon thread. X
delivers the key to us instead of the focused application, which is what
"works even when the Applet is not focused" needs. The thread blocks on the
connection (x11_events.py): no wake-ups while no key is pressed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from Xlib import XK, X, display, error

from lifeline.agent.x11_events import XEventThread

log = logging.getLogger(__name__)


class RevokeHotkey:
    def __init__(self, display_name: str | None, on_press: Callable[[], None]) -> None:
        self._d = display.Display(display_name)
        self._root = self._d.screen().root
        self._keycode = self._d.keysym_to_keycode(XK.string_to_keysym("Pause"))
        self._on_press = on_press
        self._root.grab_key(self._keycode, X.AnyModifier, True, X.GrabModeAsync, X.GrabModeAsync)
        self._d.sync()
        self._thread = XEventThread(self._d, self._handle, "lifeline-pause-break")

    def _handle(self, event: Any) -> None:
        if event.type == X.KeyPress and event.detail == self._keycode:
            log.info("Pause/Break pressed: revoking every permission")
            self._on_press()

    def stop(self) -> None:
        self._thread.stop()
        try:
            self._root.ungrab_key(self._keycode, X.AnyModifier)
            self._d.close()
        except (error.ConnectionClosedError, OSError):
            pass
