"""PASS 1b: find a 2-D translation (a pan, a dragged window, a horizontal scroll) and turn it into one COPY.

copies.find_scroll only sees vertical shifts over the whole dirty column
span, which is what a terminal produces. A panned picture, a window dragged
across the desktop or a horizontally scrolled page moves pixels by (dx, dy)
with both components possibly non-zero: every row differs from every old
row, so row hashes never match. Re-encoding such an update cost ~10 ms and
~250 KB per 1080p frame of bench/screen_x.py's diagonal pan; a COPY plus the
uncovered strips is a few ms and a few KB.

How, in four steps, each cheaper than the next is precise:

1. *dy seeds*: the row profile (sum of each row's pixels across a band of
   PAN_PROFILE_BAND_PX columns) of a translated area is the old profile
   shifted by dy, almost regardless of dx (only dx columns at the band's
   edges differ; a sample of every 8th column instead lost that on text,
   whose columns differ from their neighbours). The shifts with the least
   squared difference between the profiles (all shifts at once, by FFT) are
   the seeds, and 0 (a horizontal scroll).
2. *dx for each dy*: a few whole pixel rows of the new frame against the old
   rows dy away, compared the same way at full resolution: under the true
   (dx, dy) their difference is exactly zero. On content with diagonal
   structure the seed dy can be far off; alternating with the dy a few whole
   columns give for that dx converges on the true pair (_converge).
3. *Refinement*: every shift within PAN_REFINE_PX of the result is tried on
   a few rows, pixel for pixel. If no seed wins, steps 1-3 run again with
   rows and columns swapped.
4. *Ranking and verification*: each refined (dx, dy) is scored by how many
   pixels of a sparse row sample equal their shifted source (the search
   stops at one under which most of the sample matches); the winner is
   compared on every pixel of the dirty box, and the longest run of whole
   rows that equal their source (the usual pan), or else the largest
   rectangle in which all pixels do (a window dragged over a backdrop),
   becomes the COPY. It must be pixel-exact: the viewer copies its own canvas.

Step 2 compares B+G+R per pixel (its squared differences stay exact in
float64, those of packed 32-bit pixels would not); a colour collision there
or in the profiles only costs a candidate, never exactness, since step 4
compares whole pixels.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

from lifeline.agent.encode.constants import (
    CELL_SIZE_PX,
    PAN_ACCEPT_DIVISOR,
    PAN_CANDIDATES_PER_AXIS,
    PAN_CONVERGE_STEPS,
    PAN_MAX_SHIFT_PX,
    PAN_MIN_AREA_PX,
    PAN_MIN_COVER_DIVISOR,
    PAN_MIN_SIDE_PX,
    PAN_PROFILE_BAND_PX,
    PAN_REFINE_PX,
    PAN_SAMPLE_ROW_STRIDE_PX,
    PAN_SAMPLE_ROWS,
)
from lifeline.agent.encode.plan import (
    Box,
    CellMask,
    Frame,
    Op,
    OpKind,
    as_u32,
    dirty_bounds,
    equal_rows,
    longest_run,
)

__all__ = ["find_pan", "largest_true_rectangle"]

Bounds = tuple[int, int, int, int]
"""x0, y0, x1, y1 of an area in screen pixels (exclusive ends)."""


def find_pan(reference: Frame, frame: Frame, mask: CellMask,
             predicted: Sequence[tuple[int, int]] = ()) -> Op | None:
    """A COPY for the largest block of the dirty box that moved by one (dx, dy), or None.

    ``predicted``: the (dx, dy) of recent updates' moves, most recent first.
    Motion persists (a pan, a drag), so each is tried first, on a few whole
    rows (~20 µs), and when one holds, the seeds, refinement and ranking
    (~1.5 ms for 1080p) are skipped; the COPY is verified on every pixel
    either way. Several: the same motion moves by one or two steps between
    updates when the capture rate is below the application's frame rate.
    """
    if not mask.any():
        return None
    span = dirty_bounds(mask, *frame.shape[:2])
    x0, y0, x1, y1 = bounds = (span.x, span.y, span.right, span.bottom)
    if min(x1 - x0, y1 - y0) <= CELL_SIZE_PX:
        return None  # one row or column of cells: new text, not a move
    old, new = as_u32(reference), as_u32(frame)
    dirty_px = int(np.count_nonzero(mask)) * CELL_SIZE_PX * CELL_SIZE_PX
    views = _Views(reference, frame, bounds)
    for shift in predicted:
        if views.rows_match(*shift):
            op = _covering_copy(old, new, bounds, shift, dirty_px)
            if op is not None:
                return op
    best, best_score = None, PAN_MIN_AREA_PX // PAN_SAMPLE_ROW_STRIDE_PX - 1
    tried = set()
    for seed in _candidates(reference, frame, bounds):
        refined = _refine(old, new, bounds, seed)
        if refined is None or refined in tried:
            continue
        tried.add(refined)
        score, sampled = _sample_score(old, new, bounds, *refined)
        if score > best_score:
            best, best_score = refined, score
            if score * PAN_ACCEPT_DIVISOR >= sampled:
                break  # most of the area moved this way: the remaining candidates cannot beat it by much
    return None if best is None else _covering_copy(old, new, bounds, best, dirty_px)


def _covering_copy(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], bounds: Bounds,
                   shift: tuple[int, int], dirty_px: int) -> Op | None:
    """The exact COPY under ``shift``, if it covers at least 1/PAN_MIN_COVER_DIVISOR of the dirty pixels."""
    op = _exact_copy(old, new, bounds, *shift)
    return op if op is not None and op.box.area * PAN_MIN_COVER_DIVISOR >= dirty_px else None


def _candidates(reference: Frame, frame: Frame, bounds: Bounds) -> Iterator[tuple[int, int]]:
    """(dx, dy) shifts worth ranking, most likely first: seeded by the rows' profiles, then by the columns'.

    The second, transposed pass is for moves whose dy the row profile gets
    badly wrong but whose dx the column profile gets right (and vice versa).
    """
    x0, y0, x1, y1 = bounds
    band_x, band_y = _middle_band(x0, x1), _middle_band(y0, y1)
    old, new = as_u32(reference), as_u32(frame)
    views = _Views(reference, frame, bounds)
    rows = _profile(old[y0:y1, band_x], 1), _profile(new[y0:y1, band_x], 1)
    yield from _axis_candidates(views, *rows, [0])  # 0: a horizontal scroll
    columns = _profile(old[band_y, x0:x1], 0), _profile(new[band_y, x0:x1], 0)
    for dy, dx in _axis_candidates(views.transposed(), *columns, []):  # dx 0 was the first pass's
        yield dx, dy


def _profile(pixels: npt.NDArray[np.uint32], axis: int) -> npt.NDArray[np.float64]:
    """Sums of whole 32-bit pixels along ``axis``: a linear mix of the channel sums (red weighs most).

    Summing the packed pixels is 2x faster than summing their bytes (numpy's
    uint8-to-uint32 reductions are slow), and a mix of channels shifts with the
    content exactly as each channel does.
    """
    total: npt.NDArray[np.float64] = pixels.sum(axis=axis, dtype=np.uint64).astype(np.float64)
    return total


def _middle_band(start: int, stop: int) -> slice:
    """The middle PAN_PROFILE_BAND_PX of [start, stop): what a profile sums across."""
    lo = max(start, (start + stop - PAN_PROFILE_BAND_PX) // 2)
    return slice(lo, min(stop, lo + PAN_PROFILE_BAND_PX))


class _Views:
    """The two frames and the searched area, in one orientation (rows as rows, or columns as rows)."""

    def __init__(self, reference: Frame, frame: Frame, bounds: Bounds) -> None:
        self.reference, self.frame, self.bounds = reference, frame, bounds

    def transposed(self) -> _Views:
        x0, y0, x1, y1 = self.bounds
        return _Views(self.reference.transpose(1, 0, 2), self.frame.transpose(1, 0, 2), (y0, x0, y1, x1))

    def rows_match(self, dx: int, dy: int) -> bool:
        """True when under (dx, dy) most pixels of a few whole rows equal their source (~20 µs)."""
        height, width = self.frame.shape[:2]
        x0, y0, x1, y1 = _overlap(self.bounds, dx, dy, width, height)
        if x1 - x0 < PAN_MIN_SIDE_PX or y1 - y0 < PAN_MIN_SIDE_PX:
            return False
        ys = np.linspace(y0, y1 - 1, PAN_SAMPLE_ROWS).astype(np.intp)
        equal = self.frame[ys, x0:x1] == self.reference[ys + dy, x0 + dx : x1 + dx]
        return int(np.count_nonzero(equal.all(axis=-1))) * PAN_ACCEPT_DIVISOR >= len(ys) * (x1 - x0)

    def row_shift(self, dy: int) -> int | None:
        """The dx that best maps a few whole rows of the frame to the rows dy away in the reference."""
        height = self.frame.shape[0]
        x0, y0, x1, y1 = self.bounds
        top, bottom = max(y0, -dy), min(y1, height - dy)
        if bottom - top < PAN_MIN_SIDE_PX:
            return None
        ys = np.linspace(top, bottom - 1, PAN_SAMPLE_ROWS).astype(np.intp)
        old, new = _brightness(self.reference[ys + dy, x0:x1]), _brightness(self.frame[ys, x0:x1])
        shifts, cost = _squared_differences(old, new)
        return int(shifts[np.argmin(cost)])


def _axis_candidates(views: _Views, old_profile: npt.NDArray[np.float64],
                     new_profile: npt.NDArray[np.float64], extra: list[int]) -> Iterator[tuple[int, int]]:
    """For the row profiles' best dy (then the ``extra`` ones): the shift that seed converges to."""
    offset = float(new_profile.mean())  # smaller magnitudes: less rounding in the FFT sums
    old, new = old_profile - offset, new_profile - offset
    columns = views.transposed()
    for dy in [*_best_shifts(old[np.newaxis], new[np.newaxis]), *extra]:
        shift = _converge(views, columns, dy)
        if shift is not None:
            yield shift


