"""The live-update hub: one bus subscription per process, fanned out to this process's websockets.

Events come from the bus (`session.<lsid>`, `technician.<id>`), so with NATS
every process sees every event and serves its own clients, wherever the
change happened. Each connection is a Zulip-style queue: it starts with a
state (register) or a replay from the database (resume with `last_event_id`),
buffers live events meanwhile, and never delivers an id twice.
See docs/sessions.md "Live updates" and docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from lifeline.bus import Bus, Subscription

log = logging.getLogger(__name__)

CONNECTION_QUEUE_LIMIT = 2000  # messages; a client this far behind is dropped and must resume
SENT_IDS_REMEMBERED = 5000  # ids kept to drop duplicates between replay and live delivery

Filter = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any] | None]


class Connection:
    """One websocket's queue. `filter(route, event)` returns the event to send, or None."""

    def __init__(self, accept: Filter) -> None:
        self.accept = accept
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(CONNECTION_QUEUE_LIMIT)
        self.buffering = True
        self.buffer: list[dict[str, Any]] = []
        self.sent: deque[int] = deque(maxlen=SENT_IDS_REMEMBERED)
        self.sent_set: set[int] = set()
        self.overflowed = False

    def remember(self, event_id: int | None) -> bool:
        """True if the event is new for this client (ephemeral events always are)."""
        if event_id is None:
            return True
        if event_id in self.sent_set:
            return False
        if len(self.sent) == self.sent.maxlen:
            self.sent_set.discard(self.sent[0])
        self.sent.append(event_id)
        self.sent_set.add(event_id)
        return True

    def offer(self, route: dict[str, Any], event: dict[str, Any]) -> None:
        view = self.accept(route, event)
        if view is None:
            return
        if self.buffering:
            self.buffer.append(view)
            return
        if not self.remember(view.get("id")):
            return
        try:
            self.queue.put_nowait(view)
        except asyncio.QueueFull:
            self.overflowed = True

    def release(self, already_sent_up_to: int) -> list[dict[str, Any]]:
        """End buffering: return the buffered events the client has not had yet."""
        self.buffering = False
        pending = [e for e in self.buffer if e.get("id") is None or e["id"] > already_sent_up_to]
        self.buffer = []
        return [e for e in pending if self.remember(e.get("id"))]


class Hub:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.connections: set[Connection] = set()
        self.subscriptions: list[Subscription] = []

    async def start(self) -> None:
        for pattern in ("session.>", "technician.>"):
            self.subscriptions.append(await self.bus.subscribe(pattern, self._on_message))

    async def stop(self) -> None:
        for subscription in self.subscriptions:
            await subscription.unsubscribe()
        self.subscriptions = []

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)

    def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)

    async def _on_message(self, subject: str, data: bytes) -> None:
        if not self.connections:  # nobody on this hub: every API session key would be decoded for nothing
            return
        try:
            message = json.loads(data)
            route, event = message["route"], message["event"]
        except (ValueError, KeyError, TypeError):
            log.warning("malformed live event on %s", subject)
            return
        for connection in list(self.connections):
            connection.offer(route, event)
