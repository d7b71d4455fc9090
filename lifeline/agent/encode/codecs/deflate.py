"""DEFLATE encoding of a BGRA region: lossless, palette-packed, one zlib stream per viewer.

Why not PNG for small rects: a PNG carries ~60 B of signature, IHDR, IDAT and
IEND framing and a fresh zlib dictionary, so a typed character (two glyph
cells, ~150 px of two colours) cost ~400 B as a whole-cell PNG. Here the
same change is a few bytes of packed 1-bit indices compressed by a zlib
stream that has already seen the previous keystrokes' glyphs, the way VNC's
ZRLE and Tight keep their zlib streams for the life of the connection.

Payload (all integers big-endian; twin decoder: web/static/viewer/decoders/deflate.js)::

    flags    u8   bit 0 RESET: discard the previous stream state, a new raw deflate stream starts here
    colours  u16  0: the pixels are R, G, B bytes, row-major;
                  1..PALETTE_MAX_COLOURS: that many R, G, B palette entries, then packed indices
    data          raw deflate (RFC 1951, no zlib header) up to a sync flush, so that it inflates
                  completely without the next payload, minus the flush's constant 4-byte tail
                  00 00 FF FF, which the decoder appends back (as permessage-deflate does, RFC 7692)

Inflated with palette: ``colours`` × 3 palette bytes, then one row of indices
per pixel row, ``index_bits(colours)`` bits each (1, 2, 4 or 8), most
significant bits first, every row padded to a whole byte (as in PNG and
ZRLE's packed palettes: rows start byte-aligned so the decoder needs no
bit carry between rows).

The stream is stateful, so every update must reach the viewer in order: the
encoder calls ``reset()`` whenever it sends a FULL update (the relay drops
frames after a lost bus part until the next FULL, and a new viewer starts
with one), and the next payload carries RESET.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

from lifeline.agent.encode.constants import DEFLATE_LEVEL, PALETTE_MAX_COLOURS
from lifeline.agent.encode.plan import Frame, as_u32

__all__ = ["FLAG_RESET", "HEADER", "SYNC_FLUSH_TAIL", "DeflateDecoder", "DeflateEncoder", "index_bits"]

#: Payload header: flags u8 + colours u16.
HEADER = struct.Struct(">BH")
#: flags bit 0: a new deflate stream starts with this payload.
FLAG_RESET = 0x01
#: Raw deflate (no zlib header or checksum: the websocket already protects the bytes) with the
#: largest window, 32 KiB, so glyphs seen a few lines ago are still referenced.
WINDOW_BITS = -15
#: What every Z_SYNC_FLUSH ends with (an empty stored block's LEN and NLEN): 4 of the ~30 B a
#: typed character costs, so it is left off the wire.
SYNC_FLUSH_TAIL = b"\x00\x00\xff\xff"
BITS_PER_BYTE = 8
BYTES_PER_RGB = 3


def index_bits(colours: int) -> int:
    """Bits per packed palette index: the smallest of 1, 2, 4, 8 that numbers ``colours``."""
    for bits in (1, 2, 4):
        if colours <= 1 << bits:
            return bits
    return BITS_PER_BYTE


def _pack_rows(indices: npt.NDArray[np.uint8], bits: int) -> bytes:
    """Pack each row of ``indices`` at ``bits`` per index, MSB first, rows padded to a byte."""
    if bits == BITS_PER_BYTE:
        return indices.tobytes()
    per_byte = BITS_PER_BYTE // bits
    height, width = indices.shape
    padded_width = -(-width // per_byte) * per_byte
    padded = np.zeros((height, padded_width), dtype=np.uint8)
    padded[:, :width] = indices
    groups = padded.reshape(height, padded_width // per_byte, per_byte)
    shifts = np.arange(per_byte - 1, -1, -1, dtype=np.uint8) * bits
    packed = np.bitwise_or.reduce(groups << shifts, axis=2).astype(np.uint8)
    return packed.tobytes()


def _rgb_bytes(bgra_u32: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """R, G, B bytes of little-endian BGRA uint32 pixels (any shape), last axis of 3."""
    as_bytes = bgra_u32.astype("<u4").view(np.uint8).reshape(*bgra_u32.shape, 4)
    return as_bytes[..., 2::-1]


class DeflateEncoder:
    """One viewer's deflate stream; ``encode(region)`` is this codec's uniform method.

    >>> codec = DeflateEncoder()
    >>> payload = codec.encode(frame[y:y + h, x:x + w])
    >>> codec.reset()  # after a FULL update: the next payload restarts the stream
    """

    def __init__(self, level: int = DEFLATE_LEVEL) -> None:
        self._level = level
        self._stream: zlib._Compress | None = None

    def reset(self) -> None:
        """Forget the dictionary; the next payload carries FLAG_RESET."""
        self._stream = None

    def encode(self, region: Frame) -> bytes:
        """DEFLATE payload of a (h, w, 4) BGRA region (may be a non-contiguous slice)."""
        height, width = region.shape[:2]
        pixels = as_u32(np.ascontiguousarray(region))
        palette, inverse = np.unique(pixels, return_inverse=True)
        if palette.size <= PALETTE_MAX_COLOURS:
            colours = int(palette.size)
            raw = _rgb_bytes(palette).tobytes() + _pack_rows(
                inverse.reshape(height, width).astype(np.uint8), index_bits(colours))
        else:
            colours = 0
            raw = np.ascontiguousarray(_rgb_bytes(pixels)).tobytes()
        flags = 0
        if self._stream is None:
            self._stream = zlib.compressobj(self._level, zlib.DEFLATED, WINDOW_BITS)
            flags |= FLAG_RESET
        data = self._stream.compress(raw) + self._stream.flush(zlib.Z_SYNC_FLUSH)
        return HEADER.pack(flags, colours) + data[: -len(SYNC_FLUSH_TAIL)]


class DeflateDecoder:
    """The reference decoder (tests, recordings): payload in, (h, w, 3) RGB out."""

    def __init__(self) -> None:
        self._stream: zlib._Decompress | None = None

    def decode(self, payload: bytes, width: int, height: int) -> npt.NDArray[np.uint8]:
        flags, colours = HEADER.unpack_from(payload)
        if flags & FLAG_RESET:
            self._stream = zlib.decompressobj(WINDOW_BITS)
        if self._stream is None:
            raise ValueError("DEFLATE payload continues a stream that was never started (no RESET seen)")
        raw = self._stream.decompress(payload[HEADER.size :] + SYNC_FLUSH_TAIL)
        if colours == 0:
            return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, BYTES_PER_RGB)
        palette_bytes = raw[: colours * BYTES_PER_RGB]
        palette = np.frombuffer(palette_bytes, dtype=np.uint8).reshape(colours, BYTES_PER_RGB)
        bits = index_bits(colours)
        row_bytes = -(-width * bits // BITS_PER_BYTE)
        packed = np.frombuffer(raw[colours * BYTES_PER_RGB :], dtype=np.uint8).reshape(height, row_bytes)
        unpacked = np.unpackbits(packed, axis=1).reshape(height, row_bytes * BITS_PER_BYTE // bits, bits)
        weights = (1 << np.arange(bits - 1, -1, -1)).astype(np.uint16)
        indices = (unpacked * weights).sum(axis=2)[:, :width]
        return palette[indices]
