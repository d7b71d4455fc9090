"""PASS 2: find a vertical scroll and turn it into one COPY.

When a terminal or document scrolls, nearly every dirty cell holds pixels the
viewer already has, just shifted. Hashing each pixel row of the dirty column
span in both frames and voting on the shift that maps new rows to old ones
finds the scroll in about a millisecond; the plan then sends a COPY plus the
strip of genuinely new rows instead of re-encoding the whole region.

Only vertical shifts over the full dirty column span are searched: that is
what scrolling produces. Window moves on a composited desktop (arbitrary
2-D shifts) fall back to images.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from lifeline.agent.encode.constants import (
    CELL_SIZE_PX,
    COPY_MAX_SHIFT_PX,
    COPY_MIN_HEIGHT_PX,
    COPY_MIN_VOTES,
)
from lifeline.agent.encode.plan import Box, CellMask, Frame, Op, OpKind

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
    old = _row_hashes(reference[y0:y1, x0:x1])
    new = _row_hashes(frame[y0:y1, x0:x1])
    shift = _vote_shift(old, new)
    if shift is None:
        return None
    start, stop = _longest_match(old, new, shift)
    if stop - start < COPY_MIN_HEIGHT_PX:
        return None
    # Hashes can collide: confirm on the pixels before trusting them.
    dest = frame[y0 + start : y0 + stop, x0:x1]
    source = reference[y0 + start + shift : y0 + stop + shift, x0:x1]
    if not np.array_equal(dest, source):
        return None
    return Op(OpKind.COPY, Box(x0, y0 + start, x1 - x0, stop - start), src=(x0, y0 + start + shift))


def apply_copy(reference: Frame, op: Op) -> None:
    """Do to ``reference`` what the viewer will do for ``op``, so later diffs see only what is left."""
    assert op.kind is OpKind.COPY and op.src is not None
    b, (sx, sy) = op.box, op.src
    reference[b.y : b.bottom, b.x : b.right] = reference[sy : sy + b.h, sx : sx + b.w].copy()


def _row_hashes(region: Frame) -> list[int]:
    """One hash per pixel row; rows are copied once into contiguous bytes."""
    block = np.ascontiguousarray(region).reshape(region.shape[0], -1)
    return [hash(row.tobytes()) for row in block]


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


def _longest_match(old: list[int], new: list[int], shift: int) -> tuple[int, int]:
    """Longest run [start, stop) of new rows i with new[i] == old[i + shift]."""
    best = (0, 0)
    start = None
    for i in range(len(new) + 1):
        j = i + shift
        ok = i < len(new) and 0 <= j < len(old) and new[i] == old[j]
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best
