"""What both ends of the relay share: one websocket, serialised sends, the bus, the handshake.

Starlette websockets must not be written from two tasks at once, and the
relay writes from the reader, the bus handlers and the heartbeat; ``Link``
serialises every send behind one lock. ``handshake`` answers the protocol
``hello`` with ``welcome`` (or closes with the VersionMismatch text).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from lifeline.bus import Bus, Subscription
from lifeline.protocol import VersionMismatch, messages, negotiate_version
from lifeline.protocol.errors import ProtocolError
from lifeline.services.relay.envelope import pack

log = logging.getLogger(__name__)

#: Each side re-announces itself this often (s); a peer silent for
#: ``STALE_AFTER_S`` is gone (its server process died without saying so).
HEARTBEAT_S = 2.0
STALE_AFTER_S = 3 * HEARTBEAT_S
#: The first messages must come quickly; a silent socket is closed.
HANDSHAKE_TIMEOUT_S = 15.0
POLICY_VIOLATION = 1008
GOING_AWAY = 1001


class Link:
    """One relay websocket plus its bus subscriptions."""

    def __init__(self, websocket: WebSocket, bus: Bus) -> None:
        self.ws = websocket
        self.bus = bus
        self._send_lock = asyncio.Lock()
        self._subscriptions: list[Subscription] = []
        self.closed = False  # the socket is unusable (closed by us or a send failed)
        self._released = False  # subscriptions dropped

    async def send_json(self, message: dict[str, Any]) -> None:
        await self._send(text=json.dumps(message, separators=(",", ":"), ensure_ascii=False))

    async def send_bytes(self, data: bytes) -> None:
        await self._send(data=data)

    async def publish(self, subject: str, kind: str, body: bytes = b"", **fields: Any) -> None:
        for payload in pack(kind, body, **fields):
            await self.bus.publish(subject, payload)

    async def subscribe(self, subject: str, handler: Any) -> None:
        self._subscriptions.append(await self.bus.subscribe(subject, handler))

    async def handshake(self, role: str) -> int | None:
        """hello → welcome; None (socket closed) when the peer is not a ``role`` we share a version with."""
        try:
            text = await asyncio.wait_for(self.ws.receive_text(), HANDSHAKE_TIMEOUT_S)
            hello = messages.decode_message(text, allowed={"hello"})
            if hello["role"] != role:
                raise ProtocolError(f"this endpoint is for the {role}, not the {hello['role']}")
            version = negotiate_version(hello["versions"])
        except VersionMismatch as exc:
            await self.close(POLICY_VIOLATION, str(exc))
            return None
        except (ProtocolError, TimeoutError, KeyError) as exc:
            await self.close(POLICY_VIOLATION, str(exc)[:120])
            return None
        await self.send_json(messages.welcome(version))
        return version

    async def close(self, code: int = GOING_AWAY, reason: str = "") -> None:
        """Drop the bus subscriptions and close the socket; safe to call more than once."""
        if not self._released:
            self._released = True
            for subscription in self._subscriptions:
                await subscription.unsubscribe()
            self._subscriptions.clear()
        if not self.closed:
            self.closed = True
            with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                await self.ws.close(code=code, reason=reason[:120])

    async def _send(self, *, text: str | None = None, data: bytes | None = None) -> None:
        if self.closed:
            return
        async with self._send_lock:
            try:
                if text is not None:
                    await self.ws.send_text(text)
                else:
                    await self.ws.send_bytes(data or b"")
            except (RuntimeError, WebSocketDisconnect, OSError) as exc:
                log.debug("relay send failed: %s", exc)
                self.closed = True
