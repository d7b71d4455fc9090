"""pynput key and button mapping (lifeline/agent/input/pynput_input.py) against a recording pynput double.

pynput cannot be imported without a desktop session (and is not installed
on the Linux test machines), so a module standing in for it is put in
``sys.modules``; it records what the real controllers would be asked to do.
The Key member names it offers are pynput's documented ones, so a typo in
``CODE_TO_PYNPUT_KEY`` fails here instead of silently dropping a key on a
customer's Windows machine.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from lifeline.agent.input.pynput_input import CODE_TO_PYNPUT_KEY, DOM_TO_PYNPUT_BUTTON, PynputInput
from lifeline.protocol import messages

#: pynput.keyboard.Key members (pynput 1.7/1.8 documentation); the last six may be missing per platform.
PYNPUT_KEYS = frozenset({
    "alt", "alt_l", "alt_r", "alt_gr", "backspace", "caps_lock", "cmd", "cmd_l", "cmd_r", "ctrl", "ctrl_l",
    "ctrl_r", "delete", "down", "end", "enter", "esc", "home", "left", "page_down", "page_up", "right", "shift",
    "shift_l", "shift_r", "space", "tab", "up", "media_play_pause", "media_volume_mute", "media_volume_down",
    "media_volume_up", "media_previous", "media_next", *(f"f{n}" for n in range(1, 21)),
    "insert", "menu", "num_lock", "pause", "print_screen", "scroll_lock",
})
#: Keys pynput documents as possibly undefined (macOS has none of them).
PLATFORM_OPTIONAL_KEYS = frozenset({"insert", "menu", "num_lock", "pause", "print_screen", "scroll_lock"})
PYNPUT_BUTTONS = frozenset({"left", "middle", "right", "x1", "x2"})


@dataclass(frozen=True)
class Named:
    """A pynput Key or Button member: compared by name."""

    name: str


@dataclass(frozen=True)
class Char:
    """A pynput KeyCode made from a character."""

    char: str


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.position: tuple[int, int] = (0, 0)


def fake_pynput(recorder: Recorder, keys: frozenset[str], buttons: frozenset[str]) -> types.ModuleType:
    class KeyboardController:
        def press(self, key: Any) -> None:
            recorder.calls.append(("press", key))

        def release(self, key: Any) -> None:
            recorder.calls.append(("release", key))

    class MouseController:
        @property
        def position(self) -> tuple[int, int]:
            return recorder.position

        @position.setter
        def position(self, value: tuple[int, int]) -> None:
            recorder.position = value
            recorder.calls.append(("move", value))

        def press(self, button: Any) -> None:
            recorder.calls.append(("button_down", button))

        def release(self, button: Any) -> None:
            recorder.calls.append(("button_up", button))

        def scroll(self, dx: int, dy: int) -> None:
            recorder.calls.append(("scroll", (dx, dy)))

    class KeyCode:
        @staticmethod
        def from_char(char: str) -> Char:
            assert len(char) == 1
            return Char(char)

    module = types.ModuleType("pynput")
    module.keyboard = types.SimpleNamespace(  # type: ignore[attr-defined]
        Controller=KeyboardController, KeyCode=KeyCode, Key=types.SimpleNamespace(**{k: Named(k) for k in keys}))
    module.mouse = types.SimpleNamespace(  # type: ignore[attr-defined]
        Controller=MouseController, Button=types.SimpleNamespace(**{b: Named(b) for b in buttons}))
    return module


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def injector_for(monkeypatch: pytest.MonkeyPatch, recorder: Recorder, *, keys: frozenset[str] = PYNPUT_KEYS,
                 buttons: frozenset[str] = PYNPUT_BUTTONS) -> Iterator[PynputInput]:
    monkeypatch.setitem(sys.modules, "pynput", fake_pynput(recorder, keys, buttons))
    injector = PynputInput()
    try:
        yield injector
    finally:
        injector.close()


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> Iterator[PynputInput]:
    yield from injector_for(monkeypatch, recorder)


@pytest.fixture
def macos(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> Iterator[PynputInput]:
    yield from injector_for(monkeypatch, recorder, keys=PYNPUT_KEYS - PLATFORM_OPTIONAL_KEYS,
                            buttons=PYNPUT_BUTTONS - {"x1", "x2"})


def tap(injector: PynputInput, code: str, key: str | None = None) -> None:
    injector.apply(messages.key_event(code, True, key))
    injector.apply(messages.key_event(code, False, key))


def test_every_mapped_name_is_a_pynput_key_member() -> None:
    assert set(CODE_TO_PYNPUT_KEY.values()) <= PYNPUT_KEYS, set(CODE_TO_PYNPUT_KEY.values()) - PYNPUT_KEYS
    assert set(DOM_TO_PYNPUT_BUTTON.values()) <= PYNPUT_BUTTONS


def test_every_mapped_code_is_valid_on_the_wire() -> None:
    for code in CODE_TO_PYNPUT_KEY:
        assert messages.validate_message(messages.key_event(code, True))["code"] == code


@pytest.mark.parametrize(("code", "name"), [("Enter", "enter"), ("NumpadEnter", "enter"), ("Escape", "esc"),
                                            ("ControlLeft", "ctrl_l"), ("MetaRight", "cmd_r"), ("F20", "f20"),
                                            ("ArrowLeft", "left"), ("PageDown", "page_down"), ("Space", "space")])
def test_named_keys_press_and_release_their_key_member(windows: PynputInput, recorder: Recorder, code: str,
                                                       name: str) -> None:
    tap(windows, code, " " if code == "Space" else None)
    assert recorder.calls == [("press", Named(name)), ("release", Named(name))]


def test_printable_keys_type_the_technicians_character(windows: PynputInput, recorder: Recorder) -> None:
    tap(windows, "KeyQ", "a")  # an AZERTY technician: the character, not the US key
    tap(windows, "Digit2", "@")
    assert recorder.calls == [("press", Char("a")), ("release", Char("a")), ("press", Char("@")),
                              ("release", Char("@"))]


def test_without_a_single_character_the_us_character_of_the_physical_key_is_typed(
    windows: PynputInput, recorder: Recorder
) -> None:
    tap(windows, "KeyA", None)
    tap(windows, "Semicolon", "Dead")  # a dead key reports a name, not a character
    tap(windows, "Numpad7", "Home")  # NumLock off: the browser's key is a name
    assert [c for c in recorder.calls if c[0] == "press"] == [("press", Char("a")), ("press", Char(";")),
                                                               ("press", Char("7"))]


def test_release_uses_the_token_of_the_press_even_if_the_character_changed(
    windows: PynputInput, recorder: Recorder
) -> None:
    windows.apply(messages.key_event("ShiftLeft", True))
    windows.apply(messages.key_event("KeyA", True, "A"))
    windows.apply(messages.key_event("ShiftLeft", False))
    windows.apply(messages.key_event("KeyA", False, "a"))  # shift let go first: the browser now says "a"
    assert recorder.calls == [("press", Named("shift_l")), ("press", Char("A")), ("release", Named("shift_l")),
                              ("release", Char("A"))]


def test_a_key_this_platform_lacks_is_ignored_and_never_held(macos: PynputInput, recorder: Recorder) -> None:
    macos.apply(messages.key_event("Insert", True))
    macos.apply(messages.key_event("PrintScreen", True))
    assert recorder.calls == [] and macos.held == (frozenset(), frozenset())
    tap(macos, "Unidentified")  # no mapping and no character
    assert recorder.calls == []


def test_held_keys_are_released_on_release_all(windows: PynputInput, recorder: Recorder) -> None:
    windows.apply(messages.key_event("ControlLeft", True))
    windows.apply(messages.key_event("KeyC", True, "c"))
    windows.release_all()
    assert recorder.calls[-2:] == [("release", Char("c")), ("release", Named("ctrl_l"))]  # modifier last


def test_buttons_scroll_and_moves_use_pynputs_conventions(windows: PynputInput, recorder: Recorder) -> None:
    windows.set_origin(1920, 0)
    windows.apply(messages.mouse_button(2, True, 10, 20))
    windows.apply(messages.mouse_button(2, False, 10, 20))
    windows.apply(messages.wheel(30, 40, 0, 3))  # three notches down
    assert recorder.calls == [("move", (1930, 20)), ("button_down", Named("right")), ("move", (1930, 20)),
                              ("button_up", Named("right")), ("move", (1950, 40)), ("scroll", (0, -3))]
    assert windows.pointer() == (1950, 40)


def test_back_and_forward_buttons_are_skipped_where_pynput_has_none(macos: PynputInput, recorder: Recorder) -> None:
    macos.apply(messages.mouse_button(3, True, 0, 0))
    macos.apply(messages.mouse_button(3, False, 0, 0))
    assert [c for c in recorder.calls if c[0] != "move"] == []
