"""The agent's X side: capture, one encoder per viewer, input, clipboard, screenshots, cursor.

Everything that talks to the X server runs on one worker thread (``XWorker``):
mss and python-xlib connections are not thread-safe, and serialising capture
and injection also keeps an injected click from landing between two halves
of a capture. Capture is shared: each monitor in use is grabbed once per tick
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

from lifeline.agent.capture import Monitor, select_monitor
from lifeline.agent.capture.x11 import X11Capture
from lifeline.agent.clipboard import X11Clipboard
from lifeline.agent.encode import ScreenEncoder
from lifeline.agent.encode.codecs import png
from lifeline.agent.input.x11 import X11Input
from lifeline.agent.priority import CustomerActivity
from lifeline.protocol import messages

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


class XDesktop:
    """The X objects; every method must run on the worker thread (see ``XWorker``)."""

    def __init__(self, display_name: str | None, priority: str) -> None:
        self.capture = X11Capture(display_name)
        self.injector = X11Input(display_name)
        self.clipboard = X11Clipboard(display_name)
        self.activity = CustomerActivity(display_name, priority)
        self._cursor: tuple[int, int] | None = None

    def monitors(self) -> list[Monitor]:
        return self.capture.monitors()

    def encode(self, streams: list[Stream]) -> list[tuple[str, bytes]]:
        """One tick: grab each monitor in use once, return (viewer, frame) for every update due."""
        monitors = self.capture.monitors()
        frames: dict[int, Any] = {}
        out = []
        for stream in streams:
            monitor = select_monitor(monitors, stream.monitor)
            if monitor.index not in frames:
                frames[monitor.index] = self.capture.grab(monitor)
            data = stream.encoder.next_update(frames[monitor.index])
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

    def idle_checks(self) -> None:
        self.activity.poll()
        self.injector.release_if_silent()

    def cursor_moved(self, monitor_index: int | None) -> dict[str, Any] | None:
        """A ``cursor`` message when the pointer moved since the last call (monitor coordinates)."""
        x, y = self.injector.pointer()
        if (x, y) == self._cursor:
            return None
        self._cursor = (x, y)
        monitor = select_monitor(self.capture.monitors(), monitor_index)
        inside = monitor.x <= x < monitor.x + monitor.width and monitor.y <= y < monitor.y + monitor.height
        return messages.cursor_position(x - monitor.x, y - monitor.y, inside)

    def screenshot(self, monitor_index: int | None) -> str:
        """A lossless PNG of the monitor, base64."""
        monitor = select_monitor(self.capture.monitors(), monitor_index)
        return base64.b64encode(png.encode(self.capture.grab(monitor))).decode("ascii")

    def close(self) -> None:
        self.injector.close()
        self.clipboard.close()
        self.activity.close()
        self.capture.close()


class XWorker:
    """A one-thread executor that owns the ``XDesktop``."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lifeline-x")
        self.desktop: XDesktop | None = None

    def open(self, display_name: str | None, priority: str) -> None:
        def make() -> None:
            self.desktop = XDesktop(display_name, priority)

        self._executor.submit(make).result()

    async def run(self, job: Callable[[XDesktop], T]) -> T:
        desktop = self.desktop
        assert desktop is not None, "XWorker.open() first"
        return await asyncio.get_running_loop().run_in_executor(self._executor, job, desktop)

    def close(self) -> None:
        if self.desktop is not None:
            desktop = self.desktop
            self._executor.submit(desktop.close).result()
        self._executor.shutdown(wait=True)
