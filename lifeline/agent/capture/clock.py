"""When the capture loop runs, and what it must grab: change-driven with X DAMAGE, polling without.

Why: a fixed 30 Hz tick cost 0-33 ms (16 ms on average) of latency before any
encoding and grabbed the whole screen 30 times a second on a still desktop
(bench/screen.py, docs/performance.md "Screen"). With DAMAGE the loop sleeps
until the X server reports drawing, waits DAMAGE_SETTLE_S so that one burst
of drawing (a glyph, then the cursor) becomes one update, and grabs only the
damaged areas. Without DAMAGE (other platforms, an X server without the
extension) it polls the whole screen every POLL_S, as before.

The loop is also woken by ``poke()``: an ack that reopens a full window, a
refresh request or a new viewer must not wait for the next damage; and by
``notify()``: a backend saw the pointer move, the cursor image or the
clipboard change (X11 reports these as events), so the next poll has news.
A still desktop with a viewer connected therefore wakes the loop once a
second (an encoder tick without any grab, see ENCODER_TICK_S), and grabs the
whole screen every SAFETY_REFRESH_S.

Nothing is grabbed while no encoder may send (every viewer's ack window is
full): the damage stays in the region, drawing no longer wakes the loop, and
the ack that reopens a window does (``window_opened``). Grabbing and diffing
each repaint of a 60 Hz full-screen animation that the encoders then
dropped cost ~4 ms of CPU per update sent when the viewer acked slowly
(bench/screen_cpu.py, ``--ack-ms 70``). An ack that opens a window over no
waiting change wakes nothing: while typing, each keystroke's ack used to
cost a loop pass that found nothing to send.

Under continuous change (full-screen motion, a video, a scrolling terminal)
captures are capped at ``max_fps`` a second (DEFAULT_MAX_FPS, the agent's
``--max-fps``), on a fixed schedule: drawing, and an ack over waiting
changes, wait for the next slot. An isolated change is not delayed (its slot
has long passed), nor is a refresh request or a new viewer (``poke``).
Why a cap, and not "as fast as the viewer acks": each capture costs the
customer's CPU and the link's bytes, and above ~30 frames a second motion
does not look smoother to a technician doing support work; uncapped, a
1080p pan painted 47 fps and cost the agent 36 % of a core where the
reference server (x11vnc) paints 13-15 fps (docs/performance.md, "Screen").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from lifeline.agent.capture.base import CaptureError
from lifeline.agent.capture.damage import Area, DamageRegion, DamageTracker

__all__ = ["DAMAGE_SETTLE_S", "DEFAULT_MAX_FPS", "ENCODER_TICK_S", "HOUSEKEEPING_S", "PACE_SLACK", "POLL_S",
           "SAFETY_REFRESH_S", "CaptureClock"]

log = logging.getLogger(__name__)

#: Shortest time (s) between two polls of the pointer, cursor, clipboard and
#: customer input: at most 30 cursor messages a second for a moving pointer,
#: one per frame. Backends that report changes (X11) are polled only after a
#: report; the others (pynput, and the screen without DAMAGE) every POLL_S
#: while a viewer is connected, also while its consent prompt is up, so that
#: the customer's own clicks start priority.py's window when they happen.
POLL_S = 1 / 30

#: While a viewer is live, the loop polls at least this often (s) even with
#: no news: the injector must release the keys a silent viewer left held
#: (input/base.py, INPUT_SILENCE_RELEASE_S), and warps are re-read
#: (cursor/x11.py). It coincides with ENCODER_TICK_S, so it adds no wake-up.
HOUSEKEEPING_S = 1.0

#: With DAMAGE and nothing drawn, the encoders still get a call this often (s),
#: without any grab: JPEG regions that have settled get their lossless
#: refresh then (encode/constants.py, LOSSLESS_REFRESH_AFTER_S, also 1 s).
ENCODER_TICK_S = 1.0

#: With DAMAGE, the whole screen is still grabbed and diffed this often (s):
#: a safety net for drawing the server does not report (hardware video
#: overlays, legacy direct rendering). The server reports everything drawn
#: through it, Present/DRI3 buffers included, so the net is slow: once a
#: second it was ~4 ms of a 1080p grab and diff, 0.36 % of a core, 40 % of
#: an idle agent's CPU with a viewer connected.
SAFETY_REFRESH_S = 5.0

#: After the first damage report, wait this long (s) before grabbing so that
#: the rest of the burst lands in the same update: xterm draws a typed glyph
#: and then the cursor as separate requests, and two updates cost two frame
#: headers. 3 ms is small next to the ~45 ms reference latency target.
DAMAGE_SETTLE_S = 0.003

#: Most captures a second under continuous change (the agent's ``--max-fps``).
#: bench/screen.py's target is >= 30 frames a second painted in the browser
#: under full-screen change at 1080p, and 30 is what commercial remote-support
#: tools deliver. The cap sits above 30 because the bench counts the browser's
#: animation frames (60 Hz) whose canvas changed: an update encoded or decoded
#: late lands in the same animation frame as the next one, so the fps measured
#: is below the updates sent. At 32 the 1080p pan measured 30.5-31.8 fps but the
#: in-place video only 27.7-28.9 on a quiet machine (each 1080p JPEG takes the
#: browser longer to decode); at 38 the video measured 31.5 and the pan 37.6, for
#: ~20 % more agent CPU than at 32 (bench/screen.py --short pair, 11:10 UTC on
#: 2026-11-24, docs/performance.md "Screen"). A scrolling terminal (50 lines/s)
#: is captured at this rate too, a line or two per update (x11vnc's -wait 20
#: polls at most 50 times a second).
DEFAULT_MAX_FPS = 38

#: A capture may come this fraction of an interval late and keep the schedule:
#: the next slot is then still one interval after the missed slot, not after
#: the late capture. Without it every few ms of loop and thread hand-off
#: delay on a busy machine were lost for good, and the rate fell below the cap.
#: Later than that (nothing was drawn, the encoder took long), the schedule
#: restarts from the capture itself.
PACE_SLACK = 0.25

#: A slot counts as reached this early (s): asyncio may fire a timer a hair
#: before its deadline, and a loop pass that found its slot "not yet" would
#: cost a second wake-up for nothing.
PACE_TOLERANCE_S = 0.001


class CaptureClock:
    """Paces the agent's capture loop; every method runs on the asyncio loop except the tracker's callback."""

    def __init__(self, loop: asyncio.AbstractEventLoop, display_name: str | None,
                 max_fps: float | None = None) -> None:
        """``max_fps``: the capture cap under continuous change; None: DEFAULT_MAX_FPS."""
        max_fps = DEFAULT_MAX_FPS if max_fps is None else max_fps
        if max_fps <= 0:
            raise ValueError(f"max_fps must be positive, not {max_fps}")
        self._loop = loop
        self._event = asyncio.Event()
        self._region = DamageRegion()
        self._poked = False
        #: An ack reopened a window over changes an encoder holds: encode them in the next slot.
        self._acked = False
        self._interval = 1.0 / max_fps
        self._last_full = float("-inf")
        self._last_poll = float("-inf")
        #: The next capture slot (see DEFAULT_MAX_FPS, PACE_SLACK), and the one before the last capture.
        self._next_capture = self._slot_before = float("-inf")
        #: The last capture, and the one before it, found nothing to send (``found_nothing``).
        self._nothing_last = self._nothing_before = False
        self._last_encode = float("-inf")
        self._news = False
        #: Something is due but no encoder may send: wait for an ack, not for drawing.
        self._held = False
        self._tracker: DamageTracker | None = None
        try:
            self._tracker = DamageTracker(display_name, self._damaged)
        except CaptureError as exc:
            log.info("change-driven capture off (%s); polling every %.0f ms", exc, POLL_S * 1000)

    @property
    def change_driven(self) -> bool:
        return self._tracker is not None

    def due(self, now: float, ready: Callable[[], bool] = lambda: True) -> tuple[bool, list[Area] | None]:
        """(whether to encode now, the damaged areas; None: grab and diff everything).

        Everything is due without DAMAGE and every SAFETY_REFRESH_S with it;
        otherwise when the loop was poked, when something was damaged or acked
        and its capture slot has come (DEFAULT_MAX_FPS), or when the encoders
        have not run for ENCODER_TICK_S (then with no areas: no grab; damage
        before its slot stays for the slot). ``ready``: asked only when
        something is due; False (no encoder may send now) keeps the damage for
        later and holds the loop until ``window_opened``.
        """
        poked, self._poked = self._poked, False
        full = self._tracker is None or now - self._last_full >= SAFETY_REFRESH_S
        in_slot = poked or now >= self._next_capture - PACE_TOLERANCE_S
        changed = in_slot and (bool(self._region) or self._acked)
        if not (full or changed or poked or now - self._last_encode >= ENCODER_TICK_S):
            return False, []
        self._held = not ready()
        if self._held:
            return False, []
        self._last_encode = now
        if full:
            self._last_full = now
            self._captured(now)
            self._region.take()
            return True, None
        if not in_slot:
            return True, []
        if changed:
            self._captured(now)
        return True, self._region.take()

    def _captured(self, now: float) -> None:
        """A capture ran at ``now``: book the next slot, on schedule unless this one was late (PACE_SLACK).

        Wakes already set by damage it takes (or by the ack it serves) are void: without this,
        drawing during the slot's sleep woke the loop again right after the capture, for nothing.
        A backend's news still gets its poll (``timeout`` keeps a deadline for it).
        """
        self._event.clear()
        self._acked = False
        self._slot_before = self._next_capture
        self._nothing_before, self._nothing_last = self._nothing_last, False
        late = now - self._next_capture
        on_schedule = 0 <= late <= PACE_SLACK * self._interval  # early: a poke's capture, counted from itself
        self._next_capture = (self._next_capture if on_schedule else now) + self._interval

    def found_nothing(self) -> None:
        """The last capture found nothing to send (what was drawn equals what the viewers have): its slot
        is not spent, the next drawing may be captured at once.

        The cap limits frames sent, not grabs: content that repeats itself (a blinking cursor
        redrawn, bench/screen.py's video turning at the end of its ping-pong) would otherwise
        lose a frame of the cap for each repeat, ~2.5 of 32 a second on that video. Only once
        in a row: a program that keeps redrawing the same pixels 60 times a second would
        otherwise be grabbed and diffed at that rate instead of the cap's.
        """
        self._nothing_last = True
        if not self._nothing_before:
            self._next_capture = self._slot_before

    @property
    def held(self) -> bool:
        """True while something is due that no encoder may send yet (see ``due``)."""
        return self._held

    def poll_due(self, now: float, *, polling: bool, watching: bool) -> bool:
        """True at most every POLL_S: time to poll the pointer, cursor, clipboard and customer input.

        ``polling``: the platform must be polled (PolledActivity) and someone
        watches or is being asked; then every POLL_S. ``watching``: a viewer is
        live; then after a backend's ``notify()``, and every HOUSEKEEPING_S.
        News that arrives while nobody watches waits for the next viewer.
        Never on a damage wake alone: drawing says nothing about the pointer.
        """
        if now - self._last_poll < POLL_S:
            return False
        if not (polling or (watching and (self._news or now - self._last_poll >= HOUSEKEEPING_S))):
            return False
        self._news = False
        self._last_poll = now
        return True

    def discard(self) -> None:
        """Nobody is watching: drop the damage (a new viewer starts with a whole-screen grab)."""
        self._region.take()
        self._acked = False

    def poke(self) -> None:
        """Run the loop now (a viewer asked for a refresh, joined, or changed its settings)."""
        self._poked = True
        self._held = False
        self._event.set()

    def window_opened(self, waiting: bool) -> None:
        """An ack may have reopened a viewer's window: run the loop if a change waits for it.

        ``waiting``: that viewer's encoder holds changes it has not sent. Otherwise
        only a held loop (damage kept while every window was full) has work. Either
        waits for its capture slot, as drawing does: under continuous change acks
        come back faster than the cap, and they used to trigger a capture each.
        """
        if waiting or self._held:
            self._acked = waiting
            self._held = False
            self._event.set()

    def notify(self) -> None:
        """Thread-safe: a backend has news for the next poll (the pointer moved, the cursor or clipboard changed).

        Only the first report before a poll wakes the loop; the rest cost nothing.
        """
        if not self._news:
            self._news = True
            self._loop.call_soon_threadsafe(self._event.set)

    def timeout(self, now: float, *, polling: bool, watching: bool) -> float | None:
        """How long ``wait`` may sleep (s) if nothing wakes it; None: until woken."""
        deadlines: list[float] = []
        if polling:
            deadlines.append(self._last_poll + POLL_S)
        if watching:
            poll_interval = POLL_S if self._news else HOUSEKEEPING_S
            deadlines.append(self._last_poll + poll_interval)
            if self._held:
                # An ack wakes the loop; this only re-checks for acks that never come
                # (the encoder's ACK_TIMEOUT_S reopens the window then).
                deadlines.append(now + ENCODER_TICK_S)
            elif self._tracker is None:
                deadlines.append(self._last_full + POLL_S)
            else:
                deadlines += [self._last_full + SAFETY_REFRESH_S, self._last_encode + ENCODER_TICK_S]
                if self._region or self._acked:  # changes that wait for their slot
                    deadlines.append(self._next_capture)
        return max(0.0, min(deadlines) - now) if deadlines else None

    async def wait(self, *, polling: bool, watching: bool) -> None:
        """Sleep until damage, an ack, a poke, news, or the next poll or safety refresh due (see ``timeout``);
        after damage or an ack, on until its capture slot."""
        timeout = self.timeout(time.monotonic(), polling=polling, watching=watching)
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return
        self._event.clear()
        if (self._region or self._acked) and not self._poked:
            settle = DAMAGE_SETTLE_S if self._region else 0.0
            await asyncio.sleep(max(settle, self._next_capture - time.monotonic()))

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def _damaged(self, areas: list[Area]) -> None:
        """The tracker's callback, on its thread."""
        self._region.add(areas)
        self._loop.call_soon_threadsafe(self._wake_for_damage)

    def _wake_for_damage(self) -> None:
        """Drawing wakes the loop unless it is held (no encoder could send it now), or a capture took
        the damage before this callback ran: that wake found nothing to do, in about half of the loop
        passes of a full-screen animation (bench/screen_cpu.py pan: 78 such passes to 159 captures)."""
        if not self._held and self._region:
            self._event.set()
