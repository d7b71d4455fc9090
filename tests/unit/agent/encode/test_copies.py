"""PASS 2: scroll detection (lifeline/agent/encode/passes/copies.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lifeline.agent.encode.passes.copies import apply_copy, find_scroll
from lifeline.agent.encode.plan import Op, OpKind, dirty_cells
from tests.unit.agent.encode.frames_helper import blank, text_lines


def _scrolled(frame: np.ndarray, dy: int) -> np.ndarray:
    out = blank(*frame.shape[:2])
    out[:-dy] = frame[dy:]
    return out


def test_scroll_up_becomes_copy_from_lower_rows() -> None:
    before = text_lines(blank())
    after = _scrolled(before, 39)
    op = find_scroll(before, after, dirty_cells(before, after))
    assert op is not None and op.kind is OpKind.COPY
    assert op.src is not None and op.src[1] - op.box.y == 39
    assert op.box.h >= 320 - 39 - 13  # all but the new strip (and a blank-line margin)


def test_applying_the_copy_leaves_only_a_small_strip_dirty() -> None:
    before = text_lines(blank())
    after = _scrolled(before, 26)
    after[-20:-11, 8:300, :3] = 200  # a new line appears at the bottom
    mask = dirty_cells(before, after)
    op = find_scroll(before, after, mask)
    assert op is not None
    apply_copy(before, op)
    remaining = dirty_cells(before, after)
    assert remaining.sum() < mask.sum() / 2
    assert not remaining[:-1].any()  # only the bottom cell row still differs


def test_scroll_down_is_found_too() -> None:
    before = text_lines(blank(), seed=3)
    after = blank()
    after[52:] = before[:-52]
    op = find_scroll(before, after, dirty_cells(before, after))
    assert op is not None and op.src is not None
    assert op.src[1] - op.box.y == -52


def test_unrelated_change_is_not_a_copy() -> None:
    before = text_lines(blank(), seed=1)
    after = text_lines(blank(), seed=2)
    assert find_scroll(before, after, dirty_cells(before, after)) is None


def test_repetitive_rows_alone_do_not_vote() -> None:
    before = blank()
    before[::8, :, :3] = 255  # identical stripes: every row has many twins
    after = _scrolled(before, 4)
    assert find_scroll(before, after, dirty_cells(before, after)) is None


def test_remaining_after_copy_rechecks_only_the_cells_the_copy_covers_in_part() -> None:
    from lifeline.agent.encode.passes.copies import remaining_after_copy

    before = text_lines(blank())
    after = _scrolled(before, 26)
    after[-20:-11, 8:300, :3] = 200
    mask = dirty_cells(before, after)
    op = find_scroll(before, after, mask)
    assert op is not None
    apply_copy(before, op)
    assert np.array_equal(remaining_after_copy(mask, before, after, op), dirty_cells(before, after))


def test_apply_copy_in_bands_equals_a_copy_through_a_temporary_for_every_overlap() -> None:
    from lifeline.agent.encode.plan import Box

    rng = np.random.default_rng(4)
    screen = rng.integers(0, 256, (300, 200, 4), dtype=np.uint8)
    for dx, dy in [(0, 3), (0, -3), (5, 70), (-5, -70), (7, 0), (-7, 0), (2, 1), (0, 199)]:
        box = Box(max(0, -dx), max(0, -dy), 200 - abs(dx), 300 - abs(dy) - 1)  # odd height: a partial band
        op = Op(OpKind.COPY, box, src=(box.x + dx, box.y + dy))
        expected = screen.copy()
        expected[box.y : box.bottom, box.x : box.right] = screen[box.y + dy : box.bottom + dy,
                                                                 box.x + dx : box.right + dx].copy()
        banded = screen.copy()
        apply_copy(banded, op)
        assert np.array_equal(banded, expected), (dx, dy)


def test_copy_search_tries_the_2d_search_first_while_a_picture_pans(monkeypatch: pytest.MonkeyPatch) -> None:
    from lifeline.agent.encode.passes import copies

    calls: list[str] = []
    original = copies.find_scroll

    def counting_scroll(*args: Any) -> Op | None:
        calls.append("scroll")
        return original(*args)

    monkeypatch.setattr(copies, "find_scroll", counting_scroll)
    search = copies.CopySearch()
    before = text_lines(blank(), seed=5)
    panned, scrolled = blank(), blank()
    panned[:-13, :-6] = before[13:, 6:]
    scrolled[:-13] = before[13:]
    # A pan is found after a failed scroll search, then directly; the 2-D search also finds the
    # next (vertical) move, after which the scroll search goes first again.
    for after, expected_calls in [(panned, ["scroll"]), (panned, []), (scrolled, []), (scrolled, ["scroll"])]:
        calls.clear()
        assert search.find(before, after, dirty_cells(before, after)) is not None
        assert calls == expected_calls


def test_each_frame_is_hashed_once_across_consecutive_scroll_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder's reference is the last frame searched: its row hashes are reused, except after
    a FULL update (a new reference array) or when the previous update did not search for a scroll."""
    from lifeline.agent.encode import Pacer, ScreenEncoder
    from lifeline.agent.encode.passes import copies
    from tests.unit.agent.encode.frames_helper import render

    hashed: list[int] = []
    original = copies._row_hashes

    def counting(rows: np.ndarray) -> np.ndarray:
        hashed.append(len(rows))
        return original(rows)

    monkeypatch.setattr(copies, "_row_hashes", counting)
    encoder = ScreenEncoder(Pacer(), clock=lambda: 100.0, wall_clock=lambda: 1.0)
    page = text_lines(blank(320 + 13 * 8, 512), seed=6)

    def frame(k: int) -> np.ndarray:
        return np.ascontiguousarray(page[13 * k : 13 * k + 320])

    screen, _ = render(None, encoder.next_update(frame(0)) or b"")
    counts = []
    for k in range(1, 6):
        if k == 4:
            encoder.request_refresh()  # FULL: a new reference array, nothing to reuse
        encoder.ack(encoder.seq)
        hashed.clear()
        screen, _ = render(screen, encoder.next_update(frame(k)) or b"")
        counts.append(len(hashed))
        assert np.array_equal(screen, frame(k))
    assert counts == [2, 1, 1, 0, 2]  # first search: both frames; then only the new one


