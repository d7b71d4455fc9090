"""The KeyboardEvent.code table (lifeline/agent/input/keymap.py)."""

from __future__ import annotations

from Xlib import XK

from lifeline.agent.input.keymap import CODE_TO_KEYSYM, MODIFIER_CODES, char_keysym, keysym_name_for_code
from lifeline.protocol.messages import KEY_CODE_PATTERN


def test_every_keysym_name_resolves_in_xlib() -> None:
    unresolved = [name for name in CODE_TO_KEYSYM.values() if XK.string_to_keysym(name) == XK.NoSymbol]
    assert unresolved == []


def test_every_code_is_valid_on_the_wire() -> None:
    assert all(KEY_CODE_PATTERN.fullmatch(code) for code in CODE_TO_KEYSYM)
    assert set(CODE_TO_KEYSYM) >= MODIFIER_CODES


def test_physical_keys_map_to_unshifted_us_symbols() -> None:
    assert keysym_name_for_code("KeyA") == "a"
    assert keysym_name_for_code("Digit4") == "4"
    assert keysym_name_for_code("Enter") == "Return"
    assert keysym_name_for_code("Slash") == "slash"
    assert keysym_name_for_code("Launch42") is None


def test_characters_map_to_latin1_or_unicode_keysyms() -> None:
    assert char_keysym("$") == XK.string_to_keysym("dollar")
    assert char_keysym("é") == XK.string_to_keysym("eacute")
    assert char_keysym("€") == 0x01000000 + 0x20AC
    assert char_keysym("\n") is None
    assert char_keysym("ab") is None
