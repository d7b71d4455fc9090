"""VP8 video of the whole screen, for sustained large-area change (video, animation).

JPEG sends every moving frame whole; VP8 (libvpx through PyAV) predicts each
frame from the previous one, so photographic motion costs a fraction of the
bytes at equal picture quality (docs/protocol.md "VP8"). libvpx is BSD
licensed, unlike the x264 that also ships inside the PyAV wheel.

PyAV is optional: the zipapp agent on a stock Python, or a platform without a
wheel, cannot import it, and then ``available()`` is False and the agent never
offers the encoding. It is imported only when the first frame is encoded:
loading it costs ~22 MB of agent RSS, which a session without motion (or
without a viewer) should not pay.

Payload: exactly one VP8 frame (RFC 6386). Bit 0 of its first byte is 0 for a
key frame (§9.1), which the viewer's WebCodecs decoder needs to know; a key
frame starts a new stream, so the encoder sends one after every ``reset()``.
"""

from __future__ import annotations

import fractions
import importlib.util
from typing import Any

import numpy as np

from lifeline.agent.encode.constants import VIDEO_CPU_USED, VIDEO_THREADS
from lifeline.agent.encode.plan import Frame

__all__ = ["Vp8Encoder", "available", "is_key_frame"]

#: Presentation timestamps count frames; libvpx needs them increasing, and at a
#: constant quantizer its rate control never reads the time base.
_TIME_BASE = fractions.Fraction(1, 30)
#: swscale's AREA filter averages each 2x2 block into the 4:2:0 chroma sample:
#: the best RGB round-trip PSNR of swscale's filters on photographic 1080p, and
#: the cheapest (6 ms vs 8 ms for the default bicubic).
_CHROMA_FILTER = "AREA"
#: Bits per second far above what a constant-quantizer 1080p stream ever needs.
_UNLIMITED_BIT_RATE = 1_000_000_000
#: libvpx's largest key-frame distance: no periodic key frames.
_NO_PERIODIC_KEY_FRAMES = 2**31 - 1
#: VP8 frame tag (RFC 6386 §9.1): bit 0 of the first byte is 0 for a key frame.
_INTER_FRAME_BIT = 0x01


def available() -> bool:
    """True when PyAV (with its bundled libvpx) can be imported; does not import it."""
    return importlib.util.find_spec("av") is not None


def is_key_frame(payload: bytes) -> bool:
    """True when the VP8 frame in ``payload`` is a key frame."""
    return not payload[0] & _INTER_FRAME_BIT


class Vp8Encoder:
    """One VP8 stream of same-sized frames at a constant quantizer.

    >>> encoder = Vp8Encoder()
    >>> payload = encoder.encode(frame, quantizer=8)  # key frame first
    >>> payload = encoder.encode(next_frame, quantizer=8)  # inter frame
    """

    def __init__(self) -> None:
        self._context: Any = None
        self._reformatter: Any = None
        self._size: tuple[int, int] = (0, 0)
        self._quantizer = -1
        self._frames = 0

    @property
    def quantizer(self) -> int | None:
        """The quantizer of the running stream; None before the first frame or after reset()."""
        return None if self._context is None else self._quantizer

    def reset(self) -> None:
        """End the stream: the next frame is a key frame that starts a new one."""
        self._context = None

    def encode(self, frame: Frame, quantizer: int) -> bytes:
        """One VP8 frame of the (h, w, 4) BGRA ``frame``.

        A new size or quantizer restarts the stream (PyAV applies codec options
        only when the encoder opens), so the frame is then a key frame.
        """
        import av  # deferred: see the module docstring
        from av.video.frame import PictureType

        height, width = frame.shape[:2]
        if self._context is None or self._size != (width, height) or quantizer != self._quantizer:
            self._open(width, height, quantizer)
        # from_numpy_buffer wraps the capture without the 6 ms copy of from_ndarray.
        source = av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(frame), format="bgra")
        picture = self._reformatter.reformat(source, format="yuv420p", interpolation=_CHROMA_FILTER)
        picture.pts = self._frames
        if self._frames == 0:
            picture.pict_type = PictureType.I
        self._frames += 1
        packets = self._context.encode(picture)
        # No lag (lag-in-frames 0): each frame comes out at once, as one packet.
        return b"".join(bytes(packet) for packet in packets)

    def _open(self, width: int, height: int, quantizer: int) -> None:
        import av
        from av.video.reformatter import VideoReformatter

        self._reformatter = VideoReformatter()
        context = av.CodecContext.create("libvpx", "w")
        context.width, context.height = width, height
        context.pix_fmt = "yuv420p"
        context.time_base = _TIME_BASE
        context.thread_count = VIDEO_THREADS
        context.options = {
            "deadline": "realtime",
            "cpu-used": str(VIDEO_CPU_USED),
            "lag-in-frames": "0",  # no look-ahead: a frame's packet comes out with it
            "error-resilient": "1",  # a decoder that joins or loses state recovers at the next key frame
            "auto-alt-ref": "0",
            "qmin": str(quantizer),
            "qmax": str(quantizer),
        }
        # Far above any frame's size, so the quantizer, not a bitrate target, decides.
        context.bit_rate = _UNLIMITED_BIT_RATE
        # Key frames only when asked (start, reset): FFmpeg's default GOP of 12 would
        # send a ~300 KB key frame every 12th frame of motion.
        context.gop_size = _NO_PERIODIC_KEY_FRAMES
        self._context = context
        self._size = (width, height)
        self._quantizer = quantizer
        self._frames = 0