def test_2d_search_backs_off_while_changes_are_not_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    from lifeline.agent.encode.constants import (
        MOVE_MISSES_BEFORE_BACKOFF,
        MOVE_PROBE_INTERVAL,
        MOVE_PROBE_INTERVAL_MAX,
    )
    from lifeline.agent.encode.passes import copies

    searched: list[int] = []
    original = copies.find_pan
    update = 0

    def counting_pan(*args: Any) -> Op | None:
        searched.append(update)
        return original(*args)

    monkeypatch.setattr(copies, "find_pan", counting_pan)
    search = copies.CopySearch()
    before = text_lines(blank(), seed=5)
    unrelated = text_lines(blank(), seed=6)  # a video-like change: nothing moved
    panned = blank()
    panned[:-13, :-6] = before[13:, 6:]
    assert MOVE_PROBE_INTERVAL_MAX == 4 * MOVE_PROBE_INTERVAL  # the probes below: the interval doubles twice
    first = MOVE_MISSES_BEFORE_BACKOFF + MOVE_PROBE_INTERVAL
    probes = [first, first + 2 * MOVE_PROBE_INTERVAL, first + 6 * MOVE_PROBE_INTERVAL,
              first + 6 * MOVE_PROBE_INTERVAL + MOVE_PROBE_INTERVAL_MAX]
    rounds = probes[-1]
    for update in range(1, rounds + 1):  # noqa: B007 - the spy above records it
        assert search.find(before, unrelated, dirty_cells(before, unrelated)) is None
    assert searched == list(range(1, MOVE_MISSES_BEFORE_BACKOFF + 1)) + probes
    searched.clear()
    found_at = rounds + MOVE_PROBE_INTERVAL_MAX
    for update in range(rounds + 1, found_at + 3):  # a pan starts: found at the next probe
        op = search.find(before, panned, dirty_cells(before, panned))
        assert (op is not None) == (update >= found_at)
    assert searched == [found_at, found_at + 1, found_at + 2]  # then every update, first
    searched.clear()
    # A move found resets the back-off: the first interval again.
    for update in range(1, MOVE_MISSES_BEFORE_BACKOFF + MOVE_PROBE_INTERVAL + 1):  # noqa: B007 - the spy records it
        search.find(before, unrelated, dirty_cells(before, unrelated))
    assert searched == [*range(1, MOVE_MISSES_BEFORE_BACKOFF + 1), first]


def test_small_updates_are_always_searched_for_moves_and_never_cause_a_back_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lifeline.agent.encode.constants import MOVE_MISSES_BEFORE_BACKOFF
    from lifeline.agent.encode.passes import copies

    searched: list[int] = []
    original = copies.find_pan

    def counting_pan(*args: Any) -> Op | None:
        searched.append(1)
        return original(*args)

    monkeypatch.setattr(copies, "find_pan", counting_pan)
    search = copies.CopySearch()
    before = text_lines(blank(), seed=5)
    retyped = before.copy()
    retyped[100:240, 100:240, :3] = 0  # a block of text cleared: a third of the screen, no move
    panned = blank()
    panned[:-13, :-6] = before[13:, 6:]
    for _ in range(3 * MOVE_MISSES_BEFORE_BACKOFF):
        assert search.find(before, retyped, dirty_cells(before, retyped)) is None
    assert len(searched) == 3 * MOVE_MISSES_BEFORE_BACKOFF
    assert search.find(before, panned, dirty_cells(before, panned)) is not None  # not backed off


def test_a_change_within_one_row_of_cells_is_not_searched_for_a_scroll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing dirties one row of cells: no hashing or voting for it (a scroll spans more)."""
    from lifeline.agent.encode.passes import copies

    def no_hashing(rows: np.ndarray) -> np.ndarray:
        raise AssertionError("hashed a one-row change")

    monkeypatch.setattr(copies, "_row_hashes", no_hashing)
    before = text_lines(blank(), seed=5)
    typed = before.copy()
    typed[70:83, 100:300, :3] = 255 - typed[70:83, 100:300, :3]  # within the second row of cells
    assert copies.find_scroll(before, typed, dirty_cells(before, typed)) is None
