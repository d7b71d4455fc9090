"""Input injection with pynput, for the EXPERIMENTAL Windows and macOS agents (docs/remote-desktop.md).

pynput is imported when the injector is created, never at module import:
``import pynput`` fails outright on a machine without a desktop session
(it probes its platform backend on import), and the factory must be able to
name this backend on any machine.

Keys: printable keys type the technician's character (``key``), else the US
character of the physical key; named keys map to ``pynput.keyboard.Key``
members (a member the platform lacks, e.g. Insert on macOS, is ignored).
Unlike X11 there is no keyboard-mapping lookup: pynput types characters
with the platform's own layout handling.
"""

from __future__ import annotations

import logging
from typing import Any

from lifeline.agent.input.base import InputInjector
from lifeline.agent.input.keymap import us_char_for_code

__all__ = ["CODE_TO_PYNPUT_KEY", "PynputInput"]

log = logging.getLogger(__name__)

#: KeyboardEvent.code -> ``pynput.keyboard.Key`` member name, for keys that are not characters.
CODE_TO_PYNPUT_KEY: dict[str, str] = {
    "Enter": "enter", "NumpadEnter": "enter", "Tab": "tab", "Backspace": "backspace", "Escape": "esc",
    "Delete": "delete", "Insert": "insert", "Space": "space",
    "ArrowUp": "up", "ArrowDown": "down", "ArrowLeft": "left", "ArrowRight": "right",
    "Home": "home", "End": "end", "PageUp": "page_up", "PageDown": "page_down",
    "ShiftLeft": "shift_l", "ShiftRight": "shift_r", "ControlLeft": "ctrl_l", "ControlRight": "ctrl_r",
    "AltLeft": "alt_l", "AltRight": "alt_r", "MetaLeft": "cmd_l", "MetaRight": "cmd_r",
    "CapsLock": "caps_lock", "NumLock": "num_lock", "ScrollLock": "scroll_lock", "ContextMenu": "menu",
    "PrintScreen": "print_screen", "Pause": "pause",
    **{f"F{n}": f"f{n}" for n in range(1, 21)},
}
#: DOM button -> ``pynput.mouse.Button`` member; back/forward exist on Windows only (x1, x2).
DOM_TO_PYNPUT_BUTTON = {0: "left", 1: "middle", 2: "right", 3: "x1", 4: "x2"}


class PynputInput(InputInjector):
    """Injects through pynput's keyboard and mouse controllers (the OS's own input queue)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from pynput import keyboard, mouse  # lazy: see the module docstring

        self._keyboard = keyboard.Controller()
        self._mouse = mouse.Controller()
        self._keys = keyboard.Key
        self._key_code = keyboard.KeyCode
        self._buttons = mouse.Button

    # ===== PRIMITIVES =====

    def _move(self, x: int, y: int) -> None:
        self._mouse.position = (x, y)

    def _button(self, button: int, down: bool) -> None:
        target = getattr(self._buttons, DOM_TO_PYNPUT_BUTTON[button], None)
        if target is None:
            return
        (self._mouse.press if down else self._mouse.release)(target)

    def _scroll(self, dx: int, dy: int) -> None:
        self._mouse.scroll(dx, -dy)  # pynput: positive dy scrolls up; the protocol's positive dy is down

    def _key_down(self, code: str, key: str | None) -> Any:
        target = self._resolve(code, key)
        if target is None:
            log.debug("no pynput key for code=%s key=%r; ignored", code, key)
            return None
        self._keyboard.press(target)
        return target

    def _key_up(self, code: str, token: Any) -> None:
        self._keyboard.release(token)

    # ===== PUBLIC METHODS =====

    def pointer(self) -> tuple[int, int]:
        x, y = self._mouse.position
        return int(x), int(y)

    # ===== PRIVATE METHODS =====

    def _resolve(self, code: str, key: str | None) -> Any:
        """A named key's ``Key`` member, else the character's ``KeyCode`` (None: nothing to press)."""
        name = CODE_TO_PYNPUT_KEY.get(code)
        if name is not None:
            return getattr(self._keys, name, None)
        char = key if key is not None and len(key) == 1 else us_char_for_code(code)
        return self._key_code.from_char(char) if char is not None else None
