"""X11 input injection with python-xlib's XTest: ~0.6 ms per event (ecosystem §8).

Keys: the physical key (``code``) gives a keysym from keymap.py; for a
printable key whose message carries ``key`` (the character the technician's
layout produced), that character's keysym is preferred. Either way the
keysym is looked up in the X server's *current* keyboard mapping: found at
shift level 1 (e.g. ``$`` on a US map), Shift is pressed around it; found at
level 0 while the technician holds Shift, Shift is lifted around it. So
``$ ( * )`` and non-US customer layouts type what the technician typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from Xlib import XK, X, display, error
from Xlib.ext import xtest

from lifeline.agent.input.base import InputInjector
from lifeline.agent.input.keymap import MODIFIER_CODES, char_keysym, keysym_name_for_code
from lifeline.errors import LifelineError

__all__ = ["InputError", "X11Input"]

log = logging.getLogger(__name__)

#: DOM MouseEvent.button -> X button: left, middle, right, back, forward.
DOM_TO_X_BUTTON = {0: 1, 1: 2, 2: 3, 3: 8, 4: 9}
#: X "buttons" that are wheel notches: up, down, left, right.
WHEEL_UP, WHEEL_DOWN, WHEEL_LEFT, WHEEL_RIGHT = 4, 5, 6, 7
#: Keysym-list index of a keycode's unshifted and shifted symbol (core protocol).
LEVEL_PLAIN, LEVEL_SHIFT = 0, 1
_SHIFT_CODES = ("ShiftLeft", "ShiftRight")


class InputError(LifelineError):
    """The X server could not be reached for input injection."""

    code = "input_error"


class X11Input(InputInjector):
    """XTest injector for one X display (``":0"``; None uses $DISPLAY)."""

    def __init__(self, display_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            self._d = display.Display(display_name)
        except (error.DisplayError, OSError) as exc:
            raise InputError(f"cannot open X display {display_name or '$DISPLAY'}: {exc}") from exc
        if not self._d.has_extension("XTEST"):
            raise InputError("the X server has no XTEST extension; input injection is impossible")
        shift = self._keycode(XK.string_to_keysym("Shift_L"))
        self._shift_keycode = shift[0] if shift else None

    # ===== PRIMITIVES =====

    def _move(self, x: int, y: int) -> None:
        xtest.fake_input(self._d, X.MotionNotify, x=x, y=y)
        self._d.sync()

    def _button(self, button: int, down: bool) -> None:
        xtest.fake_input(self._d, X.ButtonPress if down else X.ButtonRelease, DOM_TO_X_BUTTON[button])
        self._d.sync()

    def _scroll(self, dx: int, dy: int) -> None:
        for button, steps in ((WHEEL_DOWN if dy > 0 else WHEEL_UP, abs(dy)), (WHEEL_RIGHT if dx > 0 else WHEEL_LEFT, abs(dx))):
            for _ in range(steps):
                xtest.fake_input(self._d, X.ButtonPress, button)
                xtest.fake_input(self._d, X.ButtonRelease, button)
        self._d.sync()

    def _key_down(self, code: str, key: str | None) -> int | None:
        self._refresh_mapping()
        found = None
        if key is not None and code not in MODIFIER_CODES:
            keysym = char_keysym(key)
            found = self._keycode(keysym) if keysym is not None else None
        translated = found is not None
        if found is None:
            name = keysym_name_for_code(code)
            keysym = XK.string_to_keysym(name) if name else XK.NoSymbol
            found = self._keycode(keysym) if keysym != XK.NoSymbol else None
        if found is None:
            log.debug("no keycode for code=%s key=%r on this X keyboard map; ignored", code, key)
            return None
        keycode, level = found
        if translated:
            with self._shift_state(level == LEVEL_SHIFT):
                xtest.fake_input(self._d, X.KeyPress, keycode)
        else:
            xtest.fake_input(self._d, X.KeyPress, keycode)
        self._d.sync()
        return keycode

    def _key_up(self, code: str, token: Any) -> None:
        xtest.fake_input(self._d, X.KeyRelease, int(token))
        self._d.sync()

    # ===== PUBLIC METHODS =====

    def pointer(self) -> tuple[int, int]:
        """Where the pointer is now (virtual-desktop pixels)."""
        reply = self._d.screen().root.query_pointer()
        return reply.root_x, reply.root_y

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._d.close()

    # ===== PRIVATE METHODS =====

    def _keycode(self, keysym: int) -> tuple[int, int] | None:
        """(keycode, level) for ``keysym`` at level 0 or 1, preferring 0."""
        pairs = [(kc, idx) for kc, idx in self._d.keysym_to_keycodes(keysym) if idx in (LEVEL_PLAIN, LEVEL_SHIFT)]
        return min(pairs, key=lambda p: (p[1], p[0])) if pairs else None

    @contextmanager
    def _shift_state(self, want_shift: bool) -> Iterator[None]:
        """Make Shift match ``want_shift`` for one key press, then restore the technician's state."""
        held = [self._held_keys[c] for c in _SHIFT_CODES if c in self._held_keys]
        press: Callable[[int], None] = lambda kc: xtest.fake_input(self._d, X.KeyPress, kc)  # noqa: E731
        release: Callable[[int], None] = lambda kc: xtest.fake_input(self._d, X.KeyRelease, kc)  # noqa: E731
        if want_shift and not held and self._shift_keycode is not None:
            press(self._shift_keycode)
            try:
                yield
            finally:
                release(self._shift_keycode)
        elif not want_shift and held:
            for kc in held:
                release(kc)
            try:
                yield
            finally:
                for kc in held:
                    press(kc)
        else:
            yield

    def _refresh_mapping(self) -> None:
        """Pick up keyboard-layout changes (MappingNotify) since the last key."""
        while self._d.pending_events():
            event = self._d.next_event()
            if event.type == X.MappingNotify:
                self._d.refresh_keyboard_mapping(event)
