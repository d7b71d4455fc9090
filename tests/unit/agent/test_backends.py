"""The platform factory (lifeline/agent/backends): picks by sys.platform, imports only the chosen family."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from lifeline.agent import backends
from lifeline.agent.capture.base import MemoryCapture


@pytest.mark.parametrize(("platform", "family"), [("linux", "x11"), ("freebsd14", "x11"), ("win32", "windows"),
                                                  ("darwin", "macos")])
def test_family_follows_sys_platform_at_call_time(monkeypatch: pytest.MonkeyPatch, platform: str, family: str) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert backends.platform_family() == family


def _fake_pynput(moves: list[tuple[int, int]]) -> types.ModuleType:
    class Mouse:
        def __init__(self) -> None:
            self._at = (0, 0)

        @property
        def position(self) -> tuple[int, int]:
            return self._at

        @position.setter
        def position(self, value: tuple[int, int]) -> None:
            self._at = value
            moves.append(value)

    keyboard = types.SimpleNamespace(Controller=object, Key=types.SimpleNamespace(), KeyCode=object)
    mouse = types.SimpleNamespace(Controller=Mouse, Button=types.SimpleNamespace())
    return types.SimpleNamespace(keyboard=keyboard, mouse=mouse)  # type: ignore[return-value]


def test_windows_gets_pynput_and_mss_without_importing_xlib_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    moves: list[tuple[int, int]] = []
    monkeypatch.setitem(sys.modules, "pynput", _fake_pynput(moves))
    monkeypatch.delitem(sys.modules, "lifeline.agent.backends.x11", raising=False)
    from lifeline.agent.backends import desktop

    monkeypatch.setattr(desktop, "MssCapture", lambda: MemoryCapture({0: np.zeros((4, 4, 4), np.uint8)}))
    monkeypatch.setattr(sys, "platform", "win32")
    opened = backends.open_backends(None, lambda: None)
    try:
        assert opened.family == "windows" and not opened.global_hotkey
        assert type(opened.injector).__name__ == "PynputInput"
        opened.injector.apply({"type": "mouse_move", "x": 3, "y": 2})
        assert moves == [(3, 2)] and opened.cursor.position() == (3, 2)
        assert opened.clipboard.poll_change() is None and opened.activity.polled
        assert "lifeline.agent.backends.x11" not in sys.modules
    finally:
        opened.close()
