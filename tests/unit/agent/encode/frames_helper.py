"""Synthetic BGRA frames and a reference renderer shared by the encoder tests.

``render`` applies a parsed update the way the browser viewer does (rects in
order, a copy reading the screen as the rects before it left it), so a test can assert that the
viewer's screen ends up equal to the captured frame. DEFLATE rects go through one module-level
reference decoder, as the viewer keeps one inflate stream: a payload flagged RESET restarts it,
so each test's first DEFLATE rect (after its encoder's FULL update) starts clean. VP8 rects go
through one PyAV decoder the same way, restarted at every key frame.
"""

from __future__ import annotations

import io

import numpy as np
import numpy.typing as npt
from PIL import Image

from lifeline.agent.encode.codecs import vp8
from lifeline.agent.encode.codecs.deflate import DeflateDecoder
from lifeline.protocol import Encoding, ScreenUpdate, parse_frame

Frame = npt.NDArray[np.uint8]

_INFLATE = DeflateDecoder()

#: smooth_picture's red channel changes phase by one radian per this many px of drift.
VIDEO_PHASE_PX = 40.0


class Vp8Decoder:
    """PyAV's VP8 decoder, restarted at each key frame as the viewer's WebCodecs decoder is."""

    def __init__(self) -> None:
        self._context: object = None

    def decode(self, payload: bytes) -> Frame:
        """BGRA pixels of one VP8 frame."""
        import av  # optional dependency: only tests that send VP8 need it

        if vp8.is_key_frame(payload):
            self._context = av.CodecContext.create("vp8", "r")
        assert self._context is not None, "a VP8 stream must start with a key frame"
        (picture,) = self._context.decode(av.Packet(payload))  # type: ignore[attr-defined]
        pixels: Frame = picture.to_ndarray(format="bgra")
        return pixels


_VP8 = Vp8Decoder()


def blank(height: int = 320, width: int = 512, bgr: tuple[int, int, int] = (0, 0, 0)) -> Frame:
    frame = np.zeros((height, width, 4), dtype=np.uint8)
    frame[..., :3] = bgr
    frame[..., 3] = 255
    return frame


def text_lines(frame: Frame, seed: int = 0, line_px: int = 13, glyph_rows: int = 9, right: int = 400) -> Frame:
    """Fill ``frame`` with pseudo-random 'text' lines: every line differs, like a terminal."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    for y in range(0, out.shape[0] - glyph_rows, line_px):
        ink = rng.random((glyph_rows, right - 8)) > 0.6
        out[y : y + glyph_rows, 8:right, :3][ink] = 220
    return out


def photo(height: int, width: int, seed: int = 1) -> npt.NDArray[np.uint8]:
    """Smooth-ish noise with thousands of colours, standing in for a photograph."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


def smooth_picture(height: int, width: int, shift: int = 0) -> Frame:
    """A smooth colour field (photograph-like) at time ``shift``: like video, not a pure move.

    Blue and green drift ``shift`` px to the right, red changes in place, so no
    pixel of one frame equals a shifted pixel of another (a pure pan would be
    sent as a COPY, passes/pans.py, not as motion video).
    """
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    xx -= shift
    frame = np.empty((height, width, 4), dtype=np.uint8)
    frame[..., 0] = 128 + 100 * np.sin(xx / 23.0)
    frame[..., 1] = 128 + 100 * np.sin(yy / 17.0 + xx / 41.0)
    frame[..., 2] = 128 + 100 * np.cos((xx + yy) / 29.0 + shift / VIDEO_PHASE_PX)
    frame[..., 3] = 255
    return frame


def render(screen: Frame | None, data: bytes) -> tuple[Frame, ScreenUpdate]:
    """Apply one frame's bytes to a copy of ``screen`` (None: a fresh screen)."""
    update = parse_frame(data)
    before = screen if screen is not None else blank(update.screen_height, update.screen_width)
    after = before.copy()
    for r in update.rects:
        target = after[r.y : r.y + r.height, r.x : r.x + r.width]
        if r.encoding is Encoding.FILL:
            red, green, blue = r.payload
            target[..., :3] = (blue, green, red)
        elif r.encoding is Encoding.COPY:
            sx, sy = r.copy_source
            target[...] = after[sy : sy + r.height, sx : sx + r.width].copy()
        elif r.encoding is Encoding.DEFLATE:
            target[..., :3] = _INFLATE.decode(r.payload, r.width, r.height)[..., ::-1]
        elif r.encoding is Encoding.VP8:
            target[..., :3] = _VP8.decode(r.payload)[..., :3]
        else:
            rgb = np.asarray(Image.open(io.BytesIO(r.payload)).convert("RGB"))
            target[..., :3] = rgb[..., ::-1]
    return after, update


def max_error(a: Frame, b: Frame) -> int:
    return int(np.abs(a[..., :3].astype(int) - b[..., :3].astype(int)).max())


def psnr(a: Frame, b: Frame) -> float:
    """Peak signal-to-noise ratio (dB) of the B, G, R channels; inf when equal."""
    mse = float(np.mean((a[..., :3].astype(np.float64) - b[..., :3].astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)
