"""Rectangle encoding ids of the screen-update frame (twin: web/static/viewer/encodings.js).

Each rectangle in a frame carries one of these ids; the viewer looks up its
decoder by id and fails the stream on an id it does not know. Ids are part of
the wire format: never renumber, only append.

There is deliberately no RAW encoding: an uncompressed 1080p frame is 8 MB,
and every case raw would serve is covered by FILL (one colour) or PNG
(lossless).
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["COPY_PAYLOAD_SIZE", "DEFLATE_HEADER_SIZE", "FILL_PAYLOAD_SIZE", "Encoding", "encoding_name"]


class Encoding(IntEnum):
    """How a rectangle's payload turns into pixels."""

    #: Solid colour. Payload: R, G, B (1 byte each).
    FILL = 1
    #: Copy a same-sized rectangle already on the viewer's screen (scroll, move).
    #: Payload: source x, source y (uint16 each, big-endian). Like every rect it
    #: is applied in order; the encoder puts copies first in a frame so that they
    #: read the pixels of the previous update. Source and target may overlap.
    COPY = 2
    #: Lossless PNG image of the rectangle (text, few colours, settled regions).
    PNG = 3
    #: Lossy JPEG image of the rectangle (photographic or fast-changing regions).
    JPEG = 4
    #: Lossless pixels through one raw-deflate stream per viewer that keeps its
    #: dictionary across updates (text, few colours, small rects). Payload:
    #: flags u8 (bit 0 RESET: a new stream starts here), colours u16 (0: R, G, B
    #: pixels; 1..256: a palette, then row-padded packed indices), deflate data
    #: ending in a sync flush. See lifeline/agent/encode/codecs/deflate.py.
    DEFLATE = 5
    #: One VP8 frame (RFC 6386) of the whole screen, for sustained large-area
    #: motion; the rect is always the full screen. Frames form one stream per
    #: viewer: bit 0 of the first byte is 0 for a key frame, which starts a new
    #: stream (the agent sends one first and after every FULL update). Only sent
    #: to a viewer that listed it in its ``encodings`` message. See
    #: lifeline/agent/encode/codecs/vp8.py.
    VP8 = 6


#: Bytes in a FILL payload: red + green + blue.
FILL_PAYLOAD_SIZE = 1 + 1 + 1
#: Bytes in a COPY payload: source x (uint16) + source y (uint16).
COPY_PAYLOAD_SIZE = 2 + 2
#: Bytes before a DEFLATE payload's deflate data: flags (uint8) + colours (uint16).
DEFLATE_HEADER_SIZE = 1 + 2


def encoding_name(encoding_id: int) -> str:
    """Human-readable name for logs; unknown ids read as ``unknown(N)``."""
    try:
        return Encoding(encoding_id).name
    except ValueError:
        return f"unknown({encoding_id})"
