"""PASS 2: find a vertical scroll and turn it into one COPY.

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

Only vertical shifts over the full dirty column span are searched: that is
what scrolling produces. Window moves on a composited desktop (arbitrary
2-D shifts) fall back to images.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt

from lifeline.agent.encode.constants import (
    CELL_SIZE_PX,
    COPY_MAX_SHIFT_PX,
    COPY_MIN_HEIGHT_PX,
    COPY_MIN_VOTES,
)
from lifeline.agent.encode.plan import Box, CellMask, Frame, Op, OpKind, as_u32

__all__ = ["apply_copy", "find_scroll"]


def find_scroll(reference: Frame, frame: Frame, mask: CellMask) -> Op | None:
    """Return a COPY op for the largest scrolled block in the dirty span, or None."""
    if not mask.any():
        return None
    height, width = frame.shape[:2]
    cols = np.flatnonzero(mask.any(axis=0))
    rows = np.flatnonzero(mask.any(axis=1))
    x0, x1 = int(cols[0]) * CELL_SIZE_PX, min(int(cols[-1] + 1) * CELL_SIZE_PX, width)
    y0, y1 = int(rows[0]) * CELL_SIZE_PX, min(int(rows[-1] + 1) * CELL_SIZE_PX, height)
    if y1 - y0 < 2 * COPY_MIN_HEIGHT_PX:
        return None
    old = as_u32(reference)[y0:y1, x0:x1]
    new = as_u32(frame)[y0:y1, x0:x1]
    shift = _vote_shift(_row_hashes(old), _row_hashes(new))
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
    reference[b.y : b.bottom, b.x : b.right] = reference[sy : sy + b.h, sx : sx + b.w].copy()


#: One odd 32-bit weight per pixel column for every width the protocol allows (u16 screen
#: width): 256 KiB, drawn once from a fixed seed so that runs are reproducible.
_WEIGHTS = (np.random.default_rng(0x11FE).integers(0, 1 << 32, 1 << 16, dtype=np.uint64) | 1).astype(np.uint32)


def _row_hashes(rows: npt.NDArray[np.uint32]) -> list[int]:
    """One 32-bit hash per row of pixels: sum of pixel × weight modulo 2^32, vectorised."""
    hashes: list[int] = np.einsum("ij,j->i", rows, _WEIGHTS[: rows.shape[1]]).tolist()
    return hashes


def _vote_shift(old: list[int], new: list[int]) -> int | None:
    """Most common ``old_row - new_row`` over rows whose content is unique in ``old``.

    Unique rows only: blank or repeated rows match at every shift and would
    drown the real one.
    """
    counts = Counter(old)
    where = {h: i for i, h in enumerate(old) if counts[h] == 1}
    votes: Counter[int] = Counter()
    for i, h in enumerate(new):
        j = where.get(h)
        if j is not None and j != i and abs(j - i) <= COPY_MAX_SHIFT_PX:
            votes[j - i] += 1
    if not votes:
        return None
    shift, count = votes.most_common(1)[0]
    return shift if count >= COPY_MIN_VOTES else None


def _longest_equal_run(old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], shift: int) -> tuple[int, int]:
    """Longest run [start, stop) of rows i whose pixels all equal old row i + shift (exact, vectorised)."""
    lo, hi = max(0, -shift), min(len(new), len(old) - shift)
    if hi <= lo:
        return 0, 0
    equal = (new[lo:hi] == old[lo + shift : hi + shift]).all(axis=1)
    edges = np.diff(np.concatenate(([0], equal.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return 0, 0
    best = int(np.argmax(stops - starts))
    return lo + int(starts[best]), lo + int(stops[best])
