"""PASS 0: dirty cells (lifeline/agent/encode/plan.py)."""

from __future__ import annotations

import numpy as np

from lifeline.agent.encode.constants import CELL_SIZE_PX
from lifeline.agent.encode.plan import (
    Box,
    box_cells,
    cell_grid,
    cells_to_ops,
    covered_cells,
    dirty_cells,
    equal_rows,
)
from tests.unit.agent.encode.frames_helper import blank


def test_identical_frames_have_no_dirty_cells() -> None:
    assert not dirty_cells(blank(), blank()).any()


def test_one_pixel_dirties_exactly_its_cell() -> None:
    a, b = blank(), blank()
    b[70, 130, 0] = 1
    mask = dirty_cells(a, b)
    assert mask.shape == (5, 8)
    assert list(zip(*np.nonzero(mask), strict=True)) == [(1, 2)]


def test_partial_edge_cells_are_detected_and_clipped() -> None:
    a, b = blank(100, 100), blank(100, 100)
    b[99, 99, 1] = 9
    mask = dirty_cells(a, b)
    assert cell_grid(100, 100) == mask.shape == (2, 2)
    ops = cells_to_ops(mask, 100, 100)
    assert [op.box for op in ops] == [Box(CELL_SIZE_PX, CELL_SIZE_PX, 100 - CELL_SIZE_PX, 100 - CELL_SIZE_PX)]


def test_dirty_cells_inside_damaged_boxes_only() -> None:
    reference, frame = blank(200, 300), blank(200, 300)
    frame[10, 10, 0] = 1  # cell (0, 0), not reported
    frame[130, 290, 0] = 1  # cell (2, 4), a partial edge cell, reported
    mask = dirty_cells(reference, frame, [Box(280, 120, 20, 20)])
    assert list(zip(*np.nonzero(mask), strict=True)) == [(2, 4)]
    assert dirty_cells(reference, frame, []).sum() == 0
    assert dirty_cells(reference, frame, None).sum() == 2


def test_covered_cells_counts_whole_cells_and_screen_edge_remainders() -> None:
    assert covered_cells(Box(10, 10, 200, 100), 200, 300) == (slice(1, 1), slice(1, 3))
    assert covered_cells(Box(256, 128, 44, 72), 200, 300) == (slice(2, 4), slice(4, 5))


def test_dirty_cells_flags_exactly_the_cells_of_changed_pixels_at_any_screen_size() -> None:
    """Odd and even widths (one or two pixels per comparison), partial edge cells, boxes and no boxes."""
    rng = np.random.default_rng(0)
    for height, width in [(1080, 1920), (768, 1366), (1001, 1001), (63, 65)]:
        before = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
        for _ in range(10):
            after = before.copy()
            cells = []
            for _ in range(3):
                y, x = int(rng.integers(0, height)), int(rng.integers(0, width))
                after[y, x, int(rng.integers(0, 4))] ^= 1  # one bit of one channel
                cells.append((y // CELL_SIZE_PX, x // CELL_SIZE_PX))
            x, y = int(rng.integers(0, width // 2)), int(rng.integers(0, height // 2))
            box = Box(x, y, width // 2, height // 2)
            rows, cols = box_cells(box)
            expected = np.zeros(cell_grid(height, width), dtype=bool)
            in_box = expected.copy()
            for row, col in cells:
                expected[row, col] = True
                in_box[row, col] |= rows.start <= row < rows.stop and cols.start <= col < cols.stop
            assert np.array_equal(dirty_cells(before, after), expected)
            assert np.array_equal(dirty_cells(before, after, [box]), in_box)


def test_equal_rows_compares_every_pixel_whatever_the_alignment() -> None:
    rng = np.random.default_rng(2)
    pixels = rng.integers(0, 1 << 32, (20, 130), dtype=np.uint64).astype(np.uint32)
    copy = pixels.copy()
    copy[7, 3] ^= 1 << 24  # one bit of one pixel
    for x0, x1 in [(0, 128), (1, 129), (1, 128), (3, 4)]:  # aligned pairs, odd start, odd width, one pixel
        flags = equal_rows(pixels[:, x0:x1], copy[:, x0:x1])
        assert flags.tolist() == [row != 7 or not x0 <= 3 < x1 for row in range(20)]
