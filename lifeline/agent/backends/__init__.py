"""One set of desktop backends per platform, chosen at run time (docs/remote-desktop.md, "Platforms").

``open_backends`` picks by ``sys.platform``: X11 on Linux and the BSDs;
pynput + mss on Windows and macOS (EXPERIMENTAL). Each family's module is
imported only when chosen, so naming the choice never imports a platform
library that is not installed (python-xlib has no use on Windows; pynput
fails to import without a desktop session).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from lifeline.agent.appearance import Appearance
from lifeline.agent.capture.base import Capture
from lifeline.agent.cursor.base import CursorSource
from lifeline.agent.input.base import InputInjector
from lifeline.agent.priority import ActivitySource

__all__ = ["EXPERIMENTAL_FAMILIES", "Backends", "ClipboardBackend", "open_backends", "platform_family"]

X11, WINDOWS, MACOS = "x11", "windows", "macos"
#: Families written and unit-tested but not yet run end to end on the real platform.
EXPERIMENTAL_FAMILIES = frozenset({WINDOWS, MACOS})
_PLATFORM_FAMILY = {"win32": WINDOWS, "cygwin": WINDOWS, "darwin": MACOS}


class ClipboardBackend(Protocol):
    """Clipboard text of the desktop: ``poll_change`` returns new local text once, ``set_text`` replaces it.

    ``poll_change`` must be cheap when nothing changed: the capture loop calls
    it on every poll while someone has control.
    """

    def poll_change(self) -> str | None: ...

    def set_text(self, text: str) -> None: ...

    def close(self) -> None: ...


@dataclass
class Backends:
    """Everything the agent touches on the customer's desktop."""

    family: str
    capture: Capture
    injector: InputInjector
    clipboard: ClipboardBackend
    activity: ActivitySource
    cursor: CursorSource
    appearance: Appearance
    #: Pause/Break can revoke while another application has focus (a global key grab).
    global_hotkey: bool

    def close(self) -> None:
        """Restore the desktop's look, then let go of every connection (input first: it releases held keys)."""
        for part in (self.appearance, self.injector, self.clipboard, self.activity, self.cursor, self.capture):
            part.close()


def platform_family(platform: str | None = None) -> str:
    """"x11", "windows" or "macos" for ``platform`` (default ``sys.platform``, read at call time)."""
    return _PLATFORM_FAMILY.get(platform if platform is not None else sys.platform, X11)


def open_backends(display_name: str | None, on_change: Callable[[], None], platform: str | None = None) -> Backends:
    """Open this machine's backends (``display_name`` is the X display; other platforms ignore it).

    ``on_change`` is called from any thread when a backend has news for the
    capture loop's next poll (the pointer moved, the cursor image or the
    clipboard changed); backends that cannot tell are polled instead.
    """
    family = platform_family(platform)
    if family == X11:
        from lifeline.agent.backends.x11 import open_x11

        return open_x11(display_name, on_change)
    from lifeline.agent.backends.desktop import open_desktop

    return open_desktop(family)
