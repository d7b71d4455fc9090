"""Whose input wins during remote control (spec part1 §15 "Priority over mouse and keyboard").

With the group setting at "customer" (the default), technician input is
dropped while the person at the machine has used their own mouse or keyboard
in the last ``CUSTOMER_PRIORITY_WINDOW_S``; key and button *releases* always
pass, so nothing stays held.

Detection polls the desktop through an ``ActivityProbe`` (on X11
``QueryPointer`` and ``QueryKeymap``, ~0.3 ms each; elsewhere the pointer
position only) every capture tick and compares with a baseline taken right
after each technician injection: a pointer that moved, or a key or button
pressed, since then was the customer. XRecord would see every event, but it
also sees the XTest events we inject and cannot tell them apart; polling can,
because we know where we left the pointer. A customer tap shorter than one
tick (33 ms) can be missed; moving the mouse never is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["CUSTOMER_PRIORITY_WINDOW_S", "ActivityProbe", "CustomerActivity", "Snapshot", "is_release"]

#: Technician input is suppressed this long (s) after the customer's own input.
CUSTOMER_PRIORITY_WINDOW_S = 1.0
_RELEASES = frozenset({"release_all"})

#: (pointer position, pressed-button bit mask, pressed-key bitmap bytes).
Snapshot = tuple[tuple[int, int], int, tuple[int, ...]]


class ActivityProbe(Protocol):
    """Reads the input state of one desktop; one implementation per platform."""

    def read(self) -> Snapshot: ...

    def close(self) -> None: ...


def is_release(message: dict[str, Any]) -> bool:
    """Messages that only let go of something; never suppressed."""
    kind = message.get("type")
    return kind in _RELEASES or (kind in ("key", "mouse_button") and message.get("down") is False)


class CustomerActivity:
    """Notices the customer's own mouse and keyboard through ``probe``."""

    def __init__(self, probe: ActivityProbe, priority: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.priority = priority
        self._probe = probe
        self._clock = clock
        self._last_customer = float("-inf")
        self._baseline = probe.read()

    def after_injection(self) -> None:
        """Take the state we just produced as the baseline (call after each technician event)."""
        self._baseline = self._probe.read()

    def poll(self) -> None:
        """Compare with the baseline; anything new was the customer."""
        pointer, buttons, keys = self._probe.read()
        base_pointer, base_buttons, base_keys = self._baseline
        new_keys = any(k & ~b for k, b in zip(keys, base_keys, strict=True))
        if pointer != base_pointer or buttons & ~base_buttons or new_keys:
            self._last_customer = self._clock()
        self._baseline = (pointer, buttons, keys)

    def technician_may_act(self, message: dict[str, Any]) -> bool:
        if self.priority != "customer" or is_release(message):
            return True
        self.poll()
        return self._clock() - self._last_customer >= CUSTOMER_PRIORITY_WINDOW_S

    def close(self) -> None:
        self._probe.close()
