"""The real-time state API websocket `/nw` (spec api-reporting-realtime §4) and its hub.

One `RealtimeHub` per server process listens to the bus (session, technician,
presence, organization and API-attribute subjects). Each event is noted by the
hub's `ModelSource` (which session it touched) and wakes the flush task, which
re-reads only what changed (`realtime_source.py`) and sends each integration
the `TableDiffer` difference between what it has and the new snapshot. Events
arriving while a flush runs are folded into the next one.

Every subscribed integration holds the same snapshot object: a newcomer gets
the full copy of the hub's current snapshot (encoded once per table list, and
shared by everyone subscribing before the next flush), and the next flush
brings everybody forward together. So one flush costs one diff and one
encoding per distinct table list, however many integrations listen. A
periodic refresh catches presence changes that publish no event.

A flush's frames are framed for the wire once and written straight to every
integration's transport (`realtime_outbox.py`); an integration whose backlog
would pass the limits of `realtime_protocol` is closed with 1008 rather than
slowing anyone else.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from lifeline.api.bearer import account_for_bearer
from lifeline.api.realtime_outbox import Batch, Outbox, outbox_for
from lifeline.api.realtime_protocol import (
    CLOSE_POLICY_VIOLATION,
    CLOSE_PROTOCOL_ERROR,
    REASON_INVALID_TOKEN,
    REASON_NO_PERMISSION,
    REASON_TOO_MANY_INTEGRATIONS,
    Authenticate,
    MessageBuffer,
    ProtocolViolation,
    RealtimeState,
    Snapshot,
    SubscriptionRejected,
    TableDiffer,
    authenticate_response,
    check_message_order,
    encode_message,
    parse_client_message,
    parse_subprotocol_header,
    resolve_tables,
    select_subprotocol,
    split_frames,
    subscribe_response,
)
from lifeline.api.realtime_source import ModelSource
from lifeline.services.context import Services
from lifeline.services.integration.nodes import public_hostname

log = logging.getLogger(__name__)

#: Subjects whose events can change the model. `relay.*` (screen frames) is deliberately absent.
WATCHED_SUBJECTS = ("session.>", "technician.>", "presence", "presence.>", "org", "api.>")
#: Events arriving within this window after the first are folded into one flush. Small: a flush
#: reads only what changed, and events arriving while one runs are folded into the next anyway.
DEBOUNCE_S = 0.002
#: Re-read the people part this often even without events (presence time-outs publish nothing).
REFRESH_S = 5.0


@dataclass(eq=False)
class Integration:
    websocket: WebSocket
    account_id: int
    differ: TableDiffer
    outbox: Outbox
    snapshot: Snapshot = field(default_factory=dict)
    too_slow: bool = False

    def send(self, batch: Batch) -> None:
        if self.too_slow:
            return
        if self.outbox.over_limit(batch):
            self.too_slow = True
            self.outbox.stop()
            asyncio.get_running_loop().create_task(self.close_slow())
            return
        self.outbox.put(batch)

    async def close_slow(self) -> None:
        with suppress(RuntimeError, WebSocketDisconnect):
            await self.websocket.close(CLOSE_POLICY_VIOLATION, "integration too far behind")


def batch_of(messages: list[dict[str, Any]]) -> Batch:
    return Batch([frame for message in messages for frame in split_frames(encode_message(message))])


class RealtimeHub:
    """Start-up/shutdown hooks plus the registry of subscribed integrations of this process."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.source: ModelSource | None = None
        self.integrations: set[Integration] = set()
        # What every subscribed integration has; None when nobody listens (then it is not kept up to date).
        self.snapshot: Snapshot | None = None
        self.full_copies: dict[tuple[str, ...], Batch] = {}  # of `snapshot`, per table list
        self.dirty = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.subscriptions: list[Any] = []
        self.lock = asyncio.Lock()

    async def start(self, services: Services) -> None:
        self.services = services
        self.source = ModelSource(site_name=public_hostname(services))
        for subject in WATCHED_SUBJECTS:
            self.subscriptions.append(await services.bus.subscribe(subject, self._on_event))
        self.tasks.append(asyncio.create_task(self._flush_forever()))

    async def stop(self, services: Services) -> None:
        for subscription in self.subscriptions:
            await subscription.unsubscribe()
        for task in self.tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _on_event(self, subject: str, payload: bytes) -> None:
        assert self.source is not None
        self.source.note(subject)
        self.dirty.set()

    async def read_snapshot(self) -> Snapshot:
        assert self.services is not None and self.source is not None
        async with self.services.db.session() as db:
            return await self.source.read(db)

    async def _flush_forever(self) -> None:
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self.dirty.wait(), REFRESH_S)
            await asyncio.sleep(DEBOUNCE_S)
            self.dirty.clear()
            try:
                await self.flush()
            except Exception:  # a failed read must not end the hub; the next event retries
                log.exception("real-time flush failed")

    async def flush(self) -> None:
        async with self.lock:
            if not self.integrations:
                self.snapshot = None  # nobody to keep up to date; the source keeps noting events
                return
            current = await self.read_snapshot()
            # Everyone holds `self.snapshot`; the key still includes the snapshot's identity in case one does not.
            shared: dict[tuple[int, tuple[str, ...]], Batch] = {}
            for integration in list(self.integrations):
                key = (id(integration.snapshot), integration.differ.tables)
                if key not in shared:
                    shared[key] = batch_of(integration.differ.diff(integration.snapshot, current))
                integration.snapshot = current
                if integration.too_slow:
                    self.drop(integration)
                elif shared[key].frames:
                    integration.send(shared[key])
            self.snapshot = current
            self.full_copies = {}

    async def subscribe(self, integration: Integration, limit: int, accepted: Batch) -> bool:
        """Register and send `accepted` then the full copy of the shared snapshot.

        False (nothing sent) when the integration limit is reached."""
        async with self.lock:
            if len(self.integrations) >= limit:
                return False
            if self.snapshot is None:
                self.snapshot = await self.read_snapshot()
                self.full_copies = {}
            tables = integration.differ.tables
            if tables not in self.full_copies:
                self.full_copies[tables] = batch_of(integration.differ.full_copy(self.snapshot))
            integration.snapshot = self.snapshot
            integration.send(accepted)
            integration.send(self.full_copies[tables])
            self.integrations.add(integration)
            return True

    def drop(self, integration: Integration) -> None:
        self.integrations.discard(integration)


