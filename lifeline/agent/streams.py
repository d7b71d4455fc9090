"""The agent's desktop side: capture, one encoder per viewer, input, clipboard, screenshots, cursor, wallpaper.

The platform's backends come from ``backends.open_backends`` (X11, or the
experimental Windows/macOS set). Everything that talks to the desktop runs
on one worker thread (``DesktopWorker``): mss, python-xlib and pynput
connections are not thread-safe, and serialising capture and injection also
keeps an injected click from landing between two halves of a capture. Capture is shared: each monitor in use is grabbed once per tick
and fed to the encoder of every viewer looking at it, so each viewer keeps its
own sequence numbers, ack window and quality (several technicians, one
desktop).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lifeline.agent.backends import Backends, open_backends
from lifeline.agent.capture import Monitor, select_monitor
from lifeline.agent.capture.base import Frame
from lifeline.agent.capture.damage import Area
from lifeline.agent.capture.live import LiveScreen
from lifeline.agent.cursor import CursorTracker
from lifeline.agent.encode import ScreenEncoder
from lifeline.agent.encode.codecs import png
from lifeline.agent.encode.plan import Box
from lifeline.agent.priority import CustomerActivity

T = TypeVar("T")


@dataclass
class Stream:
    """One viewer: its mode, technician, encoder and monitor; ``active`` once consent covers it."""

    viewer: str
    mode: str
    technician: str
    active: bool = False
    monitor: int | None = None
    encoder: ScreenEncoder = field(default_factory=ScreenEncoder)


class Desktop:
    """The platform's backends plus the agent's policies; every method runs on the worker thread."""

    def __init__(self, backends: Backends, priority: str) -> None:
        self.backends = backends
        self.capture = backends.capture
        self.injector = backends.injector
        self.clipboard = backends.clipboard
        self.activity = CustomerActivity(backends.activity, priority)
        self.cursor = CursorTracker(backends.cursor)
        self.appearance = backends.appearance
        self.live = LiveScreen(self.capture)

    def monitors(self) -> list[Monitor]:
        return self.capture.monitors()

    def encode(self, streams: list[Stream], damage: list[Area] | None = None) -> list[tuple[str, bytes]]:
        """Refresh each monitor in use once, return (viewer, frame) for every update due.

        ``damage``: the screen areas drawn since the last call (capture/clock.py); only they are
        grabbed and diffed. None grabs everything, as does a viewer that needs a FULL update.
        """
        monitors = self.capture.monitors()
        whole = damage is None or any(s.encoder.needs_full_frame for s in streams)
        frames: dict[int, tuple[Frame, list[Box] | None]] = {}
        out = []
        for stream in streams:
            monitor = select_monitor(monitors, stream.monitor)
            if monitor.index not in frames:
                frame, areas = self.live.refresh(monitor, None if whole else damage)
                frames[monitor.index] = (frame, None if areas is None else [Box(*area) for area in areas])
            data = stream.encoder.next_update(*frames[monitor.index])
            if data is not None:
                out.append((stream.viewer, data))
        return out

    def inject(self, stream: Stream, message: dict[str, Any]) -> bool:
        """Apply one input message on the stream's monitor, unless the customer has priority now."""
        if not self.activity.technician_may_act(message):
            return False
        monitor = select_monitor(self.capture.monitors(), stream.monitor)
        self.injector.set_origin(monitor.x, monitor.y)
        self.injector.apply(message)
        self.activity.after_injection()
        return True

    @property
    def polled(self) -> bool:
        """True when customer activity must be polled every tick (the platform does not report input)."""
        return self.activity.source.polled

    def idle_checks(self) -> None:
        self.activity.poll()
        self.injector.release_if_silent()

    def cursor_updates(self, monitor_index: int | None) -> list[dict[str, Any]]:
        """``cursor_shape`` / ``cursor`` messages due now, in ``monitor_index``'s coordinates."""
        return self.cursor.poll(select_monitor(self.capture.monitors(), monitor_index))

    def clipboard_change(self) -> str | None:
        """Text copied on the desktop since the last call (free when the backend saw no change)."""
        return self.clipboard.poll_change()

    def screenshot(self, monitor_index: int | None) -> str:
        """A lossless PNG of the monitor, base64."""
        monitor = select_monitor(self.capture.monitors(), monitor_index)
        return base64.b64encode(png.encode(self.capture.grab(monitor))).decode("ascii")

    def close(self) -> None:
        self.backends.close()


class DesktopWorker:
    """A one-thread executor that owns the ``Desktop``."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lifeline-desktop")
        self.desktop: Desktop | None = None

    def open(self, display_name: str | None, priority: str, on_change: Callable[[], None]) -> None:
        """``on_change``: thread-safe, called when a backend has news for the next poll (backends.open_backends)."""
        def make() -> None:
            self.desktop = Desktop(open_backends(display_name, on_change), priority)

        self._executor.submit(make).result()

    async def run(self, job: Callable[[Desktop], T]) -> T:
        desktop = self.desktop
        assert desktop is not None, "DesktopWorker.open() first"
        return await asyncio.get_running_loop().run_in_executor(self._executor, job, desktop)

    def close(self) -> None:
        if self.desktop is not None:
            desktop = self.desktop
            self._executor.submit(desktop.close).result()
        self._executor.shutdown(wait=True)
