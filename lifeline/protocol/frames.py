"""Binary screen-update frames: build and parse (twin: web/static/viewer/frames.js).

See docs/protocol.md, "Screen updates". One websocket binary message carries
one frame; one frame is one screen update made of N rectangles that the viewer
applies in order and then acknowledges by ``seq``. All integers are big-endian.

    frame  = header rect*
    header = kind u8 | flags u8 | seq u32 | timestamp_ms f64 | screen_w u16 | screen_h u16 | rect_count u16
    rect   = x u16 | y u16 | w u16 | h u16 | encoding u8 | payload_len u32 | payload

The reader is resumable, in the manner of noVNC's ``rQwait``: ``FrameReader``
accepts bytes in any chunking, keeps its partial progress in fields, and
``next()`` returns ``None`` ("need more") instead of blocking. Every wait names
what it waits for, so a debug log shows where a truncated stream stopped.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass, field

from lifeline.protocol.encodings import COPY_PAYLOAD_SIZE, DEFLATE_HEADER_SIZE, FILL_PAYLOAD_SIZE, Encoding
from lifeline.protocol.errors import FrameError

__all__ = [
    "FLAG_FULL",
    "FRAME_HEADER_SIZE",
    "FRAME_KIND_SCREEN_UPDATE",
    "RECT_HEADER_SIZE",
    "FrameReader",
    "Rect",
    "ScreenUpdate",
    "build_frame",
    "parse_frame",
]

log = logging.getLogger(__name__)

#: First byte of every screen-update frame; other binary kinds may follow later.
FRAME_KIND_SCREEN_UPDATE = 0x01
#: Flag bit: the update covers the whole screen (first frame, resize, refresh);
#: a viewer may clear its canvas before applying it.
FLAG_FULL = 0x01
_KNOWN_FLAGS = FLAG_FULL

_HEADER = struct.Struct(">BBIdHHH")
#: kind + flags + seq + timestamp_ms + screen_w + screen_h + rect_count
FRAME_HEADER_SIZE = 1 + 1 + 4 + 8 + 2 + 2 + 2
_RECT = struct.Struct(">HHHHBI")
#: x + y + w + h + encoding + payload_len
RECT_HEADER_SIZE = 2 + 2 + 2 + 2 + 1 + 4
_COPY = struct.Struct(">HH")

#: Upper bound on rectangles in one frame: a 64-px grid of an 8K screen has
#: 128 x 68 = 8704 cells, and the encoder merges far below that.
MAX_RECTS_PER_FRAME = 8704
#: Upper bound on one payload (bytes): a lossless 4K PNG is below 40 MB. Larger
#: claims are hostile and would make a reader buffer without limit.
MAX_RECT_PAYLOAD_BYTES = 64 * 1024 * 1024

assert _HEADER.size == FRAME_HEADER_SIZE and _RECT.size == RECT_HEADER_SIZE


@dataclass(frozen=True, slots=True)
class Rect:
    """One rectangle of an update: where it goes, how it is encoded, its bytes."""

    x: int
    y: int
    width: int
    height: int
    encoding: Encoding
    payload: bytes

    @classmethod
    def fill(cls, x: int, y: int, width: int, height: int, rgb: tuple[int, int, int]) -> Rect:
        """A solid-colour rectangle."""
        return cls(x, y, width, height, Encoding.FILL, bytes(rgb))

    @classmethod
    def copy(cls, x: int, y: int, width: int, height: int, src_x: int, src_y: int) -> Rect:
        """A rectangle copied from (src_x, src_y) of the viewer's previous screen."""
        return cls(x, y, width, height, Encoding.COPY, _COPY.pack(src_x, src_y))

    @property
    def copy_source(self) -> tuple[int, int]:
        """(src_x, src_y) of a COPY rectangle."""
        if self.encoding != Encoding.COPY:
            raise FrameError(f"copy_source asked of a {Encoding(self.encoding).name} rect")
        return _COPY.unpack(self.payload)


@dataclass(frozen=True, slots=True)
class ScreenUpdate:
    """One frame: the rectangles that bring the viewer from update seq-1 to seq."""

    seq: int
    timestamp_ms: float
    screen_width: int
    screen_height: int
    rects: tuple[Rect, ...] = field(default_factory=tuple)
    flags: int = 0

    @property
    def full(self) -> bool:
        return bool(self.flags & FLAG_FULL)


def build_frame(update: ScreenUpdate) -> bytes:
    """Serialise ``update``; validates it exactly as ``parse_frame`` would."""
    _check_header(update.seq, update.flags, update.screen_width, update.screen_height, len(update.rects))
    parts = [
        _HEADER.pack(
            FRAME_KIND_SCREEN_UPDATE,
            update.flags,
            update.seq,
            update.timestamp_ms,
            update.screen_width,
            update.screen_height,
            len(update.rects),
        )
    ]
    for index, rect in enumerate(update.rects):
        _encoding(int(rect.encoding), index)
        _check_rect(rect, update.screen_width, update.screen_height, index)
        parts.append(_RECT.pack(rect.x, rect.y, rect.width, rect.height, rect.encoding, len(rect.payload)))
        parts.append(rect.payload)
    return b"".join(parts)


def parse_frame(data: bytes | bytearray | memoryview) -> ScreenUpdate:
    """Parse exactly one complete frame (one websocket message)."""
    reader = FrameReader()
    reader.feed(data)
    update = reader.next()
    if update is None:
        raise FrameError(f"truncated frame: {reader.waiting_for}")
    if reader.buffered:
        raise FrameError(f"{reader.buffered} trailing bytes after frame seq {update.seq}")
    return update


