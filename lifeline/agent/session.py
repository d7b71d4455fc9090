"""The agent's connection to the relay: handshake, viewers, consent, and reconnecting by itself.

One websocket to ``/agent/ws``: ``hello``/``welcome`` (protocol version),
``agent_auth`` with the session's lsid and customer token, ``session_info``
with the policy. After a network loss the agent reconnects with the same
lsid and token (``RECONNECT_*`` back-off) and resumes: consent given in this
process is kept, viewers are announced again by the relay and get a FULL
update. A 1008 close (session closed, token refused) ends the agent.

Consent is enforced here, not trusted from the server (``consent.py``): no
frames without view consent, no input or clipboard without control consent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from lifeline.agent.capture.clock import CaptureClock
from lifeline.agent.consent import CONTROL, Consent, question
from lifeline.agent.join import Joined
from lifeline.agent.streams import Desktop, DesktopWorker, Stream
from lifeline.protocol import PROTOCOL_VERSION, SUPPORTED_VERSIONS, messages, relay
from lifeline.protocol.errors import ProtocolError

log = logging.getLogger(__name__)

# Capture timing (change-driven with X DAMAGE, polling without) is in lifeline/agent/capture/clock.py.
RECONNECT_FIRST_S, RECONNECT_MAX_S = 0.5, 10.0
#: Close codes after which reconnecting is pointless.
FATAL_CLOSE_CODES = frozenset({1008})
#: Largest websocket message accepted from the relay (a big clipboard text plus envelope).
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
INPUT_TYPES = frozenset({"key", "mouse_move", "mouse_button", "wheel", "release_all"})


class Prompter:
    """Asks the customer one question at a time; the answer comes back on the asyncio loop."""

    def __init__(self, ask: Callable[[str, Callable[[bool], None]], None], loop: asyncio.AbstractEventLoop) -> None:
        self._ask = ask
        self._loop = loop
        self.pending = False

    def ask(self, text: str, on_answer: Callable[[bool], None]) -> bool:
        """Show a prompt unless one is already on screen; False if it was not shown."""
        if self.pending:
            return False
        self.pending = True

        def answered(value: bool) -> None:
            def done() -> None:
                self.pending = False
                on_answer(value)

            self._loop.call_soon_threadsafe(done)

        self._ask(text, answered)
        return True


class AgentSession:
    def __init__(self, joined: Joined, *, display: str | None, ask: Callable[[str, Callable[[bool], None]], None],
                 show_status: Callable[[str], None], start_hotkey: Callable[[], None],
                 max_fps: int | None = None) -> None:
        self.joined = joined
        self.display = display
        #: Capture cap under continuous change (``--max-fps``); None: capture/clock.py's DEFAULT_MAX_FPS.
        self.max_fps = max_fps
        self.consent = Consent()
        self.policy: dict[str, Any] = {}
        self.streams: dict[str, Stream] = {}
        self.ended: str | None = None
        #: Work started without being awaited (`_spawn`), referenced until it ends.
        self._background: set[asyncio.Task[Any]] = set()
        self.connections = 0
        self._ask = ask
        self._show_status = show_status
        self._start_hotkey = start_hotkey
        self._worker = DesktopWorker()
        self._ws: ClientConnection | None = None
        self._prompter: Prompter | None = None
        self._asked_at_start = False
        self._plain = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._capture_clock: CaptureClock  # made in run(), on the event loop it wakes

    @property
    def url(self) -> str:
        base = self.joined.server.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return f"{base}/agent/ws"

    # ===== LIFECYCLE =====

    async def run(self) -> str:
        """Serve until the session ends; returns why."""
        self._loop = asyncio.get_running_loop()
        self._capture_clock = CaptureClock(self._loop, self.display, self.max_fps)
        self._prompter = Prompter(self._ask, self._loop)
        delay = RECONNECT_FIRST_S
        try:
            while self.ended is None:
                try:
                    await self._serve_once()
                    delay = RECONNECT_FIRST_S
                except websockets.ConnectionClosed as exc:
                    code = exc.rcvd.code if exc.rcvd is not None else None
                    if code in FATAL_CLOSE_CODES:
                        self.ended = exc.rcvd.reason if exc.rcvd is not None and exc.rcvd.reason else "refused"
                        break
                    log.info("connection lost (%s); reconnecting in %.1f s", exc, delay)
                except (OSError, TimeoutError, websockets.InvalidHandshake, ProtocolError) as exc:
                    log.info("cannot reach the server (%s); retrying in %.1f s", exc, delay)
                if self.ended is None:
                    await self._drop_streams()
                    self._status("Connection lost; reconnecting…")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RECONNECT_MAX_S)
        finally:
            await self._drop_streams()
            self._capture_clock.close()
            self._worker.close()
        return self.ended or "ended"

    def revoke_all(self, via: str = "button") -> None:
        """Thread-safe: Pause/Break (``via="hotkey"``) or the indicator's button (``"button"``)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(lambda: self._spawn(self._revoke(via)))

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` on the loop without awaiting it. The loop holds only weak references to its tasks, so
        one that nothing else referenced could be collected mid-way: a consent answer or a Revoke-all lost."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def stop(self, reason: str) -> None:
        """Thread-safe: end the session from outside (SIGTERM at logout); ``run`` restores the desktop and returns."""
        if self._loop is None:
            self.ended = reason
            return

        def end() -> None:
            self.ended = reason
            if self._ws is not None:
                self._spawn(self._ws.close())

        self._loop.call_soon_threadsafe(end)

    async def _serve_once(self) -> None:
        # compression=None: websockets negotiates permessage-deflate by default, which re-deflated
        # every JPEG/PNG/DEFLATE frame (already compressed) at ~5 ms per 1080p update on the agent,
        # and inflated it again on the relay.
        async with connect(self.url, max_size=MAX_MESSAGE_BYTES, open_timeout=10, ping_interval=5,
                           ping_timeout=10, compression=None) as ws:
            await ws.send(messages.encode_message(messages.hello(SUPPORTED_VERSIONS, "agent")))
            welcome = messages.decode_message(await ws.recv(), allowed={"welcome"})
            log.info("relay speaks protocol version %d (ours %d)", welcome["version"], PROTOCOL_VERSION)
            await ws.send(json.dumps(relay.build("agent_auth", lsid=self.joined.lsid, token=self.joined.token)))
            info = relay.decode_relay_message(await ws.recv(), allowed={"session_info"})
            self._on_session_info(info)
            self._ws = ws
            self.connections += 1
            await self._send_consent()
            ticker = asyncio.create_task(self._tick())
            try:
                async for raw in ws:
                    await self._on_message(raw)
                    if self.ended is not None:
                        await ws.close()
            finally:
                ticker.cancel()
                self._ws = None

    def _on_session_info(self, info: dict[str, Any]) -> None:
        first = not self.policy
        self.policy = info["policy"]
        if first:
            self._worker.open(self.display, self.policy["input_priority"], self._capture_clock.notify)
            desktop = self._worker.desktop
            if self.policy["pause_break_revokes"] and desktop is not None and desktop.backends.global_hotkey:
                self._start_hotkey()
        self._status_from_consent()
        if self.policy["prompt_at_start"] and not self._asked_at_start:
            self._asked_at_start = True
            self._ask_for(CONTROL, "Your technician", everything=True)

    # ===== RELAY -> AGENT =====

    async def _on_message(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            return  # the relay sends the agent no binary
        try:
            message = relay.decode_relay_message(raw, allowed=relay.RELAY_TO_AGENT)
        except ProtocolError as exc:
            log.warning("invalid message from the relay: %s", exc)
            return
        kind = message["type"]
        if kind == "viewer_join":
            await self._viewer_join(message)
        elif kind == "viewer_leave":
            self.streams.pop(message["viewer"], None)
            if not any(s.mode == CONTROL and s.active for s in self.streams.values()):
                await self._release()
            await self._sync_appearance()
            self._status_from_consent()
        elif kind == "from_viewer":
            await self._from_viewer(message["viewer"], message["message"])
        elif kind == "screenshot_request":
            await self._screenshot(message.get("viewer", ""))
        elif kind == "session_closed":
            self.ended = f"session closed ({message['reason']})"

    async def _viewer_join(self, message: dict[str, Any]) -> None:
        stream = Stream(message["viewer"], message["mode"], message["technician"])
        self.streams[stream.viewer] = stream
        if self.consent.covers(stream.mode):
            await self._activate(stream)
        else:
            self._ask_for(stream.mode, stream.technician, everything=bool(self.policy.get("single_prompt")))
        self._status_from_consent()

    async def _from_viewer(self, viewer: str, message: dict[str, Any]) -> None:
        stream = self.streams.get(viewer)
        kind = message["type"]
        if stream is None or not stream.active or not self.consent.covers(stream.mode):
            return
        if stream.encoder.handle_control(message):
            if kind == "ack":  # it may reopen the window over changes that wait for it
                self._capture_clock.window_opened(stream.encoder.waiting)
            else:
                self._capture_clock.poke()
            if kind == "encodings":  # answer with what this viewer will get (docs/protocol.md)
                answer = messages.encodings(stream.encoder.offered_encodings())
                await self._send(relay.build("to_viewer", viewer=viewer, message=answer))
            return
        if kind == "monitor_select":
            stream.monitor = message["index"]
            stream.encoder.reset()
            self._capture_clock.poke()
            await self._send_monitors(stream)
        elif kind in INPUT_TYPES:
            if stream.mode == CONTROL and self.consent.control:
                await self._worker.run(lambda d: d.inject(stream, message))
        elif kind == "clipboard" and stream.mode == CONTROL and self.consent.control:
            text = message["text"]
            await self._worker.run(lambda d: d.clipboard.set_text(text))

    async def _screenshot(self, viewer: str) -> None:
        stream = self.streams.get(viewer)
        if stream is None or not stream.active or not self.consent.covers(stream.mode):
            return
        png = await self._worker.run(lambda d: d.screenshot(stream.monitor))
        await self._send(relay.build("screenshot", viewer=viewer, png=png))

    # ===== CONSENT =====

    def _ask_for(self, mode: str, technician: str, *, everything: bool) -> None:
        assert self._prompter is not None

        def on_answer(granted: bool) -> None:
            self._spawn(self._answered(mode, granted, everything))

        if self._prompter.ask(question(mode, technician, everything=everything), on_answer):
            self._spawn(self._send_consent())

    async def _answered(self, mode: str, granted: bool, everything: bool) -> None:
        if granted:
            self.consent.grant(mode, everything=everything)
        for stream in self.streams.values():
            if not stream.active and self.consent.covers(stream.mode):
                await self._activate(stream)
        await self._send_consent(denied=not granted, change="granted" if granted else "denied", via="prompt")
        self._status_from_consent()
        waiting = [s for s in self.streams.values() if not s.active]
        if granted and waiting:  # someone asked for more (control) while we asked for less (view)
            self._ask_for(waiting[0].mode, waiting[0].technician, everything=False)

    async def _revoke(self, via: str) -> None:
        self.consent.revoke_all()
        for stream in self.streams.values():
            stream.active = False
        await self._release()
        await self._sync_appearance()
        await self._send_consent(change="revoked", via=via)
        self._status_from_consent()

    async def _activate(self, stream: Stream) -> None:
        stream.active = True
        stream.encoder.reset()
        self._capture_clock.poke()
        self._capture_clock.notify()  # a poll soon: the new viewer needs the cursor's shape and position
        await self._worker.run(lambda d: d.cursor.reset())
        await self._sync_appearance()
        await self._send_monitors(stream)

    async def _sync_appearance(self) -> None:
        """Plain wallpaper and no effects while any stream is live, when the group says so (part2 §6.3)."""
        plain = bool(self.policy.get("disable_wallpaper")) and any(s.active for s in self.streams.values())
        if plain != self._plain and self._worker.desktop is not None:
            self._plain = plain
            await self._worker.run(lambda d: d.appearance.apply() if plain else d.appearance.restore())

    async def _send_consent(self, denied: bool = False, change: str | None = None, via: str | None = None) -> None:
        """Tell the relay the consent state; ``change``/``via`` name the customer's action, for the event log."""
        pending = self._prompter.pending if self._prompter else False
        await self._send(relay.build("consent", **self.consent.as_message(pending), denied=denied or None,
                                     change=change, via=via))

    def _status_from_consent(self) -> None:
        names = sorted({s.technician for s in self.streams.values() if s.active})
        if self.consent.control:
            text = "Your technician may view and control this computer."
        elif self.consent.view:
            text = "Your technician may view your screen."
        else:
            text = "Support session active. Your technician cannot see or control this computer."
        if names:
            text += "\nConnected: " + ", ".join(names)
        self._status(text)

    def _status(self, text: str) -> None:
        self._show_status(text)

    # ===== AGENT -> RELAY =====

    async def _tick(self) -> None:
        clock = self._capture_clock
        while True:
            started = time.monotonic()
            streams = [s for s in self.streams.values() if s.active and self.consent.covers(s.mode)]
            desktop = self._worker.desktop
            polling = bool(self.streams) and desktop is not None and desktop.polled
            polled = clock.poll_due(started, polling=polling, watching=bool(streams))
            if streams:
                # The lambdas and `poll` below run before the loop goes on: the loop variables are current.
                run, damage = clock.due(started, lambda: any(s.encoder.window_open() for s in streams))  # noqa: B023
                frames = await self._worker.run(lambda d: d.encode(streams, damage)) if run else []  # noqa: B023
                if damage and not frames and not any(s.encoder.waiting for s in streams):
                    clock.found_nothing()
                for viewer, frame in frames:
                    await self._send_bytes(relay.address_frame(viewer, frame))
            else:
                clock.discard()
            if polled:  # every poll in one hop to the desktop thread
                monitor = streams[0].monitor if streams else None
                control = self.consent.control

                def poll(d: Desktop) -> tuple[list[dict[str, Any]], str | None]:
                    d.idle_checks()
                    return (d.cursor_updates(monitor) if streams else []), (d.clipboard_change() if control else None)  # noqa: B023

                updates, copied = await self._worker.run(poll)
                for update in updates:
                    await self._send(relay.build("to_viewer", message=update))
                if copied is not None:
                    await self._send(relay.build("to_viewer", message=messages.clipboard(copied)))
            await clock.wait(polling=polling, watching=bool(streams))

    async def _send_monitors(self, stream: Stream) -> None:
        monitors = await self._worker.run(lambda d: d.monitors())
        selected = stream.monitor if stream.monitor is not None else next(
            (m.index for m in monitors if m.primary), monitors[0].index)
        message = messages.monitor_list([m.as_message() for m in monitors], selected)
        await self._send(relay.build("to_viewer", viewer=stream.viewer, message=message))

    async def _send(self, message: dict[str, Any]) -> None:
        if self._ws is not None:
            try:
                await self._ws.send(json.dumps(message, separators=(",", ":"), ensure_ascii=False))
            except websockets.ConnectionClosed:
                pass

    async def _send_bytes(self, data: bytes) -> None:
        if self._ws is not None:
            try:
                await self._ws.send(data)
            except websockets.ConnectionClosed:
                pass

    async def _release(self) -> None:
        if self._worker.desktop is not None:
            await self._worker.run(lambda d: d.injector.release_all())

    async def _drop_streams(self) -> None:
        self.streams.clear()
        await self._release()
        await self._sync_appearance()
