"""Held-key policy shared by every injector (lifeline/agent/input/base.py), on a recording double."""

from __future__ import annotations

from typing import Any

from lifeline.agent.input.base import INPUT_SILENCE_RELEASE_S, InputInjector
from lifeline.protocol import messages


class RecordingInjector(InputInjector):
    """Records primitive calls instead of touching a desktop."""

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(clock=lambda: self.now)
        self.calls: list[tuple[Any, ...]] = []

    def _move(self, x: int, y: int) -> None:
        self.calls.append(("move", x, y))

    def _button(self, button: int, down: bool) -> None:
        self.calls.append(("button", button, down))

    def _scroll(self, dx: int, dy: int) -> None:
        self.calls.append(("scroll", dx, dy))

    def _key_down(self, code: str, key: str | None) -> Any:
        self.calls.append(("down", code))
        return None if code == "Launch42" else code

    def _key_up(self, code: str, token: Any) -> None:
        self.calls.append(("up", code))


def test_coordinates_are_offset_by_the_selected_monitor() -> None:
    injector = RecordingInjector()
    injector.set_origin(1280, 0)
    injector.apply(messages.mouse_move(10, 20))
    assert injector.calls == [("move", 1290, 20)]


def test_browser_auto_repeat_is_not_injected_twice() -> None:
    injector = RecordingInjector()
    for _ in range(3):
        injector.apply(messages.key_event("KeyA", True, "a"))
    injector.apply(messages.key_event("KeyA", False, "a"))
    assert injector.calls == [("down", "KeyA"), ("up", "KeyA")]


def test_release_of_a_never_pressed_key_or_button_is_ignored() -> None:
    injector = RecordingInjector()
    injector.apply(messages.key_event("KeyB", False))
    injector.apply(messages.mouse_button(0, False, 1, 1))
    assert injector.calls == [("move", 1, 1)]


def test_release_all_lets_go_of_buttons_then_keys_then_modifiers() -> None:
    injector = RecordingInjector()
    injector.apply(messages.key_event("ControlLeft", True))
    injector.apply(messages.key_event("KeyC", True, "c"))
    injector.apply(messages.mouse_button(0, True, 5, 5))
    injector.calls.clear()
    injector.apply(messages.release_all())
    assert injector.calls == [("button", 0, False), ("up", "KeyC"), ("up", "ControlLeft")]
    assert injector.held == (frozenset(), frozenset())


def test_unmappable_keys_are_not_tracked_as_held() -> None:
    injector = RecordingInjector()
    injector.apply(messages.key_event("Launch42", True))
    assert injector.held == (frozenset(), frozenset())


def test_silence_with_keys_held_releases_everything() -> None:
    injector = RecordingInjector()
    injector.apply(messages.key_event("ShiftLeft", True))
    injector.now += INPUT_SILENCE_RELEASE_S / 2
    assert not injector.release_if_silent()
    injector.now += INPUT_SILENCE_RELEASE_S
    assert injector.release_if_silent()
    assert injector.calls[-1] == ("up", "ShiftLeft")


def test_non_input_messages_are_not_applied() -> None:
    assert not RecordingInjector().apply(messages.ack(1))
