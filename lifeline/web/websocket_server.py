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
"""

from __future__ import annotations

from collections.abc import Iterable

from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from wsproto import events
from wsproto.frame_protocol import FrameProtocol

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
        self.scope["extensions"][FRAME_WRITER_EXTENSION] = {"writer": FrameWriter(self)}  # type: ignore[index]
