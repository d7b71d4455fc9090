"""PASS 2: scroll detection (lifeline/agent/encode/passes/copies.py)."""

from __future__ import annotations

import numpy as np

from lifeline.agent.encode.passes.copies import apply_copy, find_scroll
from lifeline.agent.encode.plan import OpKind, dirty_cells
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
