"""Pick DEFLATE, PNG or JPEG for one image rectangle, or VP8 for sustained motion.

Decisions are one-expression predicates with the rule written above them, as
in Guacamole's ``should_use_jpeg()`` (display-worker.c), so the rule can be
read, tested and tuned without tracing control flow.
"""

from __future__ import annotations

import math

import numpy as np

from lifeline.agent.encode.constants import (
    COLOUR_PROBE_STRIDE,
    COLOUR_SAMPLE_MAX_PX,
    COLOUR_SAMPLE_STRIDE_PX,
    DEFLATE_MAX_AREA_PX,
    JPEG_MIN_AREA_PX,
    JPEG_MIN_FPS,
    PALETTE_MAX_COLOURS,
    PNG_ALWAYS_MAX_COLOURS,
    PNG_MAX_COLOURS,
    VIDEO_JPEG_BYTES_PER_PX,
    VIDEO_LINK_HYSTERESIS,
    VIDEO_LINK_MAX_JPEG_FPS,
    VIDEO_MAX_GAP_S,
    VIDEO_MIN_RUN,
)
from lifeline.agent.encode.plan import Frame, as_u32
from lifeline.protocol.encodings import Encoding
from lifeline.protocol.messages import Motion

__all__ = [
    "MotionRun", "choose_encoding", "colour_count", "link_too_slow_for_jpeg", "should_use_deflate",
    "should_use_jpeg", "should_use_video",
]


#: No rule below tells apart two colour counts above this.
DECISIVE_COLOURS = max(PNG_MAX_COLOURS, PALETTE_MAX_COLOURS)


def colour_count(region: Frame) -> int:
    """Distinct colours in a 1-in-COLOUR_SAMPLE_STRIDE_PX² sample of ``region``.

    Regions above COLOUR_SAMPLE_MAX_PX × stride² are sampled more sparsely, so
    the count costs at most ~1 ms whatever the region. A sample undercounts,
    which only matters near PNG_MAX_COLOURS; photographic content exceeds it by
    an order of magnitude even when sampled. Above DECISIVE_COLOURS the count
    may be that of a sparser probe (COLOUR_PROBE_STRIDE): still above it, so
    every decision is the same.
    """
    height, width = region.shape[:2]
    stride = max(COLOUR_SAMPLE_STRIDE_PX, math.ceil(math.sqrt(height * width / COLOUR_SAMPLE_MAX_PX)))
    sample = as_u32(region)[::stride, ::stride]
    probe = sample[::COLOUR_PROBE_STRIDE, ::COLOUR_PROBE_STRIDE]
    if probe.size > DECISIVE_COLOURS:
        colours = int(np.unique(probe).size)
        if colours > DECISIVE_COLOURS:
            return colours
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


def should_use_deflate(area_px: int, colours: int) -> bool:
    """DEFLATE (palette + persistent zlib) rather than PNG when both:

    - the rect is small enough that PNG's framing and fresh dictionary dominate
      and the exact palette stays cheap (DEFLATE_MAX_AREA_PX);
    - its sampled colours fit a palette (PALETTE_MAX_COLOURS). A sample can
      undercount; the codec then sends R, G, B, still lossless.
    """
    return area_px <= DEFLATE_MAX_AREA_PX and colours <= PALETTE_MAX_COLOURS


def choose_encoding(region: Frame, change_fps: float, *, lossless: bool = False) -> Encoding:
    """DEFLATE, PNG or JPEG for ``region`` (a BGRA slice); ``lossless`` rules out JPEG."""
    height, width = region.shape[:2]
    area = height * width
    if area < JPEG_MIN_AREA_PX:  # below JPEG's size and DEFLATE's palette cost: skip the colour count
        return Encoding.DEFLATE
    colours = colour_count(region)
    if not lossless and should_use_jpeg(area, colours, change_fps):
        return Encoding.JPEG
    return Encoding.DEFLATE if should_use_deflate(area, colours) else Encoding.PNG


def link_too_slow_for_jpeg(link_bytes_per_s: float | None, frame_px: int, on_video: bool) -> bool:
    """True when the measured link would carry JPEG full frames of ``frame_px`` pixels
    (VIDEO_JPEG_BYTES_PER_PX each) at fewer than VIDEO_LINK_MAX_JPEG_FPS per second, where
    VP8's smaller frames win. ``on_video``: VP8 runs already, so JPEG must fit
    VIDEO_LINK_HYSTERESIS times that rate before it comes back (no flapping at the
    threshold). No estimate (None: the link was not the limit lately) means JPEG.
    """
    jpeg_fps_limit = VIDEO_LINK_MAX_JPEG_FPS * (VIDEO_LINK_HYSTERESIS if on_video else 1.0)
    return link_bytes_per_s is not None and link_bytes_per_s < jpeg_fps_limit * frame_px * VIDEO_JPEG_BYTES_PER_PX


def should_use_video(run_length: int, viewer_accepts: bool, motion: Motion, slow_link: bool) -> bool:
    """VP8 for a full-frame update when all of:

    - the viewer decodes VP8 and the agent can encode it (negotiated);
    - it is at least the VIDEO_MIN_RUN-th large update in a row: sustained
      motion, not one repaint. Typing and scrolling never get here: their
      updates are small, or a COPY, before the full-frame check;
    - the technician did not ask for sharp pictures (Motion.SHARP), and either
      asked for low bandwidth (Motion.VIDEO) or the link is too slow for JPEG
      full frames (``slow_link``: link_too_slow_for_jpeg). On a fast link JPEG
      gives more frames, better quality and ~8x less agent CPU than VP8.
    """
    return (
        viewer_accepts
        and run_length >= VIDEO_MIN_RUN
        and motion is not Motion.SHARP
        and (motion is Motion.VIDEO or slow_link)
    )


class MotionRun:
    """Counts consecutive full-frame-sized updates; a pause over VIDEO_MAX_GAP_S starts a new run."""

    def __init__(self) -> None:
        self.length = 0
        self._last = -math.inf

    def extend(self, now: float) -> int:
        """Count one more large update at ``now``; return the run's length (1: a new run)."""
        if now - self._last > VIDEO_MAX_GAP_S:
            self.length = 0
        self.length += 1
        self._last = now
        return self.length

    def end(self) -> None:
        """The viewer's picture was replaced (FULL update): the next large update starts a run."""
        self.length = 0
        self._last = -math.inf
