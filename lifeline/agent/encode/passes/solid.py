"""PASS 1: a dirty cell that is one colour becomes a FILL.

Filling is a canvas ``fillRect`` with a 3-byte payload instead of a PNG of a
few hundred bytes and an asynchronous image decode: windows being cleared,
terminals blanking and flat backgrounds are common in support sessions.
"""

from __future__ import annotations

import numpy as np

from lifeline.agent.encode.plan import Frame, Op, OpKind, as_u32

__all__ = ["rewrite_solid"]


def rewrite_solid(ops: list[Op], frame: Frame) -> list[Op]:
    """Return ``ops`` with every single-coloured IMAGE op rewritten as FILL."""
    pixels = as_u32(frame)
    out: list[Op] = []
    for op in ops:
        if op.kind is OpKind.IMAGE:
            b = op.box
            region = pixels[b.y : b.bottom, b.x : b.right]
            first = region[0, 0]
            if bool(np.all(region == first)):
                out.append(Op(OpKind.FILL, b, rgb=_rgb(int(first))))
                continue
        out.append(op)
    return out


def _rgb(bgra: int) -> tuple[int, int, int]:
    """Colour of a little-endian BGRA uint32 pixel (blue in the lowest byte)."""
    return (bgra >> 16) & 0xFF, (bgra >> 8) & 0xFF, bgra & 0xFF
