"""The X root window's wallpaper: swapped for a solid colour, then restored.

X cannot read a window's background back, so only wallpapers published by
the ``_XROOTPMAP_ID`` / ``ESETROOT_PMAP_ID`` convention (feh, nitrogen,
Esetroot, hsetroot, xwallpaper, most window managers' wallpaper tools) can be
put back; with neither property set the root is left alone rather than
lose a background set some other way (``xsetroot -bitmap``).

``apply`` keeps the pixmap ids in ``_LIFELINE_SAVED_WALLPAPER`` on the root
window before changing anything; so if the agent is killed mid-session, the
next agent on that display restores the wallpaper when it starts. The
pixmaps themselves outlive their creator (these tools set close-down mode
RetainPermanent), and a pixmap that has meanwhile been freed is not used.
"""

from __future__ import annotations

import logging

from Xlib import X, Xatom, display, error

__all__ = ["PLAIN_RGB", "SAVED_PROPERTY", "WALLPAPER_PROPERTIES", "RootWallpaper"]

log = logging.getLogger(__name__)

#: The properties wallpaper setters publish the root background pixmap in (and that
#: pseudo-transparent terminals and compositors read), in the order they are trusted.
WALLPAPER_PROPERTIES = ("_XROOTPMAP_ID", "ESETROOT_PMAP_ID")
#: Where the replaced pixmap ids are kept until restored (CARDINAL[2], 0 = absent).
SAVED_PROPERTY = "_LIFELINE_SAVED_WALLPAPER"
#: The plain background: a dark slate that reads as "desktop" and compresses to one FILL.
PLAIN_RGB = (0x2E, 0x3A, 0x46)
_COLOR_SCALE = 257  # 8-bit channel -> X's 16-bit colour channel


class RootWallpaper:
    """The root background of the default screen of one X display."""

    name = "X root wallpaper"

    def __init__(self, display_name: str | None = None, *, connection: display.Display | None = None) -> None:
        """Open ``display_name`` (or use ``connection``, which this then owns: tests pass a scripted root)."""
        self._d = connection if connection is not None else display.Display(display_name)
        self._root = self._d.screen().root
        self._atoms = {n: self._d.intern_atom(n) for n in (*WALLPAPER_PROPERTIES, SAVED_PROPERTY)}
        if self._read_saved() is not None:
            log.info("a previous agent left the wallpaper plain; restoring it")
            self.restore()

    def apply(self) -> None:
        ids = [self._pixmap_in(name) for name in WALLPAPER_PROPERTIES]
        if not any(ids):
            log.info("no _XROOTPMAP_ID/ESETROOT_PMAP_ID on the root: its background is left as it is")
            return
        self._root.change_property(self._atoms[SAVED_PROPERTY], Xatom.CARDINAL, 32, ids)
        r, g, b = (c * _COLOR_SCALE for c in PLAIN_RGB)
        pixel = self._d.screen().default_colormap.alloc_color(r, g, b).pixel
        self._root.change_attributes(background_pixel=pixel)
        for name in WALLPAPER_PROPERTIES:
            self._root.delete_property(self._atoms[name])
        self._root.clear_area()
        self._d.sync()

    def restore(self) -> None:
        saved = self._read_saved()
        if saved is None:
            return
        # Only pixmaps that still exist are published again: Esetroot-style setters XKillClient the id
        # they find in ESETROOT_PMAP_ID, and a stale id may by now belong to an unrelated client.
        alive = [p if p and self._exists(p) else 0 for p in saved]
        pixmap = next((p for p in alive if p), 0)
        if pixmap:
            self._root.change_attributes(background_pixmap=pixmap)
            for name, value in zip(WALLPAPER_PROPERTIES, alive, strict=True):
                if value:
                    self._root.change_property(self._atoms[name], Xatom.PIXMAP, 32, [value])
        else:
            log.info("the saved wallpaper pixmap is gone; the root gets the server's default background")
            self._root.change_attributes(background_pixmap=X.NONE)
        self._root.delete_property(self._atoms[SAVED_PROPERTY])
        self._root.clear_area()
        self._d.sync()

    def close(self) -> None:
        self._d.close()

    def _pixmap_in(self, name: str) -> int:
        prop = self._root.get_full_property(self._atoms[name], X.AnyPropertyType)
        return int(prop.value[0]) if prop is not None and len(prop.value) else 0

    def _read_saved(self) -> list[int] | None:
        prop = self._root.get_full_property(self._atoms[SAVED_PROPERTY], Xatom.CARDINAL)
        if prop is None or len(prop.value) != len(WALLPAPER_PROPERTIES):
            return None
        return [int(v) for v in prop.value]

    def _exists(self, pixmap: int) -> bool:
        try:
            self._d.create_resource_object("pixmap", pixmap).get_geometry()
        except error.XError:
            return False
        return True
