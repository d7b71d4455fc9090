"""Change detection bookkeeping (lifeline/agent/capture/damage.py, live.py, clock.py) without X."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from lifeline.agent.capture.base import MemoryCapture
from lifeline.agent.capture.clock import ENCODER_TICK_S, SAFETY_REFRESH_S, CaptureClock
from lifeline.agent.capture.damage import DamageRegion, bounding_area, clip_area
from lifeline.agent.capture.live import LiveScreen


@contextmanager
def damage_driven_clock(max_fps: float | None = None) -> Iterator[CaptureClock]:
    """A clock on the running loop that believes DAMAGE is on; no X display is opened."""
    clock = CaptureClock(asyncio.get_running_loop(), ":no-such-display", max_fps=max_fps)
    clock._tracker = object()  # type: ignore[assignment]  # pretend DAMAGE is on
    try:
        yield clock
    finally:
        clock._tracker = None

def test_region_keeps_distinct_areas_drops_contained_ones_and_collapses_past_its_bound() -> None:
    region = DamageRegion(max_areas=3)
    region.add([(0, 0, 10, 10), (2, 2, 3, 3), (50, 50, 1, 1), (0, 0, 0, 5)])
    assert region.take() == [(0, 0, 10, 10), (50, 50, 1, 1)]
    region.add([(2, 2, 3, 3), (60, 0, 1, 1), (0, 0, 10, 10)])  # a later area swallows an earlier one
    assert region.take() == [(60, 0, 1, 1), (0, 0, 10, 10)]
    assert not region and region.take() == []
    region.add([(0, 0, 1, 1), (10, 0, 1, 1), (20, 0, 1, 1), (0, 30, 1, 1)])
    assert region.take() == [(0, 0, 21, 31)]


def test_region_joins_areas_that_continue_each_other_along_a_whole_edge() -> None:
    region = DamageRegion()
    region.add([(15, 3, 6, 13), (21, 3, 6, 13)])  # a typed glyph, then the cursor beside it
    region.add([(15, 16, 12, 13)])  # the line below, same columns
    region.add([(40, 3, 6, 12)])  # not touching: kept apart
    region.add([(27, 4, 6, 13)])  # touching but offset by a row: its union would add pixels
    assert region.take() == [(15, 3, 12, 26), (40, 3, 6, 12), (27, 4, 6, 13)]


def test_area_helpers() -> None:
    assert bounding_area([(5, 5, 2, 2), (1, 8, 1, 1)]) == (1, 5, 6, 4)
    assert clip_area((90, 10, 20, 5), 100, 0, 50, 50) == (0, 10, 10, 5)  # a monitor at x=100
    assert clip_area((0, 0, 10, 10), 100, 0, 50, 50) is None


def test_live_screen_patches_only_damaged_areas_of_its_frame() -> None:
    shown = np.zeros((40, 60, 4), dtype=np.uint8)
    capture = MemoryCapture({0: shown})
    live = LiveScreen(capture)
    monitor = capture.monitors()[0]
    frame, areas = live.refresh(monitor, [(1, 1, 2, 2)])
    assert areas is None and not frame.any()  # first call: whole grab, "diff everything"
    changed = shown.copy()
    changed[5:8, 5:8] = 9
    changed[30:32, 50:52] = 7  # drawn, but not reported as damage
    capture.show(0, changed)
    frame, areas = live.refresh(monitor, [(4, 4, 5, 5), (500, 500, 5, 5)])
    assert areas == [(4, 4, 5, 5)]  # the off-monitor area is dropped
    assert (frame[5:8, 5:8] == 9).all() and not frame[30:32, 50:52].any()
    frame, areas = live.refresh(monitor, None)  # the safety refresh sees everything
    assert areas is None and (frame[30:32, 50:52] == 7).all()


def test_clock_encodes_on_damage_or_poke_and_everything_every_safety_period() -> None:
    async def scenario() -> None:
        clock = CaptureClock(asyncio.get_running_loop(), ":no-such-display")
        assert not clock.change_driven  # no X here: polling fallback, everything every time
        assert clock.due(0.0) == (True, None)
        assert clock.due(0.01) == (True, None)
        clock.close()

        with damage_driven_clock() as clock:
            assert clock.due(0.0) == (True, None)  # the first pass is a safety refresh
            assert clock.due(0.1) == (False, [])  # nothing damaged: sleep
            assert clock.poll_due(0.0, polling=False, watching=True)
            assert clock.timeout(0.1, polling=False, watching=True) == ENCODER_TICK_S - 0.1
            assert clock.due(ENCODER_TICK_S) == (True, [])  # the encoders' tick: no grab
            assert clock.due(ENCODER_TICK_S + 0.01) == (False, [])
            clock._damaged([(1, 2, 3, 4)])
            await clock.wait(polling=False, watching=False)  # woken at once
            assert clock.due(0.2) == (True, [(1, 2, 3, 4)])
            clock.poke()
            assert clock.due(0.3) == (True, [])
            assert clock.due(SAFETY_REFRESH_S + 0.01) == (True, None)

    asyncio.run(scenario())


def test_damage_right_after_a_capture_waits_for_its_slot_and_an_isolated_change_does_not_wait() -> None:
    import time

    from lifeline.agent.capture.clock import DAMAGE_SETTLE_S, DEFAULT_MAX_FPS

    interval = 1 / DEFAULT_MAX_FPS

    async def scenario() -> None:
        with damage_driven_clock() as clock:
            clock.due(time.monotonic())  # the first (safety) capture
            clock._damaged([(0, 0, 1, 1)])
            started = time.monotonic()
            await clock.wait(polling=False, watching=False)
            assert time.monotonic() - started >= interval * 0.9
            assert clock.due(time.monotonic()) == (True, [(0, 0, 1, 1)])
            await asyncio.sleep(interval * 2)  # a change long after the last capture
            clock._damaged([(5, 5, 1, 1)])
            started = time.monotonic()
            await clock.wait(polling=False, watching=False)
            assert time.monotonic() - started < interval * 0.9 or interval <= DAMAGE_SETTLE_S

    asyncio.run(scenario())


def test_captures_under_continuous_change_keep_a_schedule_of_max_fps_slots() -> None:
    from lifeline.agent.capture.clock import PACE_SLACK

    async def scenario() -> None:
        with damage_driven_clock(max_fps=10) as clock:
            assert clock.due(0.0) == (True, None)  # slots at 0.1, 0.2, ...
            clock.poll_due(0.0, polling=False, watching=True)
            clock._damaged([(1, 1, 1, 1)])
            assert clock.due(0.05) == (False, [])  # before its slot: kept
            assert clock.timeout(0.05, polling=False, watching=True) == 0.1 - 0.05
            late = 0.1 + PACE_SLACK * 0.1 * 0.8  # late, but within the slack
            assert clock.due(late) == (True, [(1, 1, 1, 1)])
            clock._damaged([(2, 2, 1, 1)])
            assert clock.due(0.19) == (False, [])  # the schedule holds: the next slot is 0.2, not late + 0.1
            assert clock.due(0.2) == (True, [(2, 2, 1, 1)])
            clock._damaged([(3, 3, 1, 1)])
            assert clock.due(0.5) == (True, [(3, 3, 1, 1)])  # nothing drawn for a while: no catching up after
            clock._damaged([(4, 4, 1, 1)])
            assert clock.due(0.59) == (False, [])
            assert clock.due(0.6) == (True, [(4, 4, 1, 1)])
            clock._damaged([(5, 5, 1, 1)])
            clock.poke()  # a refresh request or a new viewer does not wait for a slot
            assert clock.due(0.61) == (True, [(5, 5, 1, 1)])
            clock._damaged([(8, 8, 1, 1)])  # the next slot counts from the poke's capture
            assert clock.due(0.7) == (False, [])
            clock._last_encode = -1.0  # the encoders' tick comes before the slot: it grabs nothing
            assert clock.due(0.7) == (True, []) and clock._region
            assert clock.due(0.71) == (True, [(8, 8, 1, 1)])

    asyncio.run(scenario())


def test_a_capture_that_found_nothing_gives_its_slot_back_once_in_a_row() -> None:
    async def scenario() -> None:
        with damage_driven_clock(max_fps=10) as clock:
            assert clock.due(0.0) == (True, None)  # slots at 0.1, 0.2, ...
            clock._damaged([(1, 1, 1, 1)])
            assert clock.due(0.1) == (True, [(1, 1, 1, 1)])
            clock.found_nothing()  # drawn again as it was: the slot is not spent
            clock._damaged([(2, 2, 1, 1)])
            assert clock.due(0.12) == (True, [(2, 2, 1, 1)])  # the next drawing is captured at once
            clock.found_nothing()  # the same pixels again: the cap holds from here
            clock._damaged([(3, 3, 1, 1)])
            assert clock.due(0.14) == (False, [])
            assert clock.due(0.2) == (True, [(3, 3, 1, 1)])
            clock.found_nothing()
            clock._damaged([(4, 4, 1, 1)])
            assert clock.due(0.22) == (False, [])  # still redrawn as it was: still capped
            assert clock.due(0.3) == (True, [(4, 4, 1, 1)])  # this one is sent
            clock._damaged([(5, 5, 1, 1)])
            assert clock.due(0.4) == (True, [(5, 5, 1, 1)])
            clock.found_nothing()  # a lone repeat after a frame sent gives its slot back again
            clock._damaged([(6, 6, 1, 1)])
            assert clock.due(0.41) == (True, [(6, 6, 1, 1)])

    asyncio.run(scenario())


def test_an_ack_over_waiting_changes_waits_for_the_next_slot() -> None:
    """Before the cap an ack over waiting changes poked the loop: a capture per ack, 47/s on a pan."""
    import time

    async def scenario() -> None:
        with damage_driven_clock(max_fps=20) as clock:
            clock.due(time.monotonic())
            clock.window_opened(waiting=True)  # an encoder holds changes it could not send
            assert clock._event.is_set()
            assert clock.due(time.monotonic()) == (False, [])  # too soon after the last capture
            started = time.monotonic()
            await clock.wait(polling=False, watching=False)
            assert time.monotonic() - started >= 0.05 * 0.9
            assert clock.due(time.monotonic()) == (True, [])  # the encoders send what they hold
            assert clock.due(time.monotonic()) == (False, [])  # once

    asyncio.run(scenario())


def test_damage_a_capture_already_took_does_not_wake_the_loop_again() -> None:
    async def scenario() -> None:
        with damage_driven_clock() as clock:
            clock.due(0.0)
            clock._damaged([(1, 1, 1, 1)])  # the wake-up is scheduled on the loop ...
            assert clock.due(1.0) == (True, [(1, 1, 1, 1)])  # ... but a capture takes the damage first
            await asyncio.sleep(0)
            assert not clock._event.is_set()
            clock._damaged([(2, 2, 1, 1)])
            await asyncio.sleep(0)
            assert clock._event.is_set()
            assert clock.due(2.0) == (True, [(2, 2, 1, 1)])  # the capture voids the wake its damage set
            assert not clock._event.is_set()

    asyncio.run(scenario())


def test_max_fps_must_be_positive() -> None:
    import pytest

    with pytest.raises(ValueError):
        CaptureClock(asyncio.new_event_loop(), ":no-such-display", max_fps=0)


def test_polls_follow_news_when_watching_every_tick_when_polling_and_never_for_nobody() -> None:
    from lifeline.agent.capture.clock import HOUSEKEEPING_S, POLL_S

    async def scenario() -> None:
        with damage_driven_clock() as clock:
            clock.due(0.0)
            assert clock.poll_due(0.0, polling=False, watching=True)  # the first poll
            # a still desktop: once a second
            assert clock.timeout(0.0, polling=False, watching=True) == HOUSEKEEPING_S
            assert not clock.poll_due(0.5, polling=False, watching=True)
            clock.notify()  # the pointer moved
            clock.notify()  # more motion before the poll: no second wake
            await asyncio.sleep(0)  # the loop runs the wake-up notify() scheduled
            assert clock._event.is_set()
            assert clock.timeout(0.5, polling=False, watching=True) == 0.0
            assert clock.poll_due(0.5, polling=False, watching=True)
            clock.notify()  # news right after a poll waits for POLL_S
            assert not clock.poll_due(0.5 + POLL_S / 2, polling=False, watching=True)
            assert abs(clock.timeout(0.5 + POLL_S / 2, polling=False, watching=True) - POLL_S / 2) < 1e-9
            assert clock.poll_due(0.51 + POLL_S, polling=False, watching=True)
            # housekeeping
            assert clock.poll_due(0.52 + POLL_S + HOUSEKEEPING_S, polling=False, watching=True)
            assert clock.poll_due(3.0, polling=True, watching=False)  # polled platforms: every tick
            assert clock.poll_due(3.01 + POLL_S, polling=True, watching=False)
            clock.notify()  # nobody watches: the news waits for a viewer, the loop sleeps until woken
            assert not clock.poll_due(10.0, polling=False, watching=False)
            assert clock.timeout(10.0, polling=False, watching=False) is None
            assert clock.poll_due(10.0, polling=False, watching=True)

    asyncio.run(scenario())


def test_clock_keeps_damage_while_every_ack_window_is_full_and_an_ack_over_it_wakes_the_loop() -> None:
    async def scenario() -> None:
        with damage_driven_clock() as clock:
            clock.due(0.0)
            clock.poll_due(0.0, polling=False, watching=True)
            asked: list[float] = []

            def full_window() -> bool:
                asked.append(0.0)
                return False

            assert clock.due(0.1, full_window) == (False, []) and not asked  # nothing due: not even asked
            clock._damaged([(1, 2, 3, 4)])
            await asyncio.sleep(0)
            clock._event.clear()
            assert clock.due(0.2, full_window) == (False, []) and clock.held  # nothing grabbed, damage kept
            clock._damaged([(5, 5, 1, 1)])
            await asyncio.sleep(0)  # drawing does not wake a held loop
            assert not clock._event.is_set()
            assert clock.poll_due(2.0, polling=False, watching=True)
            # The encoders' tick is overdue, but a held loop sleeps: only a re-check for acks that never come.
            assert clock.timeout(2.0, polling=False, watching=True) == ENCODER_TICK_S
            clock.window_opened(waiting=False)  # the ack that reopens the window
            assert clock._event.is_set() and not clock.held
            assert clock.due(0.3) == (True, [(1, 2, 3, 4), (5, 5, 1, 1)])
            clock._event.clear()
            clock.window_opened(waiting=False)  # an ack with nothing waiting: no wake-up
            assert not clock._event.is_set()
            clock.window_opened(waiting=True)  # the encoder holds changes it could not send
            assert clock._event.is_set()

    asyncio.run(scenario())
