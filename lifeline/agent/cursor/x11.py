"""The X11 pointer: position by QueryPointer, image by XFixes GetCursorImage, read when the server says it changed.

``changes`` (input/x11_watch.py) watches XInput2 raw motion and XFixes
DisplayCursorNotify on its own connection; this source asks the server for
the position after a motion and for the image (up to 16 kB for 64x64) only
after a cursor change. A pointer *warp* (XWarpPointer: ``xdotool
mousemove``, some applications and window managers) makes no raw event, so
the position is also re-read when the last read is WARP_RECHECK_S old: the
capture loop polls at least once a second while a viewer watches
(capture/clock.py, HOUSEKEEPING_S), so a still pointer costs one round trip
(~0.2 ms) a second instead of thirty.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from Xlib import display, error

from lifeline.agent.cursor.base import CursorImage, CursorSource

__all__ = ["CursorChanges", "X11Cursor"]

log = logging.getLogger(__name__)

#: Re-read a pointer with no reported motion when the last read is this old (s): half the
#: loop's HOUSEKEEPING_S, so that every housekeeping poll re-reads whatever its timing jitter.
WARP_RECHECK_S = 0.5


class CursorChanges(Protocol):
    """Tells whether the pointer moved or its image changed since the last question (thread-safe)."""

    #: False when the server cannot report image changes (no XFIXES): the viewer keeps its arrow.
    cursor_notify: bool

    def take_motion(self) -> bool: ...

    def take_shape_change(self) -> bool: ...


class X11Cursor(CursorSource):
    """The pointer of one X display, on a connection of its own (or ``connection``, which it then owns).

    ``connection`` and ``clock`` exist so the logic can be tested with a
    scripted display instead of an X server.
    """

    def __init__(self, display_name: str | None, changes: CursorChanges, *,
                 connection: display.Display | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._d = connection if connection is not None else display.Display(display_name)
        self._root = self._d.screen().root
        self._changes = changes
        self._clock = clock
        self._position = (0, 0)
        self._read_at = float("-inf")
        if changes.cursor_notify:
            self._d.xfixes_query_version()  # XFIXES refuses a client's requests until it negotiated

    def position(self) -> tuple[int, int]:
        now = self._clock()
        if self._changes.take_motion() or now - self._read_at >= WARP_RECHECK_S:
            reply = self._root.query_pointer()
            self._position, self._read_at = (reply.root_x, reply.root_y), now
        return self._position

    def changed_shape(self) -> CursorImage | None:
        if not (self._changes.cursor_notify and self._changes.take_shape_change()):
            return None
        try:
            reply = self._d.xfixes_get_cursor_image(self._root)
        except error.XError as exc:
            log.debug("GetCursorImage failed: %s", exc)
            return None
        if reply.width == 0 or reply.height == 0:
            return None
        return CursorImage.from_premultiplied_argb(reply.width, reply.height, reply.xhot, reply.yhot,
                                                   list(reply.cursor_image), reply.cursor_serial)

    def close(self) -> None:
        self._d.close()
