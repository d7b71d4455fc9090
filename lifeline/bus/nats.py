"""NATS bus: lets several server processes serve one help desk.

Core NATS (not JetStream) is used for events and screen relay: a live stream
should drop a slow consumer's excess, which NATS does without closing the
connection (ecosystem.md §10). Durable facts live in the database, not here.
"""

from __future__ import annotations

import logging
from typing import Any

import nats
from nats.aio.client import Client
from nats.errors import Error as NatsError

from lifeline.bus.base import Handler
from lifeline.errors import TransportError

log = logging.getLogger(__name__)

PENDING_MESSAGES_LIMIT = 4096  # per subscription; beyond it NATS reports a slow consumer and drops
PENDING_BYTES_LIMIT = 64 * 1024 * 1024
NATS_MAX_PAYLOAD = 1024 * 1024  # server default; larger screen updates are split by the relay


class _SharedSubscription:
    """One NATS subscription of a pattern and every local handler of it.

    The live hubs of one process listen to the same patterns (`session.>`, `technician.>`): with a NATS
    subscription each, the server sent every event once per hub and the client parsed each copy, which
    with two workers was four deliveries of every API session key (docs/performance.md). Handlers run in
    turn on the one delivery; each only queues or flags work, and one that fails does not stop the rest.
    """

    def __init__(self) -> None:
        self.handlers: list[Handler] = []
        self.inner: Any = None

    async def deliver(self, subject: str, payload: bytes) -> None:
        for handler in list(self.handlers):
            try:
                await handler(subject, payload)
            except Exception:
                log.exception("bus handler failed on %s", subject)


class NatsSubscription:
    def __init__(self, bus: NatsBus, pattern: str, handler: Handler) -> None:
        self.bus = bus
        self.pattern = pattern
        self.handler = handler

    async def unsubscribe(self) -> None:
        await self.bus._remove(self.pattern, self.handler)


class NatsBus:
    def __init__(self, url: str, *, prefix: str = "lifeline") -> None:
        self.url = url
        self.prefix = prefix
        self.client: Client | None = None
        self._shared: dict[str, _SharedSubscription] = {}

    def _wire(self, subject: str) -> str:
        return f"{self.prefix}.{subject}"

    async def start(self) -> None:
        async def on_error(exc: Exception) -> None:
            log.warning("nats: %s", exc)

        try:
            self.client = await nats.connect(
                self.url, error_cb=on_error, max_reconnect_attempts=-1, reconnect_time_wait=0.5
            )
        except (NatsError, OSError) as exc:
            raise TransportError(f"cannot reach the NATS server at {self.url}: {exc}") from exc

    async def close(self) -> None:
        if self.client is not None:
            await self.client.drain()
            self.client = None
            self._shared.clear()

    def _client(self) -> Client:
        if self.client is None:
            raise TransportError("the NATS bus is not started; call start() first")
        return self.client

    async def publish(self, subject: str, payload: bytes) -> None:
        try:
            await self._client().publish(self._wire(subject), payload)
        except NatsError as exc:
            raise TransportError(f"publish to {subject} failed: {exc}") from exc

    async def subscribe(self, subject: str, handler: Handler) -> NatsSubscription:
        shared = self._shared.get(subject)
        if shared is None:
            shared = self._shared[subject] = _SharedSubscription()
            strip = len(self.prefix) + 1

            async def on_message(msg: Any) -> None:
                await shared.deliver(msg.subject[strip:], msg.data)

            try:
                shared.inner = await self._client().subscribe(
                    self._wire(subject), cb=on_message, pending_msgs_limit=PENDING_MESSAGES_LIMIT,
                    pending_bytes_limit=PENDING_BYTES_LIMIT,
                )
            except BaseException:
                del self._shared[subject]
                raise
        shared.handlers.append(handler)
        return NatsSubscription(self, subject, handler)

    async def _remove(self, subject: str, handler: Handler) -> None:
        shared = self._shared.get(subject)
        if shared is None or handler not in shared.handlers:
            return
        shared.handlers.remove(handler)
        if shared.handlers:
            return
        del self._shared[subject]
        try:
            await shared.inner.unsubscribe()
        except NatsError as exc:
            log.debug("unsubscribe after close: %s", exc)
