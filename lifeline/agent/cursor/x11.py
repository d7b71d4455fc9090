"""The X11 pointer: position by QueryPointer, image by XFixes (GetCursorImage on DisplayCursorNotify).

A connection of its own selects XFixes cursor-change notification on the
root window, so the image (up to 16 kB for 64x64) is fetched only when the
application under the pointer changes it, not every tick. Any event on this
connection is such a notification: it selects nothing else. Without XFixes
(very old servers) the position still works and the viewer keeps its arrow.
"""

from __future__ import annotations

import logging

from Xlib import display, error

from lifeline.agent.cursor.base import CursorImage, CursorSource

__all__ = ["X11Cursor"]

log = logging.getLogger(__name__)

#: XFixesDisplayCursorNotifyMask (xfixes protocol, SelectCursorInput).
DISPLAY_CURSOR_NOTIFY_MASK = 1


class X11Cursor(CursorSource):
    """The pointer of one X display, on a connection of its own (or ``connection``, which it then owns).

    ``connection`` exists so the notification and conversion logic can be
    tested with a scripted display instead of an X server.
    """

    def __init__(self, display_name: str | None = None, *, connection: display.Display | None = None) -> None:
        self._d = connection if connection is not None else display.Display(display_name)
        self._root = self._d.screen().root
        self._xfixes = self._d.has_extension("XFIXES")
        self._first = True
        if self._xfixes:
            self._d.xfixes_query_version()
            self._d.xfixes_select_cursor_input(self._root, DISPLAY_CURSOR_NOTIFY_MASK)
            self._d.sync()
        else:
            log.info("no XFIXES extension: the viewer shows a default cursor")

    def position(self) -> tuple[int, int]:
        reply = self._root.query_pointer()
        return reply.root_x, reply.root_y

    def changed_shape(self) -> CursorImage | None:
        if not self._xfixes:
            return None
        notified = False
        while self._d.pending_events():
            self._d.next_event()
            notified = True
        if not (notified or self._first):
            return None
        self._first = False
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