class FrameReader:
    """Resumable parser: ``feed()`` bytes in any chunks, ``next()`` yields updates.

    >>> reader = FrameReader()
    >>> reader.feed(chunk)           # any size, even one byte
    >>> while (update := reader.next()) is not None:
    ...     apply(update)
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._header: tuple[int, int, float, int, int, int] | None = None
        self._rects: list[Rect] = []
        self._rect_header: tuple[int, int, int, int, Encoding, int] | None = None
        self.waiting_for = ""

    @property
    def buffered(self) -> int:
        """Bytes received but not yet consumed."""
        return len(self._buf) - self._pos

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        self._buf += data

    def next(self) -> ScreenUpdate | None:
        """Return the next complete update, or ``None`` if more bytes are needed."""
        if self._header is None:
            if not self._wait("frame header", FRAME_HEADER_SIZE):
                return None
            kind, flags, seq, ts, width, height, count = _HEADER.unpack_from(self._buf, self._pos)
            if kind != FRAME_KIND_SCREEN_UPDATE:
                raise FrameError(f"unknown frame kind 0x{kind:02x}")
            _check_header(seq, flags, width, height, count)
            self._pos += FRAME_HEADER_SIZE
            self._header = (flags, seq, ts, width, height, count)
        flags, seq, ts, width, height, count = self._header
        while len(self._rects) < count:
            index = len(self._rects)
            if self._rect_header is None:
                if not self._wait(f"rect {index} header", RECT_HEADER_SIZE):
                    return None
                x, y, w, h, enc_id, length = _RECT.unpack_from(self._buf, self._pos)
                encoding = _encoding(enc_id, index)
                if length > MAX_RECT_PAYLOAD_BYTES:
                    raise FrameError(f"rect {index}: payload of {length} bytes exceeds {MAX_RECT_PAYLOAD_BYTES}")
                self._pos += RECT_HEADER_SIZE
                self._rect_header = (x, y, w, h, encoding, length)
            x, y, w, h, encoding, length = self._rect_header
            if not self._wait(f"rect {index} {encoding.name} payload", length):
                return None
            payload = bytes(self._buf[self._pos : self._pos + length])
            self._pos += length
            rect = Rect(x, y, w, h, encoding, payload)
            _check_rect(rect, width, height, index)
            self._rects.append(rect)
            self._rect_header = None
        update = ScreenUpdate(seq, ts, width, height, tuple(self._rects), flags)
        self._header, self._rects = None, []
        del self._buf[: self._pos]
        self._pos = 0
        self.waiting_for = ""
        return update

    def _wait(self, label: str, size: int) -> bool:
        """True when ``size`` bytes are available; otherwise record what is awaited."""
        if self.buffered >= size:
            return True
        self.waiting_for = f"{label}: need {size} bytes, have {self.buffered}"
        log.debug("frame reader waiting for %s", self.waiting_for)
        return False


def _encoding(enc_id: int, index: int) -> Encoding:
    try:
        return Encoding(enc_id)
    except ValueError:
        raise FrameError(f"rect {index}: unsupported encoding {enc_id}") from None


def _check_header(seq: int, flags: int, width: int, height: int, count: int) -> None:
    if not 0 <= seq <= 0xFFFFFFFF:
        raise FrameError(f"seq {seq} out of uint32 range")
    if flags & ~_KNOWN_FLAGS:
        raise FrameError(f"unknown flag bits 0x{flags & ~_KNOWN_FLAGS:02x}")
    if not (0 < width <= 0xFFFF and 0 < height <= 0xFFFF):
        raise FrameError(f"screen size {width}x{height} out of range")
    if count > MAX_RECTS_PER_FRAME:
        raise FrameError(f"{count} rects exceed the limit of {MAX_RECTS_PER_FRAME}")


def _check_rect(rect: Rect, screen_w: int, screen_h: int, index: int | None = None) -> None:
    where = f"rect {index}" if index is not None else "rect"
    if rect.width <= 0 or rect.height <= 0:
        raise FrameError(f"{where}: empty {rect.width}x{rect.height}")
    if rect.x < 0 or rect.y < 0 or rect.x + rect.width > screen_w or rect.y + rect.height > screen_h:
        raise FrameError(
            f"{where}: {rect.width}x{rect.height}+{rect.x}+{rect.y} outside screen {screen_w}x{screen_h}"
        )
    if rect.encoding == Encoding.FILL and len(rect.payload) != FILL_PAYLOAD_SIZE:
        raise FrameError(f"{where}: FILL payload must be {FILL_PAYLOAD_SIZE} bytes, got {len(rect.payload)}")
    if rect.encoding == Encoding.COPY:
        if len(rect.payload) != COPY_PAYLOAD_SIZE:
            raise FrameError(f"{where}: COPY payload must be {COPY_PAYLOAD_SIZE} bytes, got {len(rect.payload)}")
        src_x, src_y = _COPY.unpack(rect.payload)
        if src_x + rect.width > screen_w or src_y + rect.height > screen_h:
            raise FrameError(f"{where}: COPY source +{src_x}+{src_y} outside screen {screen_w}x{screen_h}")
    if rect.encoding in (Encoding.PNG, Encoding.JPEG) and not rect.payload:
        raise FrameError(f"{where}: empty {Encoding(rect.encoding).name} payload")
    if rect.encoding == Encoding.DEFLATE and len(rect.payload) <= DEFLATE_HEADER_SIZE:
        raise FrameError(f"{where}: DEFLATE payload must exceed its {DEFLATE_HEADER_SIZE}-byte header, "
                         f"got {len(rect.payload)}")
