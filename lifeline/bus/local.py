"""In-process bus: the default for a single server process.

Each subscription owns a bounded queue drained by its own task, so one slow
handler cannot delay the publisher or the other subscribers.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from lifeline.bus.base import Handler, subject_matches

log = logging.getLogger(__name__)

SUBSCRIBER_QUEUE_LIMIT = 1000  # messages; beyond this a subscriber drops, like NATS' pending limit


class LocalSubscription:
    def __init__(self, bus: LocalBus, pattern: str, handler: Handler) -> None:
        self.bus = bus
        self.pattern = pattern
        self.handler = handler
        self.queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(SUBSCRIBER_QUEUE_LIMIT)
        self.task = asyncio.create_task(self._drain())
        self.dropped = 0

    async def _drain(self) -> None:
        while True:
            subject, payload = await self.queue.get()
            try:
                await self.handler(subject, payload)
            except Exception:
                log.exception("bus handler for %s failed", self.pattern)

    def offer(self, subject: str, payload: bytes) -> None:
        try:
            self.queue.put_nowait((subject, payload))
        except asyncio.QueueFull:
            self.dropped += 1

    async def unsubscribe(self) -> None:
        self.bus.subscriptions.discard(self)
        self.task.cancel()
        with suppress(asyncio.CancelledError):
            await self.task


class LocalBus:
    def __init__(self) -> None:
        self.subscriptions: set[LocalSubscription] = set()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for subscription in list(self.subscriptions):
            await subscription.unsubscribe()

    async def publish(self, subject: str, payload: bytes) -> None:
        for subscription in list(self.subscriptions):
            if subject_matches(subscription.pattern, subject):
                subscription.offer(subject, payload)

    async def subscribe(self, subject: str, handler: Handler) -> LocalSubscription:
        subscription = LocalSubscription(self, subject, handler)
        self.subscriptions.add(subscription)
        return subscription
