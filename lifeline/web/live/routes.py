"""Websocket endpoints: /ws/console (technician, cookie), /ws/customer/{lsid}?token=… (customer) and
/ws/external/{lsid}?token=… (external technician, the access token their invitation was swapped for).

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
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.errors import LifelineError
from lifeline.services.context import Services
from lifeline.services.sessions import views
from lifeline.services.sessions.presence import touch_activity
from lifeline.services.sessions.queue import (
    access_session_for_customer,
    access_session_for_external,
    technician_scope,
)
from lifeline.store.sessions import SupportSession
from lifeline.web.deps import console_user_for_websocket
from lifeline.web.live.hub import Connection, Hub

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


@dataclass(frozen=True)
class TokenSocket:
    """A websocket opened with a token in the query (customer, external technician) for one session.

    `load` proves the token (`access_*`, re-run on every register/resume); `view` filters and trims a
    live event (None = not for this client); `replay` and `state` are the database side of the same rules.
    """

    load: Callable[[AsyncSession, str, str], Awaitable[SupportSession]]
    view: Callable[[int, dict[str, Any], dict[str, Any]], dict[str, Any] | None]
    replay: Callable[[AsyncSession, SupportSession, int], Awaitable[list[dict[str, Any]] | None]]
    state: Callable[[AsyncSession, SupportSession], Awaitable[dict[str, Any]]]


async def _serve_token_socket(websocket: WebSocket, kind: TokenSocket) -> None:
    services: Services = websocket.app.state.services
    hub: Hub = websocket.app.state.live_hub
    lsid, token = websocket.path_params["lsid"], websocket.query_params.get("token", "")
    async with services.db.session() as db:
        try:
            session_id = (await kind.load(db, lsid, token)).id
        except LifelineError:
            await websocket.close(code=POLICY_VIOLATION)
            return
    await websocket.accept()

    def accept(route: dict[str, Any], event: dict[str, Any]) -> dict[str, Any] | None:
        return kind.view(session_id, route, event)

    async def start(first: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
        async with services.db.session() as db:
            current = await kind.load(db, lsid, token)
            after = _resume_from(first)
            if after is not None:
                events = await kind.replay(db, current, after)
                if events is not None:
                    return _resumed(after, events)
            newest = await views.newest_event_id(db)
            state = await kind.state(db, current)
            return [{"type": "state", "last_event_id": newest, "state": state}], newest

    await _serve(websocket, hub, Connection(accept), start)


async def _external_session(db: AsyncSession, lsid: str, token: str) -> SupportSession:
    return (await access_session_for_external(db, lsid, token))[0]


async def _external_state(db: AsyncSession, s: SupportSession) -> dict[str, Any]:
    return await views.session_detail(db, s, for_external=True)


CUSTOMER_SOCKET = TokenSocket(
    load=access_session_for_customer,
    view=lambda session_id, route, event: (
        views.customer_view(event) if views.customer_sees(session_id, route) else None),
    replay=views.replay_for_customer,
    state=views.customer_state,
)
EXTERNAL_SOCKET = TokenSocket(  # chat, status and participants only (`views.external_sees`)
    load=_external_session,
    view=lambda session_id, route, event: (
        views.external_view(event) if views.external_sees(session_id, route, event) else None),
    replay=views.replay_for_external,
    state=_external_state,
)


async def customer_socket(websocket: WebSocket) -> None:
    await _serve_token_socket(websocket, CUSTOMER_SOCKET)


async def external_socket(websocket: WebSocket) -> None:
    await _serve_token_socket(websocket, EXTERNAL_SOCKET)


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
    app.add_api_websocket_route("/ws/external/{lsid}", external_socket)
