"""PASS 1: find a vertical scroll and turn it into one COPY; run both move searches (CopySearch).

When a terminal or document scrolls, nearly every dirty cell holds pixels the
viewer already has, just shifted. Hashing each pixel row of the dirty column
span in both frames and voting on the shift that maps new rows to old ones
finds the scroll; the plan then sends a COPY plus the strip of genuinely new
rows instead of re-encoding the whole region.

Cost: hashing whole 1080p rows with Python's ``hash`` took ~9 ms per
full-screen update (profiled on the panned photo of bench/screen.py: a third
of the encode, for a search that finds nothing there). Rows are now hashed
in one vectorised pass, a dot product with fixed random odd 32-bit weights
(modulo 2^32: ~1 ms for 1080p). Sampling every 4th pixel instead was tried
and rejected: xterm's 6-px glyph rows then collide so often that a real
scroll lost the vote. Hashes can collide, so only the winning shift is then
checked on every pixel, with one vectorised row comparison that also gives
the longest matching run.

Only vertical shifts over the full dirty column span are searched here: that
is what scrolling produces, and exact row hashes find it reliably in text.
Other moves (pans, dragged windows, horizontal scrolls) are pans.py's;
CopySearch runs both, and apply_copy and remaining_after_copy below handle
the COPY either finds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lifeline.agent.encode.constants import (
    CELL_SIZE_PX,
    COPY_MAX_SHIFT_PX,
    COPY_MIN_HEIGHT_PX,
    COPY_MIN_VOTES,
    FULL_FRAME_DIRTY_RATIO,
    MOVE_MISSES_BEFORE_BACKOFF,
    MOVE_PROBE_INTERVAL,
    MOVE_PROBE_INTERVAL_MAX,
    PAN_PREDICTIONS,
)
from lifeline.agent.encode.passes.pans import find_pan
from lifeline.agent.encode.plan import (
    Box,
    CellMask,
    Frame,
    Op,
    OpKind,
    as_u32,
    box_cells,
    covered_cells,
    dirty_bounds,
    dirty_cells,
    equal_rows,
    longest_run,
)

__all__ = ["CopySearch", "RowHashes", "apply_copy", "find_scroll", "remaining_after_copy"]


class CopySearch:
    """Both move searches, the one that found the last horizontal-or-not move first.

    Motion persists: while a picture pans, the scroll search (row hashes of
    both frames, ~2 ms for 1080p) fails on every update before the 2-D search
    succeeds; while a terminal scrolls, the 2-D search is never needed. The
    last few 2-D moves are also the 2-D search's first guesses (find_pan's
    ``predicted``).

    Change that is not a move persists too: on a playing video the 2-D search
    fails every frame at ~7 ms for 1080p (every seed is tried), as much as
    VP8 takes to encode it, and the scroll search at ~1.5 ms. After
    MOVE_MISSES_BEFORE_BACKOFF updates in a row that change most of the
    screen (more than FULL_FRAME_DIRTY_RATIO of the cells) with no move
    found, such updates are searched only every MOVE_PROBE_INTERVAL-th time,
    an interval that doubles with each probe that finds nothing, up to
    MOVE_PROBE_INTERVAL_MAX, until a move is found. Smaller updates are
    always searched and never counted: a scrolling terminal's text updates
    miss often, and must not delay a pan that starts next.
    """

    def __init__(self) -> None:
        self._pan_first = False
        #: The last PAN_PREDICTIONS distinct 2-D moves found, most recent first.
        self._recent_pans: list[tuple[int, int]] = []
        self._misses = 0
        #: Once backed off: large updates between two probes, and how many are left before the next.
        self._probe_interval = MOVE_PROBE_INTERVAL
        self._until_probe = 0
        self._hashes = RowHashes()

    def find(self, reference: Frame, frame: Frame, mask: CellMask) -> Op | None:
        """A COPY for the largest moved block, or None. Call once per planned update."""
        self._hashes.next_update()
        large = float(mask.mean()) > FULL_FRAME_DIRTY_RATIO
        if large and not self._search_due():
            return None
        op = None
        scroll_first = not self._pan_first
        for vertical in (scroll_first, not scroll_first):
            if vertical:
                op = find_scroll(reference, frame, mask, self._hashes)
            else:
                op = find_pan(reference, frame, mask, self._recent_pans)
            if op is not None:
                break
        if op is not None:
            self._misses, self._probe_interval = 0, MOVE_PROBE_INTERVAL
        elif large:
            self._missed()
        if op is not None:
            assert op.src is not None
            self._pan_first = op.src[0] != op.box.x
            if self._pan_first:
                move = (op.src[0] - op.box.x, op.src[1] - op.box.y)
                others = [m for m in self._recent_pans if m != move]
                self._recent_pans = [move, *others][:PAN_PREDICTIONS]
        return op

    def _search_due(self) -> bool:
        """Whether this large update is searched: always before the back-off, then when a probe is due."""
        if self._misses < MOVE_MISSES_BEFORE_BACKOFF:
            return True
        self._until_probe -= 1
        return self._until_probe <= 0

    def _missed(self) -> None:
        """A large update was searched in vain: count it, back off or, after a failed probe, further."""
        self._misses += 1
        if self._misses > MOVE_MISSES_BEFORE_BACKOFF:
            self._probe_interval = min(2 * self._probe_interval, MOVE_PROBE_INTERVAL_MAX)
        if self._misses >= MOVE_MISSES_BEFORE_BACKOFF:
            self._until_probe = self._probe_interval


class RowHashes:
    """The row hashes of the frame the scroll search saw last, reused as its reference's next time.

    The encoder turns every frame it plans into its reference (in place: the
    same array) before it plans the next, so hashing the reference repeated
    the previous update's work (~0.4 ms per update of a scrolling 1080p
    terminal). An entry is used only by the next update's search, for the
    same reference array (a FULL update replaces it) and the same span; a
    stale one could only lose the vote (every copy is checked pixel by pixel).
    """

    def __init__(self) -> None:
        self._entry: tuple[Frame, Box, npt.NDArray[np.uint32]] | None = None
        self._fresh = False  # the entry was stored since the last next_update()

    def next_update(self) -> None:
        """A new update is being planned: an entry from before the previous one is dropped."""
        if not self._fresh:
            self._entry = None
        self._fresh = False

    def of_reference(self, reference: Frame, span: Box,
                     rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        """Hashes of ``rows``, the reference's pixels in ``span``."""
        entry = self._entry
        if entry is not None and entry[0] is reference and entry[1] == span:
            return entry[2]
        return _row_hashes(rows)

    def of_frame(self, reference: Frame, span: Box,
                 rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        """Hashes of ``rows``, the new frame's pixels in ``span``, kept for the next update."""
        hashes = _row_hashes(rows)
        self._entry, self._fresh = (reference, span, hashes), True
        return hashes


def find_scroll(reference: Frame, frame: Frame, mask: CellMask,
                hashes: RowHashes | None = None) -> Op | None:
    """Return a COPY op for the largest scrolled block in the dirty span, or None.

    ``hashes``: the encoder's RowHashes (reference hashes from the last update); None hashes both frames.
    """
    if not mask.any():
        return None
    span = dirty_bounds(mask, *frame.shape[:2])
    x0, y0, x1, y1 = span.x, span.y, span.right, span.bottom
    if y1 - y0 <= CELL_SIZE_PX:
        return None  # one row of cells: typing, not a scroll (hashing and voting cost ~0.3 ms per key)
    old = as_u32(reference)[y0:y1, x0:x1]
    new = as_u32(frame)[y0:y1, x0:x1]
    if hashes is None:
        old_hashes, new_hashes = _row_hashes(old), _row_hashes(new)
    else:
        old_hashes = hashes.of_reference(reference, span, old)
        new_hashes = hashes.of_frame(reference, span, new)
    shift = _vote_shift(old_hashes, new_hashes)
    if shift is None:
        return None
    start, stop = _longest_equal_run(old, new, shift)
    if stop - start < COPY_MIN_HEIGHT_PX:
        return None
    return Op(OpKind.COPY, Box(x0, y0 + start, x1 - x0, stop - start), src=(x0, y0 + start + shift))


def apply_copy(reference: Frame, op: Op) -> None:
    """Do to ``reference`` what the viewer will do for ``op``, so later diffs see only what is left."""
    assert op.kind is OpKind.COPY and op.src is not None
    b, (sx, sy) = op.box, op.src
    # In bands of cell rows, in the order that reads every band before it is overwritten: numpy
    # then buffers at most one band where source and destination overlap, in cache, instead of
    # the whole source (0.5 instead of 1.0 ms for a 1080p pan).
    tops = range(0, b.h, CELL_SIZE_PX)
    for top in tops if sy >= b.y else reversed(tops):
        rows = min(CELL_SIZE_PX, b.h - top)
        source = reference[sy + top : sy + top + rows, sx : sx + b.w]
        reference[b.y + top : b.y + top + rows, b.x : b.right] = source


#: One odd 32-bit weight per pixel column for every width the protocol allows (u16 screen
#: width): 256 KiB, drawn once from a fixed seed so that runs are reproducible.
_WEIGHTS = (np.random.default_rng(0x11FE).integers(0, 1 << 32, 1 << 16, dtype=np.uint64) | 1).astype(
    np.uint32)


def _row_hashes(rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """One 32-bit hash per row of pixels: sum of pixel × weight modulo 2^32, vectorised."""
    hashes: npt.NDArray[np.uint32] = np.einsum("ij,j->i", rows, _WEIGHTS[: rows.shape[1]])
    return hashes


def _vote_shift(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32]) -> int | None:
    """Most common ``old_row - new_row`` over rows whose content is unique in ``old`` (vectorised).

    Unique rows only: blank or repeated rows match at every shift and would
    drown the real one. (The Counter/dict version cost ~1.5 ms per update of a
    scrolling 1080p terminal, as much as the hashing.)
    """
    values, first, counts = np.unique(old, return_index=True, return_counts=True)
    unique_values, unique_rows = values[counts == 1], first[counts == 1]
    if unique_values.size == 0:
        return None
    slot = np.minimum(np.searchsorted(unique_values, new), unique_values.size - 1)
    found = unique_values[slot] == new
    shifts = unique_rows[slot[found]] - np.flatnonzero(found)
    shifts = shifts[(shifts != 0) & (np.abs(shifts) <= COPY_MAX_SHIFT_PX)]
    if shifts.size == 0:
        return None
    candidates, votes = np.unique(shifts, return_counts=True)
    best = int(np.argmax(votes))
    return int(candidates[best]) if votes[best] >= COPY_MIN_VOTES else None


def remaining_after_copy(mask: CellMask, reference: Frame, frame: Frame, op: Op) -> CellMask:
    """The dirty cells once ``op`` has been applied to ``reference`` (cheaply).

    Cells the copy's box covers whole now equal the frame (the search checked
    every pixel), cells it does not touch are as dirty as before, so only the
    cells it covers in part (the ring of cells along its edges) are compared
    again: re-diffing the whole region cost as much as the first diff.
    """
    height, width = frame.shape[:2]
    touched, inner = box_cells(op.box), covered_cells(op.box, height, width)
    out = mask.copy()
    out[inner] = False
    partial = np.zeros_like(mask)
    partial[touched] = True
    partial[inner] = False
    if partial.any():
        out[partial] = dirty_cells(reference, frame, _ring_bands(touched, inner, height, width))[partial]
    return out


def _ring_bands(touched: tuple[slice, slice], inner: tuple[slice, slice], height: int,
                width: int) -> list[Box]:
    """At most four pixel bands covering the cells of ``touched`` outside ``inner``: edge rows and columns."""
    rows, cols = touched
    inner_rows = range(inner[0].start, inner[0].stop) if inner[1].stop > inner[1].start else range(0)
    inner_cols = range(inner[1].start, inner[1].stop) if inner[0].stop > inner[0].start else range(0)
    bands = []
    for row in range(rows.start, rows.stop):
        if row not in inner_rows:
            bands.append(_cells_box(slice(row, row + 1), cols, height, width))
    body = slice(inner_rows.start, inner_rows.stop) if inner_rows else None
    for col in range(cols.start, cols.stop):
        if body is not None and col not in inner_cols:
            bands.append(_cells_box(body, slice(col, col + 1), height, width))
    return bands


def _cells_box(rows: slice, cols: slice, height: int, width: int) -> Box:
    """The pixels of a block of cells, clipped at the screen edge."""
    x, y = cols.start * CELL_SIZE_PX, rows.start * CELL_SIZE_PX
    return Box(x, y, min(cols.stop * CELL_SIZE_PX, width) - x, min(rows.stop * CELL_SIZE_PX, height) - y)


def _longest_equal_run(
    old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], shift: int
) -> tuple[int, int]:
    """Longest run [start, stop) of rows i whose pixels all equal old row i + shift (exact, vectorised)."""
    lo, hi = max(0, -shift), min(len(new), len(old) - shift)
    if hi <= lo:
        return 0, 0
    start, stop = longest_run(equal_rows(new[lo:hi], old[lo + shift : hi + shift]))
    return lo + start, lo + stop
