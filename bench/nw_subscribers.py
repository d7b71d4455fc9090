"""`/nw` subscribers for `bench/api.py`: many real-time connections, arrival stamped when the bytes arrive.

Each subscriber is a bare asyncio `Protocol` speaking the websocket through
wsproto (the handshake offers the URL-encoded `ingredi%20state%20api`
spelling). Its arrival time is `time.perf_counter()` taken on entry to
`data_received` for the chunk that completes the awaited `model_update`, before
anything of that chunk is parsed: the moment the bytes reach the subscriber
process, not the moment a client library got round to handing them over.

One client event loop still serves every subscriber of its process in turn, so
the last socket's stamp includes the loop's work on all the sockets before it.
`Fleet` therefore spreads the subscribers over `processes` child processes
(each its own loop, on uvloop). `perf_counter` is CLOCK_MONOTONIC on Linux,
one clock for every process of the machine, so the parent can subtract its own
send time from the children's stamps.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import cast

import uvloop
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Message,
    RejectConnection,
    Request,
    TextMessage,
)

#: The spelling of the subprotocol the bench offers (the URL-encoded one; tests cover both).
SUBPROTOCOL = "ingredi%20state%20api"
#: Connections opened at once per process (the server's accept backlog and the handshakes' CPU).
CONNECT_BATCH = 50
#: The full copy has been received when no subscriber got anything for this long.
QUIET_S = 0.3
#: A child gives up on subscribers that never see the update after this long.
WAIT_BUDGET_S = 60.0


@dataclass
class Subscriber(asyncio.Protocol):
    """One `/nw` connection; `arrived` is set when the model_update inserting a support_session arrives."""

    host: str
    hello: bytes
    conn: WSConnection = field(default_factory=lambda: WSConnection(ConnectionType.CLIENT))
    transport: asyncio.Transport | None = None
    pending: bytearray = field(default_factory=bytearray)
    replies: int = 0  # authenticate_response, subscribe_response
    subscribed: asyncio.Event = field(default_factory=asyncio.Event)
    last_data: float = 0.0
    armed: bool = False
    arrived: asyncio.Future[float] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's
        self.transport.write(self.conn.send(Request(host=self.host, target="/nw", subprotocols=[SUBPROTOCOL])))

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.last_data = now
        assert self.transport is not None
        self.conn.receive_data(data)
        for event in self.conn.events():
            if isinstance(event, AcceptConnection):
                self.transport.write(self.conn.send(Message(data=self.hello.decode())))
            elif isinstance(event, (BytesMessage, TextMessage)):
                self.pending += event.data if isinstance(event, BytesMessage) else event.data.encode()
                self._messages(now)
            elif isinstance(event, (CloseConnection, RejectConnection)):
                self._fail(f"closed by the server: {event}")

    def _messages(self, now: float) -> None:
        while (end := self.pending.find(b"\n")) >= 0:
            line, self.pending = bytes(self.pending[:end]), self.pending[end + 1:]
            if self.replies < 2:
                self.replies += 1
                if b'"success":true' not in line:
                    self._fail(f"refused: {line[:200]!r}")
                elif self.replies == 2:
                    self.subscribed.set()
            elif self.armed and not self.arrived.done():
                message = json.loads(line)
                if message.get("type") == "model_update" and "support_session" in message.get("insert", {}):
                    self.arrived.set_result(now)

    def _fail(self, why: str) -> None:
        if not self.arrived.done():
            self.arrived.set_exception(RuntimeError(why))
        self.subscribed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost: {exc}")


async def open_subscribers(host: str, port: int, token: str, count: int) -> list[Subscriber]:
    """`count` subscribed connections whose full copy has been received."""
    hello = (json.dumps({"type": "authenticate", "credentials": {"bearer_token": token}}) + "\n"
             + json.dumps({"type": "subscribe", "tables": ["support_session"]}) + "\n").encode()
    loop = asyncio.get_running_loop()
    subscribers: list[Subscriber] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = [Subscriber(f"{host}:{port}", hello) for _ in range(min(CONNECT_BATCH, count - start))]
        await asyncio.gather(*(loop.create_connection(lambda s=s: s, host, port) for s in batch))
        await asyncio.gather(*(s.subscribed.wait() for s in batch))
        subscribers += batch
    for s in subscribers:
        if s.arrived.done():
            s.arrived.result()  # raises why it failed
    while time.perf_counter() - max(s.last_data for s in subscribers) < QUIET_S:
        await asyncio.sleep(QUIET_S / 3)
    return subscribers


async def _child_main(pipe: Connection, host: str, port: int, token: str, count: int) -> None:
    subscribers = await open_subscribers(host, port, token, count)
    for s in subscribers:
        s.armed = True
    pipe.send("ready")
    arrivals = await asyncio.wait_for(asyncio.gather(*(s.arrived for s in subscribers)), WAIT_BUDGET_S)
    pipe.send(list(arrivals))
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # `Fleet.close`: hang up now
    for s in subscribers:
        assert s.transport is not None
        s.transport.close()


def _child(pipe: Connection, host: str, port: int, token: str, count: int) -> None:
    try:
        uvloop.run(_child_main(pipe, host, port, token, count))
    except BaseException as exc:
        pipe.send(f"failed: {exc!r}")
        raise


class Fleet:
    """`count` subscribers spread over `processes` child processes; `arrivals()` after the event is sent."""

    def __init__(self, host: str, port: int, token: str, count: int, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        shares = [count // processes + (i < count % processes) for i in range(processes)]
        self.pipes: list[Connection] = []
        self.children = []
        for share in filter(None, shares):
            mine, theirs = context.Pipe()
            child = context.Process(target=_child, args=(theirs, host, port, token, share), daemon=True)
            child.start()
            self.pipes.append(mine)
            self.children.append(child)

    def wait_ready(self) -> None:
        for pipe in self.pipes:
            self._expect(pipe, "ready")

    def arrivals(self) -> list[float]:
        stamps: list[float] = []
        for pipe in self.pipes:
            got = self._receive(pipe)
            if not isinstance(got, list):
                raise SystemExit(f"/nw subscriber process: {got}")
            stamps += got
        return stamps

    def close(self) -> None:
        for pipe in self.pipes:
            with suppress(OSError):  # that child has ended already
                pipe.send("close")
        for child in self.children:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()

    def _expect(self, pipe: Connection, what: str) -> None:
        got = self._receive(pipe)
        if got != what:
            raise SystemExit(f"/nw subscriber process: {got}")

    @staticmethod
    def _receive(pipe: Connection) -> object:
        if not pipe.poll(WAIT_BUDGET_S + 2 * QUIET_S):
            raise SystemExit("/nw subscriber process did not answer in time")
        return pipe.recv()