async def _send_now(ws: WebSocket, message: dict[str, Any]) -> None:
    for frame in split_frames(encode_message(message)):
        await ws.send_bytes(frame)


async def realtime_endpoint(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    hub: RealtimeHub = websocket.app.state.realtime_hub
    # wsproto hands the offered names over in the scope (not the headers); other servers may not.
    offered = list(websocket.scope.get("subprotocols") or []) or \
        parse_subprotocol_header(websocket.headers.get("sec-websocket-protocol"))
    chosen = select_subprotocol(offered)
    if chosen is None:
        await websocket.send_denial_response(PlainTextResponse("Unsupported WebSocket subprotocol", 400))
        return
    await websocket.accept(subprotocol=chosen)
    state = RealtimeState.CONNECTED
    buffer = MessageBuffer()
    account_id = 0
    integration: Integration | None = None
    sender: asyncio.Task[None] | None = None
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            data: str | bytes = text if text is not None else message.get("bytes") or b""
            for line in buffer.feed(data):
                if state is RealtimeState.STREAMING:
                    continue  # client messages after subscribing are ignored (§4.7)
                parsed = parse_client_message(line)
                check_message_order(state, parsed)
                if isinstance(parsed, Authenticate):
                    account = await account_for_bearer(services, parsed.bearer_token)
                    reason = REASON_INVALID_TOKEN if account is None else (
                        None if account.perm_realtime else REASON_NO_PERMISSION)
                    if reason is not None:
                        await _send_now(websocket, authenticate_response(False, reason))
                        await websocket.close(CLOSE_POLICY_VIOLATION)
                        return
                    assert account is not None
                    account_id = account.id
                    await _send_now(websocket, authenticate_response(True))
                    state = RealtimeState.AUTHENTICATED
                    continue
                now = int(services.now().timestamp())
                try:
                    tables = resolve_tables(parsed.tables)
                except SubscriptionRejected as exc:
                    await _send_now(websocket, subscribe_response(now, False, exc.reason))
                    await websocket.close(CLOSE_POLICY_VIOLATION)
                    return
                integration = Integration(websocket, account_id, TableDiffer(tables), outbox_for(websocket))
                accepted = batch_of([subscribe_response(now, True)])
                if not await hub.subscribe(integration, services.config.realtime_max_integrations, accepted):
                    await _send_now(websocket, subscribe_response(now, False, REASON_TOO_MANY_INTEGRATIONS))
                    await websocket.close(CLOSE_POLICY_VIOLATION)
                    return
                sender = asyncio.create_task(integration.outbox.run())
                state = RealtimeState.STREAMING
    except ProtocolViolation as exc:
        log.info("real-time client broke the protocol: %s", exc)
        with suppress(RuntimeError):
            await websocket.close(CLOSE_PROTOCOL_ERROR)
    except WebSocketDisconnect:
        return
    finally:
        if integration is not None:
            hub.drop(integration)
        if sender is not None:
            sender.cancel()
            with suppress(asyncio.CancelledError, RuntimeError, WebSocketDisconnect):
                await sender
