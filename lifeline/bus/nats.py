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


class NatsSubscription:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def unsubscribe(self) -> None:
        try:
            await self.inner.unsubscribe()
        except NatsError as exc:
            log.debug("unsubscribe after close: %s", exc)


class NatsBus:
    def __init__(self, url: str, *, prefix: str = "lifeline") -> None:
        self.url = url
        self.prefix = prefix
        self.client: Client | None = None

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
        strip = len(self.prefix) + 1

        async def on_message(msg: Any) -> None:
            await handler(msg.subject[strip:], msg.data)

        inner = await self._client().subscribe(
            self._wire(subject), cb=on_message, pending_msgs_limit=PENDING_MESSAGES_LIMIT,
            pending_bytes_limit=PENDING_BYTES_LIMIT,
        )
        return NatsSubscription(inner)
