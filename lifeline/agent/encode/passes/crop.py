"""PASS 5: shrink each image to the bounding box of the pixels that really changed.

Planning works in 64-px cells (cheap to diff, merge and track), but a typed
character changes ~12x13 px of its cell: sending the whole cell was ~400 B
per keystroke where the changed pixels compress to a few dozen. Cropping
after combine keeps the cost model's cell arithmetic and sends only the
changed part of each merged image. A crop that shrank may have become one
colour (a cursor block moved), so it gets the solid check again.
"""

from __future__ import annotations

import numpy as np

from lifeline.agent.encode.passes.solid import rewrite_solid
from lifeline.agent.encode.plan import Box, Frame, Op, OpKind, as_u32

__all__ = ["crop_to_changes"]


def crop_to_changes(ops: list[Op], reference: Frame, frame: Frame) -> list[Op]:
    """``ops`` with every IMAGE op (except lossless refreshes) cropped to its changed pixels.

    ``reference`` is what the viewer will show before these images are drawn
    (copies already applied). An image whose box turns out unchanged is dropped.
    """
    old, new = as_u32(reference), as_u32(frame)
    out: list[Op] = []
    shrunk: list[Op] = []
    for op in ops:
        if op.kind is not OpKind.IMAGE or op.lossless:
            out.append(op)
            continue
        b = op.box
        diff = old[b.y : b.bottom, b.x : b.right] != new[b.y : b.bottom, b.x : b.right]
        rows = np.flatnonzero(diff.any(axis=1))
        if rows.size == 0:
            continue
        cols = np.flatnonzero(diff[rows[0] : rows[-1] + 1].any(axis=0))
        x0, y0 = int(cols[0]), int(rows[0])
        box = Box(b.x + x0, b.y + y0, int(cols[-1]) - x0 + 1, int(rows[-1]) - y0 + 1)
        if box == b:
            out.append(op)
        else:
            shrunk.append(Op(OpKind.IMAGE, box))
    return out + rewrite_solid(shrunk, frame)
