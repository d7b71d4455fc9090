"""/remote/ws/{lsid}: the relay's end of one Technician Console viewer.

The technician is identified by the console's sign-in cookie and must be a
participant of the Active session (otherwise the socket is closed with 1008
before anything is sent). After ``hello``/``welcome`` the viewer gets its
``state`` and may send ``start {mode}`` / ``stop``; every other message is
checked by ``rights.message_allowed`` against a rights snapshot at most
``RIGHTS_TTL_S`` old and, if allowed, published to the agent; refused ones are
dropped and counted. The agent checks the customer's consent again.

Start, stop, clipboard sync on/off and delivered screenshots are written to
the session's event log with this technician as the actor (``history.py``).

Frames for this viewer arrive on ``relay.<lsid>.viewer.<id>``. If a part of a
frame was lost on the bus, frames are dropped until the agent's next FULL
update, which is requested at once, so the canvas never shows a diff applied
to the wrong base.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from lifeline.errors import LifelineError
from lifeline.protocol import FLAG_FULL, relay
from lifeline.protocol.errors import ProtocolError
from lifeline.services.context import Services
from lifeline.services.relay.envelope import Reassembler, agent_subject, viewer_subject, viewers_subject
from lifeline.services.relay.rights import (
    NO_RIGHTS,
    RIGHTS_TTL_S,
    ViewerRights,
    message_allowed,
    viewer_rights,
)
from lifeline.store.org import User
from lifeline.web.deps import console_user_for_websocket
from lifeline.web.relay.history import record_remote
from lifeline.web.relay.link import HEARTBEAT_S, POLICY_VIOLATION, STALE_AFTER_S, Link

log = logging.getLogger(__name__)

VIEWER_ID_BYTES = 9
_FLAGS_OFFSET = 1  # byte offset of the flags in a screen-update frame (docs/protocol.md)


class ViewerSocket(Link):
    def __init__(self, websocket: WebSocket, services: Services, user: User, lsid: str) -> None:
        super().__init__(websocket, services.bus)
        self.services = services
        self.user = user
        self.lsid = lsid
        self.viewer = secrets.token_urlsafe(VIEWER_ID_BYTES)
        self.mode: str | None = None
        self.rights: ViewerRights = NO_RIGHTS
        self._rights_at = 0.0
        self.agent_online = False
        self._agent_heard = 0.0
        self.consent: dict[str, bool] = {"view": False, "control": False, "pending": False}
        self.dropped = 0
        self._await_full = False
        self._clipboard_on = False
        self._reassembler = Reassembler()

    async def run(self) -> None:
        await self.refresh_rights(force=True)
        if not self.rights.in_session:
            await self.ws.close(code=POLICY_VIOLATION)
            return
        await self.ws.accept()
        if await self.handshake("viewer") is None:
            return
        await self.subscribe(viewers_subject(self.lsid), self._on_bus)
        await self.subscribe(viewer_subject(self.lsid, self.viewer), self._on_bus)
        await self.publish(agent_subject(self.lsid), "ping")
        await self._send_state()
        beat = asyncio.create_task(self._heartbeat())
        try:
            await self._read()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            beat.cancel()
            if self.mode is not None:
                await self.publish(agent_subject(self.lsid), "leave", viewer=self.viewer)
                await self._record_stopped(self.mode, "viewer_closed")
            await self.close()

    async def refresh_rights(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._rights_at < RIGHTS_TTL_S:
            return
        try:
            async with self.services.db.session() as db:
                self.rights = await viewer_rights(db, self.user, self.lsid)
        except LifelineError:
            self.rights = NO_RIGHTS
        self._rights_at = time.monotonic()
        if self.mode is not None and not self.rights.allows_mode(self.mode):
            await self._stop(reason="You no longer have the permission for this.", why="permission_removed")
        await self._sync_clipboard()

    # ===== VIEWER -> AGENT =====

    async def _read(self) -> None:
        while not self.closed:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is None:
                continue  # viewers send no binary
            try:
                decoded = relay.decode_relay_message(message["text"], allowed=relay.VIEWER_TO_RELAY)
            except ProtocolError as exc:
                log.info("viewer %s: invalid message dropped: %s", self.viewer, exc)
                self.dropped += 1
                continue
            await self.refresh_rights()
            await self._handle(decoded)

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "start":
            if not self.rights.allows_mode(message["mode"]):
                label = "Launch remote control" if message["mode"] == "control" else "Launch desktop viewing"
                await self.send_json(relay.build("refused", reason=f"You do not have the {label} permission."))
                return
            if self.mode is not None and self.mode != message["mode"]:
                await self._record_stopped(self.mode, "mode_changed")
            self.mode = message["mode"]
            await record_remote(self.services, self.lsid, "started", self.user, mode=self.mode)
            self._await_full = False
            await self._join(fresh=True)
            await self._send_state()
        elif kind == "stop":
            await self._stop()
        elif message_allowed(self.rights, self.mode, kind):
            await self.publish(agent_subject(self.lsid), "msg", json.dumps(message).encode(), viewer=self.viewer)
        else:
            self.dropped += 1
            log.info("viewer %s (technician %s, mode %s): %s refused", self.viewer, self.user.id, self.mode, kind)

    async def _join(self, *, fresh: bool = False) -> None:
        """Announce (or keep announcing) this viewer to the agent; ``fresh`` = the technician clicked Start."""
        await self.publish(agent_subject(self.lsid), "join", viewer=self.viewer, mode=self.mode,
                           technician=self.user.name[:128], fresh=fresh)

    async def _stop(self, reason: str | None = None, why: str = "technician") -> None:
        if self.mode is not None:
            mode, self.mode = self.mode, None
            await self.publish(agent_subject(self.lsid), "leave", viewer=self.viewer)
            await self._record_stopped(mode, why)
        if reason:
            await self.send_json(relay.build("refused", reason=reason))
        await self._send_state()

    async def _record_stopped(self, mode: str, why: str) -> None:
        await record_remote(self.services, self.lsid, "stopped", self.user, mode=mode, reason=why)

    async def _sync_clipboard(self) -> None:
        """Log clipboard sync turning on or off for this technician (control + consent + permission)."""
        on = self.mode == "control" and self.rights.clipboard and self.consent["control"]
        if on != self._clipboard_on:
            self._clipboard_on = on
            await record_remote(self.services, self.lsid, "clipboard", self.user, enabled=on)

    async def _send_state(self, denied: bool = False) -> None:
        await self._sync_clipboard()
        await self.send_json(relay.build(
            "state", agent_online=self.agent_online, mode=self.mode, consent=self.consent, denied=denied or None,
            allowed=self.rights.as_message(), clipboard_mode=self.rights.clipboard_mode))

    # ===== AGENT -> VIEWER =====

    async def _on_bus(self, subject: str, payload: bytes) -> None:
        gaps = self._reassembler.gaps
        got = self._reassembler.feed(subject, payload)
        if self._reassembler.gaps != gaps and self.mode is not None:
            await self._lost_frame()
        if got is None or self.closed:
            return
        if got.kind == "frame":
            await self._frame(got.body)
        elif got.kind == "msg":
            await self._agent_message(json.loads(got.body))
        elif got.kind == "agent":
            await self._agent_state(got.fields)

    async def _frame(self, frame: bytes) -> None:
        if self.mode is None or not self.rights.allows_mode(self.mode):
            return
        if self._await_full:
            if len(frame) <= _FLAGS_OFFSET or not frame[_FLAGS_OFFSET] & FLAG_FULL:
                return
            self._await_full = False
        await self.send_bytes(frame)

    async def _lost_frame(self) -> None:
        log.info("viewer %s: a frame was lost on the bus; asking for a full update", self.viewer)
        self._await_full = True
        await self.publish(agent_subject(self.lsid), "msg", b'{"type":"refresh"}', viewer=self.viewer)

    async def _agent_message(self, message: dict[str, Any]) -> None:
        if self.mode is None:
            return
        if message.get("type") == "clipboard" and not (self.mode == "control" and self.rights.clipboard):
            return
        if message.get("type") == "screenshot_png" and not self.rights.screenshot:
            return
        await self.send_json(message)
        if message.get("type") == "screenshot_png":
            await record_remote(self.services, self.lsid, "screenshot", self.user,
                                png_bytes=base64_size(message["png"]))

    async def _agent_state(self, fields: dict[str, Any]) -> None:
        was_online = self.agent_online
        self.agent_online = bool(fields["online"])
        self._agent_heard = time.monotonic()
        changed = fields["consent"] != self.consent or was_online != self.agent_online or fields.get("denied")
        self.consent = dict(fields["consent"])
        if self.agent_online and not was_online and self.mode is not None:
            await self._join()  # the agent (re)connected: tell it we are here
        if changed:
            await self._send_state(denied=bool(fields.get("denied")))

    async def _heartbeat(self) -> None:
        while not self.closed:
            await asyncio.sleep(HEARTBEAT_S)
            await self.refresh_rights(force=True)
            if self.mode is not None:
                await self._join()
            if self.agent_online and time.monotonic() - self._agent_heard > STALE_AFTER_S:
                self.agent_online = False
                await self._send_state()


def base64_size(text: str) -> int:
    """Decoded size of a base64 string, without decoding it."""
    return len(text) * 3 // 4 - text[-2:].count("=")


async def viewer_socket(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    async with services.db.session() as db:
        user = await console_user_for_websocket(websocket, services, db)
    if user is None:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await ViewerSocket(websocket, services, user, websocket.path_params["lsid"]).run()
