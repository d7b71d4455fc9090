"""EXPERIMENTAL Windows and macOS backends: mss capture, pynput input (docs/remote-desktop.md, "Platforms").

What works: capture of every monitor (mss: GDI on Windows, Quartz on
macOS), mouse and keyboard injection (pynput), the pointer position for the
viewer, customer priority from pointer movement. What does not, yet:
clipboard synchronisation (``UnsyncedClipboard`` says so in the agent's log
once), the cursor image (the viewer keeps its arrow), the customer's own
keys for input priority, the Pause/Break hotkey (the indicator's revoke
button works), and wallpaper switching.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from lifeline.agent.appearance import Appearance
from lifeline.agent.backends import Backends
from lifeline.agent.capture.mss_capture import MssCapture
from lifeline.agent.cursor.base import CursorImage, CursorSource
from lifeline.agent.input.pynput_input import PynputInput
from lifeline.agent.priority import PolledActivity, Snapshot

__all__ = ["PointerCursor", "PointerProbe", "UnsyncedClipboard", "open_desktop"]

log = logging.getLogger(__name__)

_NO_BUTTONS, _NO_KEYS = 0, ()


class UnsyncedClipboard:
    """Clipboard synchronisation is not written for this platform: nothing is read, pastes are dropped."""

    def __init__(self, family: str) -> None:
        self._family = family
        self._warned = False

    def poll_change(self) -> str | None:
        return None

    def set_text(self, text: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning("clipboard synchronisation is not available on %s yet; the technician's text is dropped",
                        self._family)

    def close(self) -> None:
        """Nothing held."""


class PointerProbe:
    """Customer activity from the pointer position alone (keys cannot be polled portably)."""

    def __init__(self, position: Callable[[], tuple[int, int]]) -> None:
        self._position = position

    def read(self) -> Snapshot:
        return self._position(), _NO_BUTTONS, _NO_KEYS

    def close(self) -> None:
        """The injector owns the controller."""


class PointerCursor(CursorSource):
    """The pointer position; no image on these platforms yet (the viewer keeps its arrow)."""

    def __init__(self, position: Callable[[], tuple[int, int]]) -> None:
        self._position = position

    def position(self) -> tuple[int, int]:
        return self._position()

    def changed_shape(self) -> CursorImage | None:
        return None


def open_desktop(family: str) -> Backends:
    injector = PynputInput()
    return Backends(
        family=family,
        capture=MssCapture(),
        injector=injector,
        clipboard=UnsyncedClipboard(family),
        activity=PolledActivity(PointerProbe(injector.pointer)),
        cursor=PointerCursor(injector.pointer),
        appearance=Appearance([]),
        global_hotkey=False,
    )
