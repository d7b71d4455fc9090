"""The X11 backends (Linux, BSD): mss capture, XTest input, X selections, XFixes cursor, root wallpaper.

Customer input, pointer motion, cursor and clipboard changes are reported by
the X server as events (input/x11_watch.py, clipboard.py), so an idle
desktop costs no polling; the server needs XInput2 (every X.Org server
since 1.7, Xvfb, Xvnc) and XFIXES.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from lifeline.agent.appearance import Appearance
from lifeline.agent.appearance.desktop_settings import desktop_tweaks
from lifeline.agent.appearance.x11_root import RootWallpaper
from lifeline.agent.backends import X11, Backends
from lifeline.agent.capture.x11 import X11Capture
from lifeline.agent.clipboard import X11Clipboard
from lifeline.agent.cursor.x11 import X11Cursor
from lifeline.agent.input.x11 import X11Input
from lifeline.agent.input.x11_watch import X11InputWatch

__all__ = ["open_x11"]


def open_x11(display_name: str | None, on_change: Callable[[], None]) -> Backends:
    watch = X11InputWatch(display_name, on_change)
    return Backends(
        family=X11,
        capture=X11Capture(display_name),
        injector=X11Input(display_name),
        clipboard=X11Clipboard(display_name, on_change=on_change),
        activity=watch,
        cursor=X11Cursor(display_name, watch),
        appearance=Appearance([RootWallpaper(display_name), *desktop_tweaks(os.environ)]),
        global_hotkey=True,
    )