def _converge(views: _Views, columns: _Views, dy: int) -> tuple[int, int] | None:
    """Alternate exact steps from a seed dy: the dx whole rows give, the dy whole columns give, ...

    On content with diagonal structure (a smooth gradient) a horizontal move
    also shifts the row profile, so the seed dy can be tens of px off when
    the move is large; the rows at that dy then give a dx that is off the
    other way, the columns at that dx a better dy, and so on: the pair
    settles on the true move within a few steps (bench/screen_x.py's picture
    at 60 random shifts up to 255 px: all found, 34 with the seed alone).
    """
    dx = views.row_shift(dy)
    if dx is not None and views.rows_match(dx, dy):
        return dx, dy  # the usual case, a small move: the seed was right
    for _ in range(PAN_CONVERGE_STEPS):
        if dx is None:
            return None
        next_dy = columns.row_shift(dx)
        next_dx = views.row_shift(next_dy) if next_dy is not None else None
        if next_dx is None or next_dy is None or (next_dx, next_dy) == (dx, dy):
            break
        dx, dy = next_dx, next_dy
    return None if dx is None else (dx, dy)


def _refine(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], bounds: Bounds,
            seed: tuple[int, int]) -> tuple[int, int] | None:
    """The (dx, dy) within PAN_REFINE_PX of ``seed`` under which most pixels of a few rows equal their source.

    On content with diagonal structure (a smooth gradient panned sideways) a
    horizontal move also shifts the row profile, so a seed can be a few px off
    along the diagonal; a whole-pixel comparison of a few rows at each nearby
    shift (~10 µs each: the rows are gathered once per dy) finds the exact one.
    """
    height, width = new.shape
    reach = PAN_REFINE_PX
    x0, y0, x1, y1 = _overlap(bounds, *seed, width, height)
    x0, y0, x1, y1 = x0 + reach, y0 + reach, x1 - reach, y1 - reach  # valid for every shift in reach
    if x1 - x0 < PAN_MIN_SIDE_PX or y1 - y0 < PAN_MIN_SIDE_PX:
        return None
    ys = np.linspace(y0, y1 - 1, PAN_SAMPLE_ROWS).astype(np.intp)
    rows = new[ys, x0:x1]
    best, best_score = None, 0
    for dy in range(seed[1] - reach, seed[1] + reach + 1):
        source = old[ys + dy]
        for dx in range(seed[0] - reach, seed[0] + reach + 1):
            score = int(np.count_nonzero(rows == source[:, x0 + dx : x1 + dx]))
            if score > best_score and (dx, dy) != (0, 0):
                best, best_score = (dx, dy), score
    return best


