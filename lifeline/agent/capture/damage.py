"""Change detection: which parts of the screen were drawn, and when (X DAMAGE).

Why: the agent used to grab and diff the whole 1080p screen 30 times a
second whether or not anything changed (11 % of a core on a still screen)
and waited up to one 33 ms tick before noticing a change. The X server
knows exactly what was drawn: a DAMAGE object on the root window with
``DamageReportRawRectangles`` reports every drawing request's rectangle as
it happens, like x11vnc's XDAMAGE mode. So the capture loop sleeps until a
report arrives, then grabs and diffs only the reported areas.

- ``DamageTracker`` owns its own X connection and a thread blocked in
  ``select()`` on it (python-xlib connections are not thread-safe, and the
  capture thread must not stall on event reads). Each batch of reports goes
  to a callback as screen-coordinate ``Area`` tuples.
- ``DamageRegion`` accumulates areas between captures (thread-safe), bounded
  to DAMAGE_MAX_AREAS by collapsing into their bounding box.
- ``clock.CaptureClock`` is the asyncio side that the capture loop awaits.

DAMAGE can miss content drawn behind the server's back (GL without
compositing, some video overlays): the capture loop keeps a low-rate full
diff as a safety net, and backends without DAMAGE (other platforms, an X
server without the extension) fall back to polling.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from Xlib import display as xdisplay
from Xlib.error import ConnectionClosedError, DisplayError
from Xlib.ext import damage

from lifeline.agent.capture.base import CaptureError
from lifeline.agent.x11_events import XEventThread

__all__ = ["DAMAGE_MAX_AREAS", "Area", "DamageRegion", "DamageTracker", "bounding_area", "clip_area"]

Area = tuple[int, int, int, int]
"""(x, y, width, height) in screen (root-window) pixels."""

#: Most separate areas kept between two captures. Each is one sub-rectangle
#: grab (~0.05 ms) and one diff; past this many (a scrolling terminal reports
#: several rectangles per line) they collapse into their bounding box, which
#: is one grab of at most the screen (~2 ms for 1080p).
DAMAGE_MAX_AREAS = 32

#: An X event's type byte carries "sent by SendEvent" in its top bit.
EVENT_CODE_MASK = 0x7F


def bounding_area(areas: Iterable[Area]) -> Area:
    """The smallest area containing all of ``areas`` (which must not be empty)."""
    x0 = y0 = 1 << 30
    x1 = y1 = -(1 << 30)
    for x, y, w, h in areas:
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + h)
    return x0, y0, x1 - x0, y1 - y0


def clip_area(area: Area, left: int, top: int, width: int, height: int) -> Area | None:
    """``area`` intersected with the given rectangle, in that rectangle's coordinates; None if disjoint."""
    x, y, w, h = area
    x0, y0 = max(x, left), max(y, top)
    x1, y1 = min(x + w, left + width), min(y + h, top + height)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0 - left, y0 - top, x1 - x0, y1 - y0


class DamageRegion:
    """Damaged areas accumulated between two captures; safe to ``add`` from any thread."""

    def __init__(self, max_areas: int = DAMAGE_MAX_AREAS) -> None:
        self._max_areas = max_areas
        self._lock = threading.Lock()
        self._areas: list[Area] = []

    def add(self, areas: Iterable[Area]) -> None:
        with self._lock:
            for area in areas:
                if area[2] > 0 and area[3] > 0 and not any(_contains(old, area) for old in self._areas):
                    # A scroll reports the cursor and the new line, then the whole copied block:
                    # drop what the new area contains, or it is grabbed and diffed twice.
                    self._areas = [old for old in self._areas if not _contains(area, old)]
                    self._append_joined(area)
            if len(self._areas) > self._max_areas:
                self._areas = [bounding_area(self._areas)]

    def _append_joined(self, area: Area) -> None:
        """Add ``area``, joined with any kept area it continues along a whole edge (their union is exact).

        A typed character damages its glyph cell and then the cursor's, side by
        side: one area is one grab (~0.15 ms of Python per XShm request) instead of two.
        """
        joined = True
        while joined:
            joined = False
            for i, old in enumerate(self._areas):
                if _adjacent(old, area):
                    area = bounding_area([old, area])
                    del self._areas[i]
                    joined = True
                    break
        self._areas.append(area)

    def take(self) -> list[Area]:
        """Everything damaged since the last ``take``; the region is then empty."""
        with self._lock:
            areas, self._areas = self._areas, []
        return areas

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._areas)


def _adjacent(a: Area, b: Area) -> bool:
    """True when ``a`` and ``b`` touch along a whole common edge, so their bounding area is their union."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    beside = ay == by and ah == bh and (ax + aw == bx or bx + bw == ax)
    stacked = ax == bx and aw == bw and (ay + ah == by or by + bh == ay)
    return beside or stacked


def _contains(outer: Area, inner: Area) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


class DamageTracker:
    """Reports every drawing on an X screen to ``on_damage`` (called on the tracker's thread).

    >>> tracker = DamageTracker(":0", region.add)
    >>> tracker.close()

    Raises CaptureError when the display cannot be opened or lacks DAMAGE.
    """

    def __init__(self, display_name: str | None, on_damage: Callable[[list[Area]], None]) -> None:
        try:
            self._display = xdisplay.Display(display_name)
        except (DisplayError, ConnectionClosedError, OSError) as exc:
            name = display_name or "$DISPLAY"
            raise CaptureError(f"cannot open X display {name} for DAMAGE: {exc}") from exc
        if not self._display.has_extension(damage.extname):
            self._display.close()
            raise CaptureError("the X server has no DAMAGE extension; capture falls back to polling")
        self._display.damage_query_version()  # the protocol requires version negotiation first
        # python-xlib registers a *copy* of damage.DamageNotify per display, so events are
        # recognised by their code, not by isinstance.
        damage_ext = self._display.query_extension(damage.extname)
        assert damage_ext is not None  # has_extension said so
        first_event = damage_ext.first_event
        self._notify_code = first_event + damage.DamageNotifyCode
        root = self._display.screen().root
        self._damage = root.damage_create(damage.DamageReportRawRectangles)
        self._display.flush()
        self._on_damage = on_damage
        self._pending: list[Area] = []
        self._events: XEventThread | None = XEventThread(self._display, self._collect, "lifeline-damage",
                                                         after_batch=self._report)

    def close(self) -> None:
        """Stop the thread and release the X connection (idempotent)."""
        if self._events is None:
            return
        self._events.stop()
        self._events = None
        try:
            self._display.close()
        except (ConnectionClosedError, OSError):
            pass

    def _collect(self, event: Any) -> None:
        if event.type & EVENT_CODE_MASK == self._notify_code:
            area = event.area
            self._pending.append((area.x, area.y, area.width, area.height))

    def _report(self) -> None:
        """One call per burst of reports (the thread's batch), not one per drawing request."""
        if self._pending:
            areas, self._pending = self._pending, []
            self._on_damage(areas)
