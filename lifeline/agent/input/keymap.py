"""KeyboardEvent.code → X keysym name, for the physical keys of a US (ANSI/ISO) keyboard.

Maintained by hand from the UI Events KeyboardEvent code values
(https://www.w3.org/TR/uievents-code/) and X11's keysymdef.h; keysym names
are resolved to numbers by python-xlib (``Xlib.XK.string_to_keysym``) at
use time, so this module stays pure data. Edit the table, not the lookups;
tests/unit/agent/input/test_keymap.py checks every name resolves.

Each code maps to the keysym the key produces *unshifted* on a US layout.
The injector turns that keysym into whatever keycode the customer's X
server currently maps it to (``XKeysymToKeycode`` on the live mapping), so a
customer with a different layout still gets the technician's *character*
for printable keys when the message carries ``key``, and the right
*function* for named keys (Enter, arrows, F-keys, modifiers) always.
"""

from __future__ import annotations

__all__ = ["CODE_TO_KEYSYM", "MODIFIER_CODES", "char_keysym", "keysym_name_for_code", "us_char_for_code"]

_LETTERS = {f"Key{c}": c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_DIGITS = {f"Digit{d}": d for d in "0123456789"}
_FUNCTION = {f"F{n}": f"F{n}" for n in range(1, 25)}
_NUMPAD_DIGITS = {f"Numpad{d}": f"KP_{d}" for d in "0123456789"}

#: Punctuation keys: (X keysym name, the US-layout character), one table for both uses.
_PUNCTUATION = {
    "Backquote": ("grave", "`"),
    "Minus": ("minus", "-"),
    "Equal": ("equal", "="),
    "BracketLeft": ("bracketleft", "["),
    "BracketRight": ("bracketright", "]"),
    "Backslash": ("backslash", "\\"),
    "IntlBackslash": ("less", "<"),
    "Semicolon": ("semicolon", ";"),
    "Quote": ("apostrophe", "'"),
    "Comma": ("comma", ","),
    "Period": ("period", "."),
    "Slash": ("slash", "/"),
    "Space": ("space", " "),
}
#: Numpad operators typed as characters by backends without numpad key codes.
_NUMPAD_CHARS = {"NumpadAdd": "+", "NumpadSubtract": "-", "NumpadMultiply": "*", "NumpadDivide": "/",
                 "NumpadDecimal": ".", "NumpadEqual": "="}

CODE_TO_KEYSYM: dict[str, str] = {
    **_LETTERS,
    **_DIGITS,
    **_FUNCTION,
    **_NUMPAD_DIGITS,
    # Punctuation (US unshifted)
    **{code: name for code, (name, _char) in _PUNCTUATION.items()},
    # Editing and whitespace
    "Enter": "Return",
    "Tab": "Tab",
    "Backspace": "BackSpace",
    "Escape": "Escape",
    "Delete": "Delete",
    "Insert": "Insert",
    # Navigation
    "ArrowUp": "Up",
    "ArrowDown": "Down",
    "ArrowLeft": "Left",
    "ArrowRight": "Right",
    "Home": "Home",
    "End": "End",
    "PageUp": "Prior",
    "PageDown": "Next",
    # Modifiers and locks
    "ShiftLeft": "Shift_L",
    "ShiftRight": "Shift_R",
    "ControlLeft": "Control_L",
    "ControlRight": "Control_R",
    "AltLeft": "Alt_L",
    "AltRight": "Alt_R",
    "MetaLeft": "Super_L",
    "MetaRight": "Super_R",
    "CapsLock": "Caps_Lock",
    "NumLock": "Num_Lock",
    "ScrollLock": "Scroll_Lock",
    "ContextMenu": "Menu",
    # System
    "PrintScreen": "Print",
    "Pause": "Pause",
    # Numpad operators
    "NumpadAdd": "KP_Add",
    "NumpadSubtract": "KP_Subtract",
    "NumpadMultiply": "KP_Multiply",
    "NumpadDivide": "KP_Divide",
    "NumpadDecimal": "KP_Decimal",
    "NumpadEnter": "KP_Enter",
    "NumpadEqual": "KP_Equal",
}

#: Codes that are modifiers: never translated through ``key`` and always
#: released first by ``release_all`` so no stuck Ctrl survives a focus loss.
MODIFIER_CODES = frozenset(
    {"ShiftLeft", "ShiftRight", "ControlLeft", "ControlRight", "AltLeft", "AltRight", "MetaLeft", "MetaRight"}
)

#: Unicode keysyms are 0x01000000 + code point (X11 keysymdef.h, "Unicode" section).
_UNICODE_KEYSYM_OFFSET = 0x01000000
#: Latin-1 characters (U+0020..U+007E, U+00A0..U+00FF) have keysyms equal to their code point.
_LATIN1_RANGES = ((0x20, 0x7E), (0xA0, 0xFF))


def keysym_name_for_code(code: str) -> str | None:
    """The US-layout keysym name of a physical key, or None for keys we do not inject."""
    return CODE_TO_KEYSYM.get(code)


def us_char_for_code(code: str) -> str | None:
    """The character a printable key types unshifted on a US layout (letters, digits, punctuation, numpad)."""
    if code.startswith("Key") and len(code) == len("KeyA"):
        return code[-1].lower()
    if code.startswith(("Digit", "Numpad")) and code[-1].isdigit() and len(code) in (len("Digit0"), len("Numpad0")):
        return code[-1]
    if code in _PUNCTUATION:
        return _PUNCTUATION[code][1]
    return _NUMPAD_CHARS.get(code)


def char_keysym(char: str) -> int | None:
    """Keysym of one printable character (for ``key`` translation), or None."""
    if len(char) != 1:
        return None
    point = ord(char)
    if any(lo <= point <= hi for lo, hi in _LATIN1_RANGES):
        return point
    if point < 0x20 or 0x7F <= point < 0xA0:
        return None
    return _UNICODE_KEYSYM_OFFSET + point