def _brightness(pixels: Frame) -> npt.NDArray[np.float64]:
    """B+G+R of each pixel, as float64 for the FFT sums.

    Two uint16 adds: a sum over the 3-long channel axis was 10x slower (~5 ms
    for a 1080p column sample), numpy reduces tiny inner axes poorly.
    """
    total = np.add(pixels[..., 0], pixels[..., 1], dtype=np.uint16)
    total += pixels[..., 2]
    return total.astype(np.float64)


def _squared_differences(old: npt.NDArray[np.float64], new: npt.NDArray[np.float64]) -> tuple[
        npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """For every shift s (|s| < half the length, <= PAN_MAX_SHIFT_PX): mean over the overlap of (new - old)².

    All shifts at once: the cross term is one FFT correlation (zero-padded,
    so nothing wraps around), the squared terms are prefix sums.
    """
    n = old.shape[1]
    size = 1 << int(2 * n - 1).bit_length()
    limit = min(n // 2, PAN_MAX_SHIFT_PX + 1)
    shifts = np.arange(-limit + 1, limit)
    spectrum = (np.fft.rfft(old, size) * np.conj(np.fft.rfft(new, size))).sum(axis=0)
    cross = np.fft.irfft(spectrum, size)[shifts % size]
    old_sq = np.concatenate(([0.0], np.cumsum((old * old).sum(axis=0))))
    new_sq = np.concatenate(([0.0], np.cumsum((new * new).sum(axis=0))))
    lo, hi = np.maximum(0, -shifts), np.minimum(n, n - shifts)
    total = old_sq[hi + shifts] - old_sq[lo + shifts] + new_sq[hi] - new_sq[lo] - 2 * cross
    return shifts, total / ((hi - lo) * old.shape[0])


def _best_shifts(old: npt.NDArray[np.float64], new: npt.NDArray[np.float64]) -> list[int]:
    """The PAN_CANDIDATES_PER_AXIS shifts at the lowest local minima of the squared difference."""
    shifts, cost = _squared_differences(old, new)
    minima = np.flatnonzero((cost <= np.roll(cost, 1)) & (cost <= np.roll(cost, -1)))
    return [int(s) for s in shifts[minima[np.argsort(cost[minima])[:PAN_CANDIDATES_PER_AXIS]]]]


def _overlap(bounds: Bounds, dx: int, dy: int, width: int, height: int) -> Bounds:
    """The part of ``bounds`` whose source, shifted by (dx, dy), is still on the screen."""
    x0, y0, x1, y1 = bounds
    return max(x0, -dx), max(y0, -dy), min(x1, width - dx), min(y1, height - dy)


def _sample_score(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], bounds: Bounds, dx: int,
                  dy: int) -> tuple[int, int]:
    """(pixels equal to their source under (dx, dy), pixels compared), one row in PAN_SAMPLE_ROW_STRIDE_PX."""
    height, width = new.shape
    x0, y0, x1, y1 = _overlap(bounds, dx, dy, width, height)
    if x1 - x0 < PAN_MIN_SIDE_PX or y1 - y0 < PAN_MIN_SIDE_PX:
        return 0, 0
    step = PAN_SAMPLE_ROW_STRIDE_PX
    equal = new[y0:y1:step, x0:x1] == old[y0 + dy : y1 + dy : step, x0 + dx : x1 + dx]
    return int(np.count_nonzero(equal)), equal.size


def _exact_copy(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], bounds: Bounds, dx: int,
                dy: int) -> Op | None:
    """The COPY of the largest rectangle of ``bounds`` in which every pixel equals its source."""
    height, width = new.shape
    x0, y0, x1, y1 = _overlap(bounds, dx, dy, width, height)
    dest, source = new[y0:y1, x0:x1], old[y0 + dy : y1 + dy, x0 + dx : x1 + dx]
    start, stop = longest_run(equal_rows(dest, source))
    if 2 * (stop - start) >= len(dest):
        # The usual pan: whole rows match. Reducing rows is ~15x cheaper than reducing tiles.
        box: Box | None = Box(0, start, dest.shape[1], stop - start)
    else:
        box = largest_true_rectangle(dest == source)
    if box is None or box.area < PAN_MIN_AREA_PX or min(box.w, box.h) < PAN_MIN_SIDE_PX:
        return None
    copied = Box(x0 + box.x, y0 + box.y, box.w, box.h)
    return Op(OpKind.COPY, copied, src=(copied.x + dx, copied.y + dy))


