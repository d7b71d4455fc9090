"""Pointer position and shape: the platform interface and the platform-free policy around it.

Capture runs without the cursor (compositing it into every frame would make
each pointer move a screen update, and costs ~1 ms per frame on X11), so the
agent sends it separately: ``cursor_shape`` (a small PNG and its hotspot)
when the image changes, ``cursor`` (position on the selected monitor) when
the pointer moved. The capture loop polls the tracker at most every
``capture.clock.POLL_S`` (30 times a second, so a moving pointer costs one
~60-byte message per frame at most), and only when the platform reported
motion or a cursor change, or polls by design (other platforms). The
viewer draws it (``lifeline/web/static/viewer/cursor.js``).

Backends only read the platform (``CursorSource``); ``CursorTracker`` decides
what to send and when, so rate limits and coordinates are not per-platform.
"""

from __future__ import annotations

import abc
import base64
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from lifeline.agent.capture.base import Monitor
from lifeline.protocol import messages

__all__ = ["CursorImage", "CursorSource", "CursorTracker", "png_base64"]

#: Larger cursor images are cropped to this (the protocol's limit, Xcursor's largest size).
MAX_CURSOR_SIDE_PX = messages.MAX_CURSOR_PX
_ALPHA, _OPAQUE = 3, 255


@dataclass(frozen=True)
class CursorImage:
    """One cursor image: straight (not premultiplied) RGBA rows, hotspot, and the source's serial."""

    width: int
    height: int
    hot_x: int
    hot_y: int
    rgba: bytes
    serial: int = 0

    @classmethod
    def from_premultiplied_argb(cls, width: int, height: int, hot_x: int, hot_y: int,
                                pixels: list[int], serial: int = 0) -> CursorImage:
        """From 32-bit ARGB words with premultiplied alpha (XFixes, Xcursor), cropped to the protocol's limit."""
        argb = np.asarray(pixels, dtype=np.uint32).reshape(height, width)
        argb = argb[:MAX_CURSOR_SIDE_PX, :MAX_CURSOR_SIDE_PX]
        h, w = argb.shape
        a = (argb >> 24) & 0xFF
        channels = [(argb >> shift) & 0xFF for shift in (16, 8, 0)]
        safe_a = np.where(a == 0, 1, a)
        # Rounded, not floored: flooring darkened every anti-aliased edge pixel by up to one step, and
        # rounding is the exact inverse (re-premultiplying gives back the source's value).
        straight = [np.where(a == 0, 0, np.minimum((c * _OPAQUE + safe_a // 2) // safe_a, _OPAQUE))
                    for c in channels]
        rgba = np.stack([*straight, a], axis=-1).astype(np.uint8)
        return cls(w, h, min(hot_x, w - 1), min(hot_y, h - 1), rgba.tobytes(), serial)

    def shape_message(self) -> dict[str, Any]:
        return messages.cursor_shape(self.width, self.height, self.hot_x, self.hot_y, png_base64(self))


def png_base64(image: CursorImage) -> str:
    """The image as a base64 PNG with alpha (a 32x32 cursor is ~1 kB)."""
    out = io.BytesIO()
    Image.frombytes("RGBA", (image.width, image.height), image.rgba).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


class CursorSource(abc.ABC):
    """Reads the pointer of one desktop (one backend per platform)."""

    @abc.abstractmethod
    def position(self) -> tuple[int, int]:
        """The pointer's position on the virtual desktop."""

    @abc.abstractmethod
    def changed_shape(self) -> CursorImage | None:
        """The current image if it changed since the last call (the first call always returns it); None otherwise.

        Platforms that cannot read the image return None always; the viewer
        then keeps its default arrow.
        """

    def close(self) -> None:  # noqa: B027 - sources without resources need nothing
        """Release the platform connection."""


class CursorTracker:
    """Turns a ``CursorSource`` into the ``cursor`` / ``cursor_shape`` messages a viewer needs."""

    def __init__(self, source: CursorSource) -> None:
        self.source = source
        self._sent_position: tuple[int, int, bool] | None = None
        self._shape: CursorImage | None = None
        self._shape_dirty = False

    def reset(self) -> None:
        """A viewer (re)started: send the shape and position again even if nothing changed."""
        self._sent_position = None
        self._shape_dirty = self._shape is not None

    def poll(self, monitor: Monitor) -> list[dict[str, Any]]:
        """Messages due now for a viewer of ``monitor``: a new shape first, then a new position."""
        out: list[dict[str, Any]] = []
        shape = self.source.changed_shape()
        if shape is not None:
            self._shape, self._shape_dirty = shape, True
        if self._shape_dirty and self._shape is not None:
            out.append(self._shape.shape_message())
            self._shape_dirty = False
        x, y = self.source.position()
        inside = monitor.x <= x < monitor.x + monitor.width and monitor.y <= y < monitor.y + monitor.height
        position = (x - monitor.x, y - monitor.y, inside)
        if position != self._sent_position:
            self._sent_position = position
            out.append(messages.cursor_position(*position))
        return out

    def close(self) -> None:
        self.source.close()
