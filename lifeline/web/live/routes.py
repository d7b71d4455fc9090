"""Websocket endpoints: /ws/console (technician, cookie) and /ws/customer/{lsid}?token=… (customer).

Protocol (docs/protocol.md, "Session live updates"): the client's first
message is `{"op": "register"}` or `{"op": "resume", "last_event_id": N}`;
the server answers `state` or `resumed` (or `resync_required`), then sends
`{"type": "event", "event": {...}}` messages and a `heartbeat` every
HEARTBEAT_S seconds; `{"op": "ping"}` gets `{"type": "pong"}`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from lifeline.errors import LifelineError
from lifeline.services.context import Services
from lifeline.services.sessions import views
from lifeline.services.sessions.presence import touch_activity
from lifeline.services.sessions.queue import access_session_for_customer, technician_scope
from lifeline.web.live.hub import Connection, Hub
from lifeline.web.deps import console_user_for_websocket

HEARTBEAT_S = 25.0  # below the 60 s idle time-out of common reverse proxies
FIRST_MESSAGE_TIMEOUT_S = 15.0
POLICY_VIOLATION = 1008

Start = Callable[[dict[str, Any]], Awaitable[tuple[list[dict[str, Any]], int]]]



async def _serve(websocket: WebSocket, hub: Hub, connection: Connection, start: Start) -> None:
    hub.add(connection)
    try:
        first = await asyncio.wait_for(websocket.receive_json(), FIRST_MESSAGE_TIMEOUT_S)
        opening, cursor = await start(first if isinstance(first, dict) else {})
        for message in opening:
            await websocket.send_json(message)
        for event in connection.release(cursor):
            await websocket.send_json({"type": "event", "event": event})
        reader = asyncio.create_task(_read(websocket))
        try:
            while not reader.done():
                if connection.overflowed:
                    await websocket.send_json({"type": "resync_required", "reason": "too far behind"})
                    break
                try:
                    event = await asyncio.wait_for(connection.queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    await websocket.send_json({"type": "heartbeat"})
                    continue
                await websocket.send_json({"type": "event", "event": event})
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await reader
    except (WebSocketDisconnect, TimeoutError, RuntimeError):
        pass
    finally:
        hub.remove(connection)


async def _read(websocket: WebSocket) -> None:
    while True:
        message = await websocket.receive_json()
        if isinstance(message, dict) and message.get("op") == "ping":
            await websocket.send_json({"type": "pong"})


def _resume_from(first: dict[str, Any]) -> int | None:
    value = first.get("last_event_id")
    if first.get("op") == "resume" and isinstance(value, int) and value >= 0:
        return value
    return None


async def console_socket(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    hub: Hub = websocket.app.state.live_hub
    async with services.db.session() as db:
        user = await console_user_for_websocket(websocket, services, db)
        if user is None:
            await websocket.close(code=POLICY_VIOLATION)
            return
        scope = await technician_scope(db, user)
        await touch_activity(db, services.bus, user, now=services.now())
    await websocket.accept()

    def accept(route: dict[str, Any], event: dict[str, Any]) -> dict[str, Any] | None:
        if "session_id" not in route:  # presence of any technician: the transfer dialog shows it
            return event
        return event if views.technician_sees(scope, route) else None

    async def start(first: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
        async with services.db.session() as db:
            after = _resume_from(first)
            if after is not None:
                events = await views.replay_for_technician(db, user, after)
                if events is not None:
                    return _resumed(after, events)
            newest = await views.newest_event_id(db)
            state = await views.console_state(db, user, services.now())
            return [{"type": "state", "last_event_id": newest, "state": state}], newest

    await _serve(websocket, hub, Connection(accept), start)


def _resumed(after: int, events: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    newest = max([after, *(e["id"] for e in events)])
    messages = [{"type": "resumed", "last_event_id": after, "replayed": len(events)}]
    return messages + [{"type": "event", "event": e} for e in events], newest


async def customer_socket(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    hub: Hub = websocket.app.state.live_hub
    lsid = websocket.path_params["lsid"]
    async with services.db.session() as db:
        try:
            s = await access_session_for_customer(db, lsid, websocket.query_params.get("token", ""))
        except LifelineError:
            await websocket.close(code=POLICY_VIOLATION)
            return
    await websocket.accept()
    session_id = s.id

    def accept(route: dict[str, Any], event: dict[str, Any]) -> dict[str, Any] | None:
        return views.customer_view(event) if views.customer_sees(session_id, route) else None

    async def start(first: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
        async with services.db.session() as db:
            current = await access_session_for_customer(db, lsid, websocket.query_params.get("token", ""))
            after = _resume_from(first)
            if after is not None:
                events = await views.replay_for_customer(db, current, after)
                if events is not None:
                    return _resumed(after, events)
            newest = await views.newest_event_id(db)
            state = await views.customer_state(db, current)
            return [{"type": "state", "last_event_id": newest, "state": state}], newest

    await _serve(websocket, hub, Connection(accept), start)


def include_routes(app: FastAPI) -> None:
    hub_holder: dict[str, Hub] = {}

    async def start_hub(services: Services) -> None:
        hub = Hub(services.bus)
        await hub.start()
        app.state.live_hub = hub_holder.setdefault("hub", hub)

    async def stop_hub(services: Services) -> None:
        if "hub" in hub_holder:
            await hub_holder.pop("hub").stop()

    app.state.startup_hooks.append(start_hub)
    app.state.shutdown_hooks.append(stop_hub)
    app.add_api_websocket_route("/ws/console", console_socket)
    app.add_api_websocket_route("/ws/customer/{lsid}", customer_socket)
