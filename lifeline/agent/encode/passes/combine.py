"""PASS 3: merge neighbouring operations when one larger update is cheaper.

Each update has a fixed cost (headers, a decode and a draw call) on top of
its pixels, so two nearby dirty cells are cheaper as one image. The cost
model follows Guacamole's display-plan-combine.c, in four steps:

1. only ops of the same kind merge (IMAGE with IMAGE, FILL with the same colour);
2. estimate the separate and the combined cost: UPDATE_BASE_COST_PX + area each;
3. refuse merges whose side would exceed MAX_COMBINED_SIDE_PX;
4. merge if the combined cost is not higher, or higher by a negligible amount.

Runs first along each cell row (typing makes horizontal runs), then joins
vertically stacked runs with the same horizontal span (exact, no waste).
"""

from __future__ import annotations

from collections.abc import Callable

from lifeline.agent.encode.constants import (
    MAX_COMBINED_SIDE_PX,
    NEGLIGIBLE_INCREASE_DIVISOR,
    UPDATE_BASE_COST_PX,
)
from lifeline.agent.encode.plan import Box, Op, OpKind

__all__ = ["combine", "should_combine"]


def cost(box: Box) -> int:
    """Cost of sending ``box`` as one update, in pixel-equivalents."""
    return UPDATE_BASE_COST_PX + box.area


def should_combine(a: Box, b: Box) -> bool:
    """True when one update covering both boxes is worth it (steps 2-4 above)."""
    merged = a.union(b)
    separate, combined = cost(a) + cost(b), cost(merged)
    return (
        merged.w <= MAX_COMBINED_SIDE_PX
        and merged.h <= MAX_COMBINED_SIDE_PX
        and (combined <= separate or (combined - separate) * NEGLIGIBLE_INCREASE_DIVISOR < separate)
    )


def combine(ops: list[Op]) -> list[Op]:
    """Merge IMAGE ops with each other and same-coloured FILL ops with each other.

    COPY ops pass through untouched and stay first: they read the viewer's
    screen before anything else of this update is drawn.
    """
    copies = [op for op in ops if op.kind is OpKind.COPY]
    fills = [op for op in ops if op.kind is OpKind.FILL]
    images = [op for op in ops if op.kind is OpKind.IMAGE]
    fills = _merge(fills, lambda a, b: a.rgb == b.rgb and _touching(a.box, b.box))
    images = _merge(images, lambda a, b: a.lossless == b.lossless and should_combine(a.box, b.box))
    return copies + fills + images


def _touching(a: Box, b: Box) -> bool:
    """Adjacent along a full edge, so the union has no pixels outside a and b."""
    same_row = a.y == b.y and a.h == b.h and (a.right == b.x or b.right == a.x)
    same_col = a.x == b.x and a.w == b.w and (a.bottom == b.y or b.bottom == a.y)
    return same_row or same_col


def _merge(ops: list[Op], compatible: Callable[[Op, Op], bool]) -> list[Op]:
    rows = _fold(sorted(ops, key=lambda op: (op.box.y, op.box.h, op.box.x)), compatible, _same_band)
    return _fold(sorted(rows, key=lambda op: (op.box.x, op.box.w, op.box.y)), compatible, _stacked)


def _same_band(a: Box, b: Box) -> bool:
    return a.y == b.y and a.h == b.h


def _stacked(a: Box, b: Box) -> bool:
    return a.x == b.x and a.w == b.w and a.bottom == b.y


def _fold(ops: list[Op], compatible: Callable[[Op, Op], bool], aligned: Callable[[Box, Box], bool]) -> list[Op]:
    """Greedily merge each op into its predecessor while aligned and compatible."""
    out: list[Op] = []
    for op in ops:
        last = out[-1] if out else None
        if last is not None and aligned(last.box, op.box) and compatible(last, op):
            out[-1] = Op(last.kind, last.box.union(op.box), rgb=last.rgb, lossless=last.lossless)
        else:
            out.append(op)
    return out
