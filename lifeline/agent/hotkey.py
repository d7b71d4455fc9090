"""Pause/Break revokes every permission, even when no agent window has focus (spec part1 §15).

A passive grab (XGrabKey) of Pause on the root window, for every modifier
combination, on a display connection of its own, in a daemon thread. X
delivers the key to us instead of the focused application, which is what
"works even when the Applet is not focused" needs.
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable

from Xlib import XK, X, display, error

log = logging.getLogger(__name__)

POLL_S = 0.2  # how quickly stop() is noticed


class RevokeHotkey:
    def __init__(self, display_name: str | None, on_press: Callable[[], None]) -> None:
        self._d = display.Display(display_name)
        self._root = self._d.screen().root
        self._keycode = self._d.keysym_to_keycode(XK.string_to_keysym("Pause"))
        self._on_press = on_press
        self._stop = threading.Event()
        self._root.grab_key(self._keycode, X.AnyModifier, True, X.GrabModeAsync, X.GrabModeAsync)
        self._d.sync()
        self._thread = threading.Thread(target=self._run, name="lifeline-pause-break", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([self._d.fileno()], [], [], POLL_S)
                while readable and self._d.pending_events():
                    event = self._d.next_event()
                    if event.type == X.KeyPress and event.detail == self._keycode:
                        log.info("Pause/Break pressed: revoking every permission")
                        self._on_press()
            except (error.ConnectionClosedError, OSError, ValueError):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2 * POLL_S + 1)
        try:
            self._root.ungrab_key(self._keycode, X.AnyModifier)
            self._d.close()
        except (error.ConnectionClosedError, OSError):
            pass