def largest_true_rectangle(flags: npt.NDArray[np.bool_]) -> Box | None:
    """A large all-True rectangle of ``flags``: the largest of whole CELL_SIZE_PX tiles, grown pixel-wise.

    Exact per pixel (every pixel in the result is True), near-maximal: the
    tile search is the classic largest-rectangle-in-a-histogram over a grid of
    a few hundred tiles, then each side grows into the partial tiles around it.
    """
    height, width = flags.shape
    rows, cols = height // CELL_SIZE_PX, width // CELL_SIZE_PX  # whole tiles; the extension adds the rest
    whole = flags[: rows * CELL_SIZE_PX, : cols * CELL_SIZE_PX]
    tiles = _all(_all(whole.reshape(rows, CELL_SIZE_PX, cols, CELL_SIZE_PX), axis=3), axis=1)
    found = _largest_rectangle_in_grid(tiles)
    if found is None:
        return None
    top, left, bottom, right = (v * CELL_SIZE_PX for v in found)
    left -= _run_length(_all(flags[top:bottom, :left], axis=0)[::-1])
    right += _run_length(_all(flags[top:bottom, right:], axis=0))
    top -= _run_length(_all(flags[:top, left:right], axis=1)[::-1])
    bottom += _run_length(_all(flags[bottom:, left:right], axis=1))
    return Box(left, top, right - left, bottom - top)


