"""Real-time outboxes: one framing per batch, frames in order, and a slow integration given up on."""

from __future__ import annotations

import asyncio

from lifeline.api.realtime_endpoint import Integration, batch_of
from lifeline.api.realtime_outbox import Batch, QueueOutbox, WireOutbox
from lifeline.api.realtime_protocol import CLOSE_POLICY_VIOLATION, TableDiffer, resolve_tables
from lifeline.web.websocket_server import server_frames


class Transport:
    """Stands in for a connection's `FrameWriter`: keeps what is written, as a peer that never reads."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, frames: bytes) -> bool:
        self.written.append(frames)
        return True

    def buffered(self) -> int:
        return sum(map(len, self.written))


class Socket:
    """Stands in for a Starlette websocket: records binary sends and the close."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed: tuple[int, str] | None = None

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


def integration(outbox: WireOutbox | QueueOutbox, socket: Socket) -> Integration:
    return Integration(socket, 1, TableDiffer(resolve_tables("all")), outbox)  # type: ignore[arg-type]


def test_a_batch_is_framed_once_however_many_outboxes_take_it() -> None:
    batch = batch_of([{"type": "model_update", "insert": {}}])
    transports = [Transport() for _ in range(3)]
    for transport in transports:
        WireOutbox(transport).put(batch)  # type: ignore[arg-type]
    assert [t.written for t in transports] == [[server_frames(batch.frames)]] * 3
    assert all(t.written[0] is transports[0].written[0] for t in transports)


def test_wire_outbox_gives_up_when_the_transport_buffer_would_pass_the_limit() -> None:
    async def scenario() -> tuple[Transport, Socket, Integration]:
        transport, socket = Transport(), Socket()
        batch = Batch([b"x" * 100])
        slow = integration(WireOutbox(transport, max_bytes=3 * len(batch.wire)), socket)  # type: ignore[arg-type]
        for _ in range(5):
            slow.send(batch)
        await asyncio.sleep(0)  # the close runs as its own task
        return transport, socket, slow

    transport, socket, slow = asyncio.run(scenario())
    assert len(transport.written) == 3 and slow.too_slow
    assert socket.closed == (CLOSE_POLICY_VIOLATION, "integration too far behind")


def test_queue_outbox_sends_frames_in_order_and_stops_when_too_far_behind() -> None:
    async def scenario() -> tuple[Socket, Integration]:
        socket = Socket()
        queued = integration(QueueOutbox(socket, max_messages=3), socket)  # type: ignore[arg-type]
        sender = asyncio.create_task(queued.outbox.run())
        queued.send(Batch([b"1", b"2"]))
        await asyncio.sleep(0)
        queued.send(Batch([b"3"]))
        queued.send(Batch([b"4", b"5", b"6", b"7"]))  # 4 more than the sender has taken: too slow
        queued.send(Batch([b"8"]))
        await asyncio.wait_for(sender, 1)
        return socket, queued

    socket, queued = asyncio.run(scenario())
    assert queued.too_slow and socket.sent == [b"1", b"2", b"3"]
    assert socket.closed == (CLOSE_POLICY_VIOLATION, "integration too far behind")
