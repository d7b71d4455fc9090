"""Pick PNG or JPEG for one image rectangle.

Decisions are one-expression predicates with the rule written above them, as
in Guacamole's ``should_use_jpeg()`` (display-worker.c), so the rule can be
read, tested and tuned without tracing control flow.
"""

from __future__ import annotations

import math

import numpy as np

from lifeline.agent.encode.constants import (
    COLOUR_SAMPLE_MAX_PX,
    COLOUR_SAMPLE_STRIDE_PX,
    JPEG_MIN_AREA_PX,
    JPEG_MIN_FPS,
    PNG_ALWAYS_MAX_COLOURS,
    PNG_MAX_COLOURS,
)
from lifeline.agent.encode.plan import Frame, as_u32
from lifeline.protocol.encodings import Encoding

__all__ = ["choose_encoding", "colour_count", "should_use_jpeg"]


def colour_count(region: Frame) -> int:
    """Distinct colours in a 1-in-COLOUR_SAMPLE_STRIDE_PX² sample of ``region``.

    Regions above COLOUR_SAMPLE_MAX_PX × stride² are sampled more sparsely, so
    the count costs at most ~3 ms whatever the region. A sample undercounts,
    which only matters near PNG_MAX_COLOURS; photographic content exceeds it by
    an order of magnitude even when sampled.
    """
    height, width = region.shape[:2]
    stride = max(COLOUR_SAMPLE_STRIDE_PX, math.ceil(math.sqrt(height * width / COLOUR_SAMPLE_MAX_PX)))
    sample = as_u32(region)[::stride, ::stride]
    return int(np.unique(sample).size)


def should_use_jpeg(area_px: int, colours: int, change_fps: float) -> bool:
    """JPEG when all of:

    - the rect is large enough to amortise JPEG's header tax (JPEG_MIN_AREA_PX);
    - it is not flat text or UI, which PNG keeps sharp *and* smaller
      (more than PNG_ALWAYS_MAX_COLOURS colours);
    - it looks photographic (more than PNG_MAX_COLOURS colours), or it changes
      so often (JPEG_MIN_FPS) that lossless detail would not be seen anyway.
    """
    return (
        area_px >= JPEG_MIN_AREA_PX
        and colours > PNG_ALWAYS_MAX_COLOURS
        and (colours > PNG_MAX_COLOURS or change_fps >= JPEG_MIN_FPS)
    )


def choose_encoding(region: Frame, change_fps: float, *, lossless: bool = False) -> Encoding:
    """PNG or JPEG for ``region`` (a BGRA slice); ``lossless`` forces PNG."""
    if lossless:
        return Encoding.PNG
    height, width = region.shape[:2]
    if height * width < JPEG_MIN_AREA_PX:  # skip the colour count for small rects
        return Encoding.PNG
    return Encoding.JPEG if should_use_jpeg(height * width, colour_count(region), change_fps) else Encoding.PNG