def _all(flags: npt.NDArray[np.bool_], axis: int) -> npt.NDArray[np.bool_]:
    """``flags.all(axis=axis)`` of an array of two or more dimensions, which is an array.

    numpy types the result as "an array or a scalar", the scalar being the 1-D case.
    """
    return cast("npt.NDArray[np.bool_]", flags.all(axis=axis))


def _run_length(flags: npt.NDArray[np.bool_]) -> int:
    """How many leading entries of ``flags`` are True."""
    false = np.flatnonzero(~flags)
    return int(false[0]) if false.size else len(flags)


def _largest_rectangle_in_grid(grid: npt.NDArray[np.bool_]) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the largest all-True rectangle of a small grid (exclusive ends)."""
    heights = [0] * grid.shape[1]
    best: tuple[int, int, int, int] | None = None
    best_area = 0
    for row, line in enumerate(grid.tolist()):
        heights = [h + 1 if flag else 0 for h, flag in zip(heights, line, strict=True)]
        stack: list[int] = []  # column indices with increasing heights
        for col, h in enumerate([*heights, 0]):
            while stack and heights[stack[-1]] >= h:
                tall = heights[stack.pop()]
                left = stack[-1] + 1 if stack else 0
                if tall * (col - left) > best_area:
                    best_area = tall * (col - left)
                    best = (row + 1 - tall, left, row + 1, col)
            stack.append(col)
    return best
