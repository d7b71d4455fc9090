"""A window dragged on a real X server reaches the viewer as a COPY (lifeline/agent/encode/passes/pans.py).

Xvfb runs an xterm full of text; xdotool moves it diagonally, as a drag
does (the X server moves the window's pixels itself); the agent's capture
and encoder turn the next screen into an update that the reference renderer
(tests/unit/agent/encode/frames_helper.render, which applies rects as the
viewer does) draws onto the previous picture. The picture must then equal
the X screen pixel for pixel, and the update must be a COPY plus the strips
the move uncovered, far smaller than re-sending the window.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

for _tool in ("Xvfb", "xterm", "xdotool"):
    if shutil.which(_tool) is None:
        pytest.skip(f"{_tool} is not installed", allow_module_level=True)

from lifeline.agent.capture import select_monitor  # noqa: E402
from lifeline.agent.capture.x11 import X11Capture  # noqa: E402
from lifeline.agent.encode import ScreenEncoder  # noqa: E402
from lifeline.protocol import Encoding  # noqa: E402
from tests.support.remote import x_client, xdotool, xvfb  # noqa: E402
from tests.unit.agent.encode.frames_helper import render  # noqa: E402

TITLE = "lifeline-move-target"
#: Moves of the window (dx, dy) in px, one per update: right-down, left, up.
MOVES = [(40, 25), (-60, 0), (0, -30)]
WAIT_S = 20.0
POLL_S = 0.05


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    with xvfb() as name:
        yield name


def _wait_still(capture: X11Capture, monitor: object) -> np.ndarray:
    """The screen once two grabs 100 ms apart agree (xterm has finished drawing)."""
    deadline = time.monotonic() + WAIT_S
    last = capture.grab(monitor)  # type: ignore[arg-type]
    while time.monotonic() < deadline:
        time.sleep(0.1)
        frame = capture.grab(monitor)  # type: ignore[arg-type]
        if np.array_equal(frame, last):
            return frame
        last = frame
    raise AssertionError("the screen never settled")


def test_dragging_a_window_sends_a_copy_and_the_picture_stays_exact(display: str) -> None:
    x, y = 200, 150
    command = "seq -w 1 2000 | paste -sd ' ' | fold -w 78; exec sleep 600"
    with x_client(display, "xterm", "-T", TITLE, "-geometry", f"80x30+{x}+{y}", "-e", "sh", "-c", command), \
            X11Capture(display) as capture:
        window = xdotool(display, "search", "--sync", "--name", TITLE).split()[0]
        monitor = select_monitor(capture.monitors(), None)
        encoder = ScreenEncoder()
        frame = _wait_still(capture, monitor)
        screen, _ = render(None, encoder.next_update(frame) or b"")
        encoder.ack(encoder.seq)
        for dx, dy in MOVES:
            x, y = x + dx, y + dy
            xdotool(display, "windowmove", "--sync", window, str(x), str(y))
            frame = _wait_still(capture, monitor)
            data = encoder.next_update(frame)
            assert data is not None
            screen, update = render(screen, data)
            encoder.ack(update.seq)
            copy = update.rects[0]
            assert copy.encoding is Encoding.COPY, [r.encoding for r in update.rects]
            assert copy.copy_source == (copy.x - dx, copy.y - dy)  # the viewer's old window, moved
            assert copy.width * copy.height > 300 * 300  # most of the window, not a strip
            assert np.array_equal(screen[..., :3], frame[..., :3])
            assert len(data) < 20_000  # the strips, not the window (~100 KB of text as PNG)
