"""How the real-time hub hands messages to one integration's connection, and when it gives up on it.

A flush sends the same frames to every integration of a table list. Under
`lifeline serve` (`lifeline/web/websocket_server.py`) they are framed for the
wire once per flush (`Batch.wire`) and written straight to each connection's
transport by `WireOutbox`: no task, no queue and no trip through the ASGI
middleware per integration, which is what made the fan-out to 1000
integrations slow. The transport's write buffer is then the backlog.

Under an ASGI server without the frame writer (the test client, another
server), `QueueOutbox` keeps the frames in a queue drained by the
connection's own task through ordinary ASGI sends.

Either way, an integration whose backlog would pass the limits of
`realtime_protocol` is too slow and is closed rather than slowing anyone
else; the caller asks `over_limit` before `put`.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Protocol

from starlette.websockets import WebSocket

from lifeline.api.realtime_protocol import BACKLOG_MAX_BYTES, BACKLOG_MAX_MESSAGES
from lifeline.web.websocket_server import FRAME_WRITER_EXTENSION, FrameWriter, server_frames


class Batch:
    """The binary frames of one flush (or one full copy) for every integration of a table list."""

    def __init__(self, frames: list[bytes]) -> None:
        self.frames = frames
        self.size = sum(map(len, frames))

    @cached_property
    def wire(self) -> bytes:
        """The frames as a server writes them, framed the first time a `WireOutbox` asks."""
        return server_frames(self.frames)


class Outbox(Protocol):
    def over_limit(self, batch: Batch) -> bool:
        """Whether accepting `batch` would put this connection too far behind."""

    def put(self, batch: Batch) -> None: ...

    async def run(self) -> None:
        """What the connection's task does while it streams (returns when `stop` is called, or at once)."""

    def stop(self) -> None: ...


class WireOutbox:
    """Writes each batch's wire bytes to the connection's transport at once; the transport buffers them.

    Only bytes are limited here: the transport's buffer holds bytes, not messages.
    """

    def __init__(self, writer: FrameWriter, max_bytes: int = BACKLOG_MAX_BYTES) -> None:
        self.writer = writer
        self.max_bytes = max_bytes

    def over_limit(self, batch: Batch) -> bool:
        return self.writer.buffered() + len(batch.wire) > self.max_bytes

    def put(self, batch: Batch) -> None:
        self.writer.write(batch.wire)  # a connection gone meanwhile is dropped by its endpoint

    async def run(self) -> None:
        """Nothing to drain: the transport sends in the background."""

    def stop(self) -> None:
        """Nothing to stop."""


class QueueOutbox:
    """A queue of frames drained by `run` through the connection's ASGI sends."""

    def __init__(self, websocket: WebSocket, max_messages: int = BACKLOG_MAX_MESSAGES,
                 max_bytes: int = BACKLOG_MAX_BYTES) -> None:
        self.websocket = websocket
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.queued_bytes = 0

    def over_limit(self, batch: Batch) -> bool:
        return self.queue.qsize() + len(batch.frames) > self.max_messages or \
            self.queued_bytes + batch.size > self.max_bytes

    def put(self, batch: Batch) -> None:
        for frame in batch.frames:
            self.queued_bytes += len(frame)
            self.queue.put_nowait(frame)

    async def run(self) -> None:
        while (frame := await self.queue.get()) is not None:
            self.queued_bytes -= len(frame)
            await self.websocket.send_bytes(frame)

    def stop(self) -> None:
        self.queue.put_nowait(None)


def outbox_for(websocket: WebSocket) -> Outbox:
    """A `WireOutbox` when the server offers the frame writer, else a `QueueOutbox`."""
    extension = websocket.scope.get("extensions", {}).get(FRAME_WRITER_EXTENSION)
    return WireOutbox(extension["writer"]) if extension is not None else QueueOutbox(websocket)
