"""PNG encoding of a BGRA region (lossless: text, UI, settled regions).

Pillow's raw "BGRX" unpacker reads the capture buffer directly, so no numpy
channel shuffle is needed; alpha is dropped because the screen is opaque.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from lifeline.agent.encode.constants import PNG_COMPRESS_LEVEL
from lifeline.agent.encode.plan import Frame

__all__ = ["encode"]


def encode(region: Frame) -> bytes:
    """PNG bytes (RGB, 8 bit) of a (h, w, 4) BGRA array, which may be a non-contiguous slice."""
    height, width = region.shape[:2]
    data = np.ascontiguousarray(region)
    image = Image.frombuffer("RGB", (width, height), data, "raw", "BGRX", 0, 1)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()
