"""The X11 backends (Linux, BSD): mss capture, XTest input, X selections, XFixes cursor, root wallpaper."""

from __future__ import annotations

import os

from Xlib import display

from lifeline.agent.appearance import Appearance
from lifeline.agent.appearance.desktop_settings import desktop_tweaks
from lifeline.agent.appearance.x11_root import RootWallpaper
from lifeline.agent.backends import X11, Backends
from lifeline.agent.capture.x11 import X11Capture
from lifeline.agent.clipboard import X11Clipboard
from lifeline.agent.cursor.x11 import X11Cursor
from lifeline.agent.input.x11 import X11Input
from lifeline.agent.priority import Snapshot

__all__ = ["X11ActivityProbe", "open_x11"]

_BUTTON_MASK = 0x1F00  # Button1Mask..Button5Mask in the core protocol's state field


class X11ActivityProbe:
    """Pointer, buttons and keys of one X display (``QueryPointer`` + ``QueryKeymap``, ~0.3 ms each)."""

    def __init__(self, display_name: str | None) -> None:
        self._d = display.Display(display_name)
        self._root = self._d.screen().root

    def read(self) -> Snapshot:
        reply = self._root.query_pointer()
        keymap = tuple(self._d.query_keymap())
        return (reply.root_x, reply.root_y), reply.mask & _BUTTON_MASK, keymap

    def close(self) -> None:
        self._d.close()


def open_x11(display_name: str | None) -> Backends:
    return Backends(
        family=X11,
        capture=X11Capture(display_name),
        injector=X11Input(display_name),
        clipboard=X11Clipboard(display_name),
        activity=X11ActivityProbe(display_name),
        cursor=X11Cursor(display_name),
        appearance=Appearance([RootWallpaper(display_name), *desktop_tweaks(os.environ)]),
        global_hotkey=True,
    )
