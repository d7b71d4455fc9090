"""The input-injection interface, shared by every platform backend.

The base class owns the *policy* — which keys and buttons are held, turning
protocol messages into primitive calls, releasing everything on focus loss,
silence or revoke — and backends implement only the primitives. So a stuck
modifier cannot be a per-platform bug.

Coordinates in messages are pixels of the selected monitor; ``set_origin``
moves them onto the virtual desktop.
"""

from __future__ import annotations

import abc
import logging
import time
from collections.abc import Callable
from typing import Any

from lifeline.agent.input.keymap import MODIFIER_CODES

__all__ = ["INPUT_SILENCE_RELEASE_S", "InputInjector"]

log = logging.getLogger(__name__)

#: With a key or button held and no input message for this long (s), assume
#: the viewer vanished and release everything. Browsers repeat a held key
#: every ~33 ms, so 5 s of silence means the link, not the user, stopped.
INPUT_SILENCE_RELEASE_S = 5.0


class InputInjector(abc.ABC):
    """Applies validated input messages to the local desktop.

    >>> injector = X11Input(":0")
    >>> injector.apply(messages.key_event("KeyA", True, "a"))
    >>> injector.release_if_silent()    # call periodically
    >>> injector.release_all()          # focus loss, revoke, session end
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._held_keys: dict[str, Any] = {}  # code -> backend token given by _key_down
        self._held_buttons: set[int] = set()
        self._origin = (0, 0)
        self._last_input = clock()

    # ===== PRIMITIVES (backends) =====

    @abc.abstractmethod
    def _move(self, x: int, y: int) -> None:
        """Move the pointer to virtual-desktop (x, y)."""

    @abc.abstractmethod
    def _button(self, button: int, down: bool) -> None:
        """Press or release a DOM-numbered mouse button."""

    @abc.abstractmethod
    def _scroll(self, dx: int, dy: int) -> None:
        """Scroll whole notches; positive dy is down, positive dx right."""

    @abc.abstractmethod
    def _key_down(self, code: str, key: str | None) -> Any:
        """Press a key; return a token for ``_key_up`` (None: nothing was pressed)."""

    @abc.abstractmethod
    def _key_up(self, code: str, token: Any) -> None:
        """Release what ``_key_down`` pressed."""

    # ===== PUBLIC METHODS =====

    def set_origin(self, x: int, y: int) -> None:
        """Top-left of the selected monitor on the virtual desktop."""
        self._origin = (x, y)

    def apply(self, message: dict[str, Any]) -> bool:
        """Inject one validated input message; False if it is not an input message."""
        kind = message.get("type")
        self._last_input = self._clock()
        ox, oy = self._origin
        if kind == "mouse_move":
            self._move(ox + message["x"], oy + message["y"])
        elif kind == "mouse_button":
            self._move(ox + message["x"], oy + message["y"])
            self._set_button(message["button"], message["down"])
        elif kind == "wheel":
            self._move(ox + message["x"], oy + message["y"])
            self._scroll(message["dx"], message["dy"])
        elif kind == "key":
            self._set_key(message["code"], message["down"], message.get("key"))
        elif kind == "release_all":
            self.release_all()
        else:
            return False
        return True

    def release_all(self) -> None:
        """Release every held button and key, modifiers last so no chord fires on the way."""
        for button in sorted(self._held_buttons):
            self._button(button, False)
        self._held_buttons.clear()
        ordered = sorted(self._held_keys, key=lambda code: code in MODIFIER_CODES)
        for code in ordered:
            self._key_up(code, self._held_keys.pop(code))
        if ordered:
            log.debug("released held keys %s", ordered)

    def release_if_silent(self) -> bool:
        """Release everything if something is held and the viewer went quiet; True if it did."""
        held = bool(self._held_keys or self._held_buttons)
        if held and self._clock() - self._last_input >= INPUT_SILENCE_RELEASE_S:
            log.info("no input for %.0f s with keys held; releasing", INPUT_SILENCE_RELEASE_S)
            self.release_all()
            return True
        return False

    @property
    def held(self) -> tuple[frozenset[str], frozenset[int]]:
        """(held key codes, held buttons), for tests and diagnostics."""
        return frozenset(self._held_keys), frozenset(self._held_buttons)

    def close(self) -> None:
        self.release_all()

    # ===== PRIVATE METHODS =====

    def _set_button(self, button: int, down: bool) -> None:
        if down == (button in self._held_buttons):
            return  # a repeated press or a release of a button we never pressed
        self._button(button, down)
        if down:
            self._held_buttons.add(button)
        else:
            self._held_buttons.discard(button)

    def _set_key(self, code: str, down: bool, key: str | None) -> None:
        if down:
            if code in self._held_keys:
                return  # browser auto-repeat: the OS repeats held keys itself
            token = self._key_down(code, key)
            if token is not None:
                self._held_keys[code] = token
        elif code in self._held_keys:
            self._key_up(code, self._held_keys.pop(code))
