"""Whose input wins during remote control (spec part1 §15 "Priority over mouse and keyboard").

With the group setting at "customer" (the default), technician input is
dropped while the person at the machine has used their own mouse or keyboard
in the last ``CUSTOMER_PRIORITY_WINDOW_S``; key and button *releases* always
pass, so nothing stays held.

An ``ActivitySource`` says when the customer last used their input. On X11
the server reports it (input/x11_watch.py: XInput2 raw events name the
device, and the technician's injected events come from the XTest device),
so nothing is polled. Platforms that can only read the current state
(pynput: the pointer position) use ``PolledActivity``: the state is read every
capture tick and compared with a baseline taken right after each technician
injection; a pointer that moved, or a key or button pressed, since then was
the customer. A customer tap shorter than one tick (33 ms) can be missed
there; moving the mouse never is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["CUSTOMER_PRIORITY_WINDOW_S", "ActivityProbe", "ActivitySource", "CustomerActivity", "PolledActivity",
           "Snapshot", "is_release"]

#: Technician input is suppressed this long (s) after the customer's own input.
CUSTOMER_PRIORITY_WINDOW_S = 1.0
_RELEASES = frozenset({"release_all"})

#: (pointer position, pressed-button bit mask, pressed-key bitmap bytes).
Snapshot = tuple[tuple[int, int], int, tuple[int, ...]]


class ActivitySource(Protocol):
    """When the customer last used their own mouse or keyboard, on one desktop."""

    #: True when ``poll`` must run every capture tick while a viewer is connected or asking.
    polled: bool

    def last_input(self) -> float:
        """Clock time of the customer's latest input; -inf if none."""
        ...

    def after_injection(self) -> None:
        """A technician event was just injected."""
        ...

    def poll(self) -> None:
        """Look for customer input now (sources the platform does not notify)."""
        ...

    def close(self) -> None: ...


class ActivityProbe(Protocol):
    """Reads the input state of one desktop, for ``PolledActivity``."""

    def read(self) -> Snapshot: ...

    def close(self) -> None: ...


def is_release(message: dict[str, Any]) -> bool:
    """Messages that only let go of something; never suppressed."""
    kind = message.get("type")
    return kind in _RELEASES or (kind in ("key", "mouse_button") and message.get("down") is False)


class PolledActivity:
    """An ``ActivitySource`` comparing ``probe`` snapshots: anything new since our last injection was the customer."""

    polled = True

    def __init__(self, probe: ActivityProbe, clock: Callable[[], float] = time.monotonic) -> None:
        self._probe = probe
        self._clock = clock
        self._last_customer = float("-inf")
        self._baseline = probe.read()

    def last_input(self) -> float:
        return self._last_customer

    def after_injection(self) -> None:
        """Take the state we just produced as the baseline."""
        self._baseline = self._probe.read()

    def poll(self) -> None:
        """Compare with the baseline; anything new was the customer."""
        pointer, buttons, keys = self._probe.read()
        base_pointer, base_buttons, base_keys = self._baseline
        new_keys = any(k & ~b for k, b in zip(keys, base_keys, strict=True))
        if pointer != base_pointer or buttons & ~base_buttons or new_keys:
            self._last_customer = self._clock()
        self._baseline = (pointer, buttons, keys)

    def close(self) -> None:
        self._probe.close()


class CustomerActivity:
    """The priority policy over an ``ActivitySource``."""

    def __init__(self, source: ActivitySource, priority: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.priority = priority
        self.source = source
        self._clock = clock

    def after_injection(self) -> None:
        self.source.after_injection()

    def poll(self) -> None:
        self.source.poll()

    def technician_may_act(self, message: dict[str, Any]) -> bool:
        if self.priority != "customer" or is_release(message):
            return True
        self.source.poll()
        return self._clock() - self.source.last_input() >= CUSTOMER_PRIORITY_WINDOW_S

    def close(self) -> None:
        self.source.close()
