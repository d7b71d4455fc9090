"""The server's websocket protocol: uvicorn's wsproto one, plus writing pre-framed messages to many sockets.

`lifeline serve` runs uvicorn with wsproto because the real-time API's
subprotocol has spaces in it (`ingredi state api`) and must be echoed exactly,
which wsproto does (docs/api-compatibility.md).

An ASGI `send` passes through every middleware of the application and frames
the message for its one connection. For the `/nw` fan-out that was the cost:
one model update to 1000 integrations meant 1000 trips through the middleware
stack plus 1000 framings of the same bytes (py-spy: half of the server's busy
time between the event and the last arrival, docs/performance.md). Frames a
server sends are not masked (RFC 6455 §5.1), so one framing serves every
connection: `server_frames` frames a message list once, and the connection's
`FrameWriter` (in the scope under `FRAME_WRITER_EXTENSION`) writes those bytes
straight to its transport.

The writer never waits: a peer that does not read lets the transport's buffer
grow, and `FrameWriter.buffered` is how the caller notices and gives up on it.
Bytes written this way overtake an ASGI send that is itself waiting for the
transport to drain, so a connection should use one way or the other once it
streams.

Frames from clients are masked (RFC 6455 §5.3) and wsproto unmasks them in pure
Python: ~290 µs per 250 KB screen frame from an agent, a quarter of the
relay's CPU per forwarded frame. `CMasker` does the same with the C
`apply_mask` of the `websockets` package (~5 µs) and is installed in place of
wsproto's masker when this module is imported, i.e. in the server process.
"""

from __future__ import annotations

from collections.abc import Iterable

from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from wsproto import events, frame_protocol
from wsproto.frame_protocol import FrameProtocol

try:
    from websockets.speedups import apply_mask
except ImportError:  # no C build of `websockets` for this platform: wsproto's own masker stays
    C_APPLY_MASK = False
else:
    C_APPLY_MASK = True

#: The ASGI scope extension (`scope["extensions"][...]`) that holds `{"writer": FrameWriter}`.
FRAME_WRITER_EXTENSION = "lifeline.websocket.frame_writer"


def server_frames(messages: Iterable[bytes]) -> bytes:
    """Each binary message as one unmasked, uncompressed, final frame, concatenated (what a server sends)."""
    framer = FrameProtocol(client=False, extensions=[])
    return b"".join(framer.send_data(message, fin=True) for message in messages)


class FrameWriter:
    """Writes already framed bytes to one accepted websocket connection."""

    def __init__(self, protocol: WSProtocol) -> None:
        self._protocol = protocol

    @property
    def open(self) -> bool:
        """Accepted, and neither closing nor closed: frames may still be written."""
        protocol = self._protocol
        return protocol.handshake_complete and not (
            protocol.close_sent or protocol.response_started or protocol.disconnected
            or protocol.transport.is_closing())

    def write(self, frames: bytes) -> bool:
        """Queue `frames` on the transport; False (nothing written) when the connection is no longer open."""
        if not self.open:
            return False
        self._protocol.transport.write(frames)
        return True

    def buffered(self) -> int:
        """Bytes written but not yet taken by the peer's socket."""
        return self._protocol.transport.get_write_buffer_size()


class FrameWriterWSProtocol(WSProtocol):
    """uvicorn's wsproto protocol that offers every websocket scope a `FrameWriter` (uvicorn's `ws` option)."""

    def handle_connect(self, event: events.Request) -> None:
        super().handle_connect(event)
        self.scope["extensions"][FRAME_WRITER_EXTENSION] = {"writer": FrameWriter(self)}


class CMasker:
    """wsproto's `XorMaskerSimple` interface over the C `apply_mask`.

    A frame's payload arrives in pieces; the key turns by each piece's length
    so the next piece continues where this one stopped.
    """

    def __init__(self, masking_key: bytes | bytearray) -> None:
        self._key = bytes(masking_key)

    def process(self, data: bytes | bytearray) -> bytes:
        if not data:
            return b""
        unmasked: bytes = apply_mask(data, self._key)
        turn = len(data) % 4
        self._key = self._key[turn:] + self._key[:turn]
        return unmasked


if C_APPLY_MASK:
    frame_protocol.XorMaskerSimple = CMasker  # type: ignore[misc,assignment]  # wsproto looks it up per frame
