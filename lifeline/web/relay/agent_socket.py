"""/agent/ws: the relay's end of one agent connection.

Opening: ``hello``/``welcome``, then ``agent_auth {lsid, token}`` with the
session's customer token (the per-session agent token; see
docs/remote-desktop.md), answered by ``session_info`` with the policy the
agent enforces. Then:

- from the bus (``relay.<lsid>.agent``): viewers joining, heart-beating and
  leaving, their already-authorised messages, screenshot requests, and
  ``takeover`` when a newer connection of the same agent appeared (after a
  network loss the old socket may linger until TCP notices; the newest wins);
- from the agent: frames addressed to one viewer, messages for one or all
  viewers, its consent state and screenshots — all published on the bus;
  a consent message that reports the customer's action (``change``) is also
  written to the session's event log (``history.py``).

Viewers not heard from for ``STALE_AFTER_S`` are told to the agent as gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from lifeline.domain.session_state import SessionStatus
from lifeline.errors import LifelineError
from lifeline.protocol import relay
from lifeline.protocol.errors import ProtocolError
from lifeline.services.context import Services
from lifeline.services.relay.envelope import (
    Reassembler,
    agent_subject,
    viewer_subject,
    viewers_subject,
)
from lifeline.services.relay.rights import agent_policy
from lifeline.services.sessions.queue import access_session_for_customer
from lifeline.web.relay.history import record_remote
from lifeline.web.relay.link import HANDSHAKE_TIMEOUT_S, HEARTBEAT_S, POLICY_VIOLATION, STALE_AFTER_S, Link

log = logging.getLogger(__name__)

#: How often the session's status is re-read (s): a closed session ends the agent's connection.
STATUS_CHECK_S = 2.0
OPEN_FOR_AGENT = {SessionStatus.CONNECTING.value, SessionStatus.WAITING.value, SessionStatus.ACTIVE.value,
                  SessionStatus.ON_HOLD.value, SessionStatus.TRANSFERRING.value}


class AgentSocket(Link):
    def __init__(self, websocket: WebSocket, services: Services) -> None:
        super().__init__(websocket, services.bus)
        self.services = services
        self.link_id = secrets.token_hex(6)
        self.lsid = ""
        self.token = ""
        self.consent: dict[str, bool] = {"view": False, "control": False, "pending": False}
        self.viewers: dict[str, tuple[str, float]] = {}  # viewer -> (mode, last heard, monotonic)
        self._reassembler = Reassembler()

    async def run(self) -> None:
        await self.ws.accept()
        if await self.handshake("agent") is None or not await self._authenticate():
            return
        await self.subscribe(agent_subject(self.lsid), self._on_bus)
        await self.publish(agent_subject(self.lsid), "takeover", link=self.link_id)
        await self._announce(online=True)
        beat = asyncio.create_task(self._heartbeat())
        try:
            await self._read()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            beat.cancel()
            if self.link_id:  # not replaced by a newer connection: tell the viewers the agent is gone
                await self._announce(online=False)
            await self.close()

    # ===== OPENING =====

    async def _authenticate(self) -> bool:
        try:
            text = await asyncio.wait_for(self.ws.receive_text(), HANDSHAKE_TIMEOUT_S)
            auth = relay.decode_relay_message(text, allowed={"agent_auth"})
            async with self.services.db.session() as db:
                s = await access_session_for_customer(db, auth["lsid"], auth["token"])
                if s.status not in OPEN_FOR_AGENT:
                    raise ProtocolError(f"the session is {s.status}")
                policy = await agent_policy(db, s)
        except (ProtocolError, LifelineError, TimeoutError) as exc:
            await self.close(POLICY_VIOLATION, getattr(exc, "message", str(exc)))
            return False
        self.lsid, self.token = auth["lsid"], auth["token"]
        await self.send_json(relay.build("session_info", lsid=s.lsid, status=s.status,
                                         customer_name=s.customer_name, policy=policy))
        log.info("agent %s connected to session %s", self.link_id, self.lsid)
        return True

    # ===== AGENT -> BUS =====

    async def _read(self) -> None:
        while not self.closed:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                await self._frame(message["bytes"])
            elif message.get("text") is not None:
                try:
                    decoded = relay.decode_relay_message(message["text"], allowed=relay.AGENT_TO_RELAY)
                except ProtocolError as exc:
                    log.warning("agent %s sent an invalid message: %s", self.link_id, exc)
                    continue
                await self._message(decoded)

    async def _frame(self, data: bytes) -> None:
        try:
            viewer, frame = relay.split_addressed_frame(data)
        except ProtocolError as exc:
            log.warning("agent %s sent a bad frame: %s", self.link_id, exc)
            return
        if viewer in self.viewers:
            await self.publish(viewer_subject(self.lsid, viewer), "frame", frame)

    async def _message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "consent":
            self.consent = {k: bool(message[k]) for k in ("view", "control", "pending")}
            if "change" in message:  # the customer acted (answered a prompt, revoked): logged before viewers
                await record_remote(self.services, self.lsid, "consent", None, decision=message["change"],
                                    via=message.get("via", "prompt"), view=self.consent["view"],
                                    control=self.consent["control"])
            await self._announce(online=True, denied=bool(message.get("denied", False)))
        elif kind == "to_viewer":
            body = json.dumps(message["message"]).encode()
            viewer = message.get("viewer")
            subject = viewer_subject(self.lsid, viewer) if viewer else viewers_subject(self.lsid)
            await self.publish(subject, "msg", body)
        elif kind == "screenshot" and message["viewer"] in self.viewers:
            body = json.dumps(relay.build("screenshot_png", png=message["png"])).encode()
            await self.publish(viewer_subject(self.lsid, message["viewer"]), "msg", body)

    async def _announce(self, *, online: bool, denied: bool = False) -> None:
        await self.publish(viewers_subject(self.lsid), "agent", online=online, consent=self.consent,
                           denied=denied, link=self.link_id)

    # ===== BUS -> AGENT =====

    async def _on_bus(self, subject: str, payload: bytes) -> None:
        got = self._reassembler.feed(subject, payload)
        if got is None or self.closed:
            return
        viewer = got.fields.get("viewer", "")
        if got.kind == "takeover" and got.fields["link"] != self.link_id:
            log.info("agent %s replaced by %s for session %s", self.link_id, got.fields["link"], self.lsid)
            self.link_id = ""
            await self.close(POLICY_VIOLATION, "replaced by a newer connection of this agent")
        elif got.kind == "ping":
            await self._announce(online=True)
        elif got.kind == "join":
            known = self.viewers.get(viewer)
            self.viewers[viewer] = (got.fields["mode"], time.monotonic())
            if known is None or known[0] != got.fields["mode"] or got.fields.get("fresh"):
                await self.send_json(relay.build("viewer_join", viewer=viewer, mode=got.fields["mode"],
                                                 technician=got.fields["technician"]))
        elif got.kind == "leave" and self.viewers.pop(viewer, None) is not None:
            await self.send_json(relay.build("viewer_leave", viewer=viewer))
        elif got.kind == "msg" and viewer in self.viewers:
            inner = json.loads(got.body)
            if inner.get("type") == "screenshot_request":
                await self.send_json(relay.build("screenshot_request", viewer=viewer))
            else:
                await self.send_json({"type": "from_viewer", "viewer": viewer, "message": inner})

    async def _heartbeat(self) -> None:
        last_status_check = time.monotonic()
        while not self.closed:
            await asyncio.sleep(HEARTBEAT_S)
            await self._announce(online=True)
            now = time.monotonic()
            for viewer, (_, heard) in list(self.viewers.items()):
                if now - heard > STALE_AFTER_S:
                    del self.viewers[viewer]
                    await self.send_json(relay.build("viewer_leave", viewer=viewer))
            if now - last_status_check >= STATUS_CHECK_S:
                last_status_check = now
                await self._check_status()

    async def _check_status(self) -> None:
        try:
            async with self.services.db.session() as db:
                s = await access_session_for_customer(db, self.lsid, self.token)
        except LifelineError:
            s = None
        if s is None or s.status not in OPEN_FOR_AGENT:
            reason = s.close_reason or s.status if s is not None else "gone"
            await self.send_json(relay.build("session_closed", reason=str(reason)[:64]))
            await self.close()


async def agent_socket(websocket: WebSocket) -> None:
    await AgentSocket(websocket, websocket.app.state.services).run()
