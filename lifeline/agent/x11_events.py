"""A daemon thread that handles the events of one X connection as they arrive, and nothing else.

Why: the agent's X listeners (clipboard owner, Pause/Break grab, input
watch, DAMAGE tracker) used to wake every 0.2 s to notice ``close()``; an idle agent should
not wake at all. The thread blocks in ``select()`` on the X connection and a
pipe with no timeout; ``stop()`` writes to the pipe. python-xlib connections
are not thread-safe for reading, so the connection's events belong to this
thread alone.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable
from typing import Any

from Xlib import display
from Xlib.error import ConnectionClosedError

__all__ = ["XEventThread"]

log = logging.getLogger(__name__)


class XEventThread:
    """Calls ``handle(event)`` on a daemon thread for every event ``connection`` receives, until ``stop()``.

    ``after_batch``, if given, runs once after the events that arrived together have been handled, so a
    listener can report a burst as one (the DAMAGE tracker hands the capture loop all areas of a burst).
    """

    def __init__(self, connection: display.Display, handle: Callable[[Any], None], name: str,
                 after_batch: Callable[[], None] | None = None) -> None:
        self._d = connection
        self._handle = handle
        self._after_batch = after_batch
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Wake the thread and wait for it to end (idempotent); the connection stays open for the caller."""
        if self._wake_w < 0:
            return
        os.write(self._wake_w, b"x")
        self._thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._wake_w = -1

    def _run(self) -> None:
        fd = self._d.fileno()
        while True:
            readable, _, _ = select.select([fd, self._wake_r], [], [])
            if self._wake_r in readable:
                return
            try:
                while self._d.pending_events():
                    self._handle(self._d.next_event())
            except (ConnectionClosedError, OSError) as exc:
                log.warning("X connection of %s lost: %s", self._thread.name, exc)
                return
            if self._after_batch is not None:
                self._after_batch()
