"""When the capture loop runs, and what it must grab: change-driven with X DAMAGE, polling without.

Why: a fixed 30 Hz tick cost 0-33 ms (16 ms on average) of latency before any
encoding and grabbed the whole screen 30 times a second on a still desktop
(bench/screen.py, docs/performance.md "Screen"). With DAMAGE the loop sleeps
until the X server reports drawing, waits DAMAGE_SETTLE_S so that one burst
of drawing (a glyph, then the cursor) becomes one update, and grabs only the
damaged areas. Without DAMAGE (other platforms, an X server without the
extension) it polls the whole screen every POLL_S, as before.

The loop is also woken by ``poke()``: an ack that reopens a full window, a
refresh request or a new viewer must not wait for the next damage.
"""

from __future__ import annotations

import asyncio
import logging
import time

from lifeline.agent.capture.base import CaptureError
from lifeline.agent.capture.damage import Area, DamageRegion, DamageTracker

__all__ = ["DAMAGE_SETTLE_S", "MIN_CAPTURE_INTERVAL_S", "POLL_S", "SAFETY_REFRESH_S", "CaptureClock"]

log = logging.getLogger(__name__)

#: Pointer, customer-input and (without DAMAGE) screen polling period (s)
#: while a viewer is connected, also while its consent prompt is up, so that
#: the customer's own clicks start priority.py's window when they happen.
#: 33 ms is the old capture tick that priority.py's detection was written
#: for; on its own it costs ~1-2 % of a core (two X round trips per poll),
#: where a whole-screen grab and diff per tick cost 11 %.
POLL_S = 1 / 30

#: With DAMAGE, the whole screen is still grabbed and diffed this often (s):
#: a safety net for drawing the server does not report (GL without
#: compositing, overlays), and when JPEG regions that have settled get their
#: lossless refresh. ~5 ms per second for 1080p: under 1 % of a core.
SAFETY_REFRESH_S = 1.0

#: After the first damage report, wait this long (s) before grabbing so that
#: the rest of the burst lands in the same update: xterm draws a typed glyph
#: and then the cursor as separate requests, and two updates cost two frame
#: headers. 3 ms is small next to the ~45 ms reference latency target.
DAMAGE_SETTLE_S = 0.003

#: Fewest seconds between two damage-driven captures: at most 50 a second.
#: x11vnc (the reference of bench/screen.py) waits 20 ms between polls by
#: default (-wait 20); a terminal scrolling 50 lines/s otherwise woke us for
#: every line and cost twice its CPU. An isolated change is not delayed (the
#: interval has long passed), and 50/s stays above the 30 fps target.
MIN_CAPTURE_INTERVAL_S = 0.02


class CaptureClock:
    """Paces the agent's capture loop; every method runs on the asyncio loop except the tracker's callback."""

    def __init__(self, loop: asyncio.AbstractEventLoop, display_name: str | None) -> None:
        self._loop = loop
        self._event = asyncio.Event()
        self._region = DamageRegion()
        self._poked = False
        self._last_full = float("-inf")
        self._last_poll = float("-inf")
        self._last_capture = float("-inf")
        self._tracker: DamageTracker | None = None
        try:
            self._tracker = DamageTracker(display_name, self._damaged)
        except CaptureError as exc:
            log.info("change-driven capture off (%s); polling every %.0f ms", exc, POLL_S * 1000)

    @property
    def change_driven(self) -> bool:
        return self._tracker is not None

    def due(self, now: float) -> tuple[bool, list[Area] | None]:
        """(whether to encode now, the damaged areas; None: grab and diff everything).

        Everything is due without DAMAGE and every SAFETY_REFRESH_S with it;
        otherwise only when something was damaged or the loop was poked.
        """
        poked, self._poked = self._poked, False
        if self._tracker is None or now - self._last_full >= SAFETY_REFRESH_S:
            self._last_full = self._last_capture = now
            self._region.take()
            return True, None
        areas = self._region.take()
        if areas:
            self._last_capture = now
        return bool(areas) or poked, areas

    def poll_due(self, now: float) -> bool:
        """True at most every POLL_S: time to poll the pointer and the customer's input.

        Not on every damage wake: priority.py counts any pointer move it did not
        inject as the customer's, and polling right after a window manager
        redraws (twm warps the pointer while moving a window) made that race
        lose a technician's drag.
        """
        if now - self._last_poll < POLL_S:
            return False
        self._last_poll = now
        return True

    def discard(self) -> None:
        """Nobody is watching: drop the damage (a new viewer starts with a whole-screen grab)."""
        self._region.take()

    def poke(self) -> None:
        """Run the loop now (an ack reopened the window, a viewer asked for a refresh or joined)."""
        self._poked = True
        self._event.set()

    async def wait(self, *, polling: bool, idle_timeout: float | None) -> None:
        """Sleep until damage, a poke, or a timeout: POLL_S while ``polling`` (someone watches
        or waits for consent), else ``idle_timeout`` (None: until woken; e.g. the clipboard's period)."""
        timeout = POLL_S if polling else idle_timeout
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return
        self._event.clear()
        if self._region and not self._poked:
            since = time.monotonic() - self._last_capture
            await asyncio.sleep(max(DAMAGE_SETTLE_S, MIN_CAPTURE_INTERVAL_S - since))

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def _damaged(self, areas: list[Area]) -> None:
        """The tracker's callback, on its thread."""
        self._region.add(areas)
        self._loop.call_soon_threadsafe(self._event.set)
