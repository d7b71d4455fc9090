"""The remote pointer (lifeline/agent/cursor/): XFixes-style images to PNG, and what the tracker sends when.

The images are synthetic premultiplied ARGB words, as XFixes GetCursorImage
returns them; the X11 source is driven by a scripted display connection and
scripted change reports, so no X server is needed (the reports themselves are
tested on Xvfb in test_input_watch.py).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from PIL import Image
from Xlib import display, error

from lifeline.agent.capture.base import Monitor
from lifeline.agent.cursor import base as cursor_base
from lifeline.agent.cursor.base import MAX_CURSOR_SIDE_PX, CursorImage, CursorSource, CursorTracker
from lifeline.agent.cursor.x11 import WARP_RECHECK_S, X11Cursor
from lifeline.protocol import messages

OPAQUE_RED = 0xFFFF0000
TRANSPARENT = 0x00000000
HALF_WHITE = 0x80808080  # premultiplied: alpha 128, each channel 128 -> straight 255
SCREEN = Monitor(0, 0, 0, 1920, 1080)


def argb(a: int, r: int, g: int, b: int) -> int:
    return (a << 24) | (r << 16) | (g << 8) | b


def decode_png(message: dict[str, Any]) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(message["png"])))
    image.load()
    return image


# ===== IMAGE CONVERSION =====


def test_premultiplied_argb_becomes_straight_rgba() -> None:
    image = CursorImage.from_premultiplied_argb(2, 2, 1, 0, [OPAQUE_RED, TRANSPARENT, HALF_WHITE,
                                                             argb(64, 0, 32, 0)], serial=7)
    pixels = np.frombuffer(image.rgba, np.uint8).reshape(2, 2, 4)
    assert pixels.tolist() == [[[255, 0, 0, 255], [0, 0, 0, 0]],
                               [[255, 255, 255, 128], [0, 128, 0, 64]]]
    assert (image.width, image.height, image.hot_x, image.hot_y, image.serial) == (2, 2, 1, 0, 7)


def test_inconsistent_premultiplied_channels_are_clamped_not_wrapped() -> None:
    """A channel above its alpha is invalid premultiplied data; it must saturate, not overflow uint8."""
    image = CursorImage.from_premultiplied_argb(1, 1, 0, 0, [argb(16, 255, 17, 16)])
    assert list(image.rgba) == [255, 255, 255, 16]


def test_straight_colour_premultiplies_back_to_the_source_for_every_alpha_and_value() -> None:
    """The conversion is the exact inverse of premultiplying: anti-aliased edges keep their colour."""
    alpha, value = np.meshgrid(np.arange(1, 256, dtype=np.uint32), np.arange(256, dtype=np.uint32), indexing="ij")
    premultiplied = np.minimum(value, alpha)  # every valid premultiplied (channel <= alpha) pair
    words = (alpha << 24) | (premultiplied << 16) | (premultiplied << 8) | premultiplied
    image = CursorImage.from_premultiplied_argb(256, 255, 0, 0, words.ravel().tolist())
    rgba = np.frombuffer(image.rgba, np.uint8).reshape(255, 256, 4).astype(np.int64)
    back = np.rint(rgba[:, :, 0] * rgba[:, :, 3] / 255).astype(np.int64)
    assert (rgba[:, :, 3] == alpha).all()
    assert (back == premultiplied).all(), "straight colour does not re-premultiply to the source"


def test_png_has_the_image_size_alpha_and_pixels() -> None:
    words = [OPAQUE_RED, HALF_WHITE, TRANSPARENT] * 4  # 3 x 4
    image = CursorImage.from_premultiplied_argb(3, 4, 2, 3, words)
    message = image.shape_message()
    assert messages.validate_message(message) == message
    png = decode_png(message)
    assert png.format == "PNG" and png.mode == "RGBA" and png.size == (3, 4)
    assert png.tobytes() == image.rgba
    assert (message["width"], message["height"], message["hot_x"], message["hot_y"]) == (3, 4, 2, 3)


def test_a_huge_cursor_is_cropped_to_256_px_and_its_hotspot_kept_inside() -> None:
    width, height = 300, 280
    words = np.full(width * height, OPAQUE_RED, np.uint32).reshape(height, width)
    words[:, 256:] = argb(255, 0, 0, 255)  # columns beyond the crop are blue: none may survive
    image = CursorImage.from_premultiplied_argb(width, height, 290, 270, words.ravel().tolist())
    assert (image.width, image.height) == (MAX_CURSOR_SIDE_PX, MAX_CURSOR_SIDE_PX) == (256, 256)
    assert (image.hot_x, image.hot_y) == (255, 255)
    message = image.shape_message()
    assert messages.validate_message(message) == message
    assert len(message["png"]) <= messages.MAX_CURSOR_PNG_CHARS
    png = np.asarray(decode_png(message))
    assert png.shape == (256, 256, 4) and (png == [255, 0, 0, 255]).all()


def test_a_noisy_256_px_cursor_still_fits_the_protocol() -> None:
    """The worst case for PNG size (random pixels) stays under MAX_CURSOR_PNG_CHARS."""
    rng = np.random.default_rng(5)
    words = rng.integers(0, 2**32, size=256 * 256, dtype=np.uint64).astype(np.uint32)
    message = CursorImage.from_premultiplied_argb(256, 256, 0, 0, words.tolist()).shape_message()
    assert messages.validate_message(message) == message


# ===== TRACKER =====


class ScriptedSource(CursorSource):
    """A pointer that is where the test says, with the image the test queued."""

    def __init__(self) -> None:
        self.at = (0, 0)
        self.shapes: list[CursorImage] = []
        self.position_reads = 0
        self.closed = False

    def position(self) -> tuple[int, int]:
        self.position_reads += 1
        return self.at

    def changed_shape(self) -> CursorImage | None:
        return self.shapes.pop(0) if self.shapes else None

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def tracked() -> Iterator[tuple[ScriptedSource, CursorTracker]]:
    source = ScriptedSource()
    tracker = CursorTracker(source)
    yield source, tracker
    tracker.close()
    assert source.closed


def arrow(serial: int = 1) -> CursorImage:
    return CursorImage.from_premultiplied_argb(2, 2, 0, 0, [OPAQUE_RED] * 4, serial)


def kinds(out: list[dict[str, Any]]) -> list[str]:
    return [m["type"] for m in out]


def test_first_poll_sends_the_shape_before_the_position(tracked: tuple[ScriptedSource, CursorTracker]) -> None:
    source, tracker = tracked
    source.at, source.shapes = (10, 20), [arrow()]
    out = tracker.poll(SCREEN)
    assert kinds(out) == ["cursor_shape", "cursor"]
    assert out[1] == messages.cursor_position(10, 20, True)
    for message in out:
        assert messages.validate_message(message) == message


def test_every_poll_sends_the_latest_position_when_it_moved(tracked: tuple[ScriptedSource, CursorTracker]) -> None:
    """The rate is the capture loop's (clock.POLL_S): the tracker sends whatever moved since the last poll."""
    source, tracker = tracked
    for step in range(5):
        source.at = (1 + step, 1)
        assert tracker.poll(SCREEN) == [messages.cursor_position(1 + step, 1, True)]


def test_an_unmoved_pointer_is_not_resent(tracked: tuple[ScriptedSource, CursorTracker]) -> None:
    source, tracker = tracked
    source.at = (300, 400)
    assert kinds(tracker.poll(SCREEN)) == ["cursor"]
    for _ in range(10):
        assert tracker.poll(SCREEN) == []


def test_a_new_shape_is_sent_even_when_the_pointer_stayed(
    tracked: tuple[ScriptedSource, CursorTracker]
) -> None:
    source, tracker = tracked
    assert kinds(tracker.poll(SCREEN)) == ["cursor"]
    source.shapes = [arrow(2)]
    assert kinds(tracker.poll(SCREEN)) == ["cursor_shape"]


def test_reset_resends_the_shape_and_position_for_a_new_viewer(
    tracked: tuple[ScriptedSource, CursorTracker]
) -> None:
    source, tracker = tracked
    source.at, source.shapes = (5, 6), [arrow()]
    first = tracker.poll(SCREEN)
    assert tracker.poll(SCREEN) == []
    tracker.reset()
    assert tracker.poll(SCREEN) == first


def test_reset_before_any_shape_sends_only_the_position(tracked: tuple[ScriptedSource, CursorTracker]) -> None:
    source, tracker = tracked
    source.at = (5, 6)
    tracker.poll(SCREEN)
    tracker.reset()
    assert kinds(tracker.poll(SCREEN)) == ["cursor"]


def test_position_is_relative_to_the_selected_monitor_and_flags_outside(
    tracked: tuple[ScriptedSource, CursorTracker]
) -> None:
    source, tracker = tracked
    right = Monitor(1, 1920, 0, 1280, 1024)
    source.at = (2000, 50)
    assert tracker.poll(right) == [messages.cursor_position(80, 50, True)]
    source.at = (100, 50)  # on the other monitor
    assert tracker.poll(right) == [messages.cursor_position(-1820, 50, False)]
    source.at = (1920 + 1280, 50)  # one past the right edge is outside
    assert tracker.poll(right)[0]["visible"] is False


# ===== X11 SOURCE (scripted XFixes) =====


class ScriptedXDisplay:
    """The few python-xlib Display calls X11Cursor makes, answering with queued XFixes replies."""

    def __init__(self) -> None:
        self.replies: list[Any] = []
        self.image_requests = 0
        self.pointer_requests = 0
        self.closed = False
        self.pointer = (0, 0)
        self.root = SimpleNamespace(query_pointer=self._query_pointer)
        self.negotiated = False

    def _query_pointer(self) -> SimpleNamespace:
        self.pointer_requests += 1
        return SimpleNamespace(root_x=self.pointer[0], root_y=self.pointer[1])

    def screen(self) -> SimpleNamespace:
        return SimpleNamespace(root=self.root)

    def xfixes_query_version(self) -> None:
        self.negotiated = True

    def xfixes_get_cursor_image(self, window: object) -> Any:
        assert self.negotiated, "XFIXES requests before QueryVersion fail"
        self.image_requests += 1
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def close(self) -> None:
        self.closed = True


class ScriptedChanges:
    """What input/x11_watch.py reports: set ``moved`` / ``shape_changed`` as the server would."""

    def __init__(self, *, cursor_notify: bool = True) -> None:
        self.cursor_notify = cursor_notify
        self.moved = self.shape_changed = True  # the watch reports both at first

    def take_motion(self) -> bool:
        moved, self.moved = self.moved, False
        return moved

    def take_shape_change(self) -> bool:
        changed, self.shape_changed = self.shape_changed, False
        return changed


def cursor_reply(width: int, height: int, serial: int, pixel: int = OPAQUE_RED) -> SimpleNamespace:
    return SimpleNamespace(width=width, height=height, xhot=1, yhot=1, cursor_serial=serial,
                           cursor_image=[pixel] * (width * height))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def x11_cursor(scripted: ScriptedXDisplay, changes: ScriptedChanges, clock: Clock | None = None) -> X11Cursor:
    return X11Cursor(None, changes, connection=cast(display.Display, scripted), clock=clock or Clock())


def test_x11_reads_the_image_first_then_only_after_a_reported_change() -> None:
    scripted, changes = ScriptedXDisplay(), ScriptedChanges()
    scripted.replies = [cursor_reply(4, 3, serial=1), cursor_reply(2, 2, serial=2, pixel=HALF_WHITE)]
    source = x11_cursor(scripted, changes)
    try:
        first = source.changed_shape()
        assert first is not None and (first.width, first.height, first.serial) == (4, 3, 1)
        assert source.changed_shape() is None and scripted.image_requests == 1
        changes.shape_changed = True
        second = source.changed_shape()
        assert second is not None and second.serial == 2 and list(second.rgba[:4]) == [255, 255, 255, 128]
        assert scripted.image_requests == 2
    finally:
        source.close()
    assert scripted.closed


def test_x11_queries_the_pointer_after_reported_motion_or_once_the_last_read_is_old() -> None:
    scripted, changes, clock = ScriptedXDisplay(), ScriptedChanges(), Clock()
    source = x11_cursor(scripted, changes, clock)
    scripted.pointer = (640, 480)
    assert source.position() == (640, 480) and scripted.pointer_requests == 1
    scripted.pointer = (10, 10)  # not reported (a warp): the last known position stands for a while
    for _ in range(5):
        clock.now += WARP_RECHECK_S / 10
        assert source.position() == (640, 480)
    assert scripted.pointer_requests == 1
    changes.moved = True
    assert source.position() == (10, 10) and scripted.pointer_requests == 2
    scripted.pointer = (20, 20)  # warped again
    clock.now += WARP_RECHECK_S
    assert source.position() == (20, 20) and scripted.pointer_requests == 3


def test_x11_empty_image_or_x_error_means_no_shape_and_no_crash() -> None:
    scripted, changes = ScriptedXDisplay(), ScriptedChanges()
    failure = error.BadWindow.__new__(error.BadWindow)  # an XError as python-xlib raises it
    scripted.replies = [cursor_reply(0, 0, serial=1), failure]
    source = x11_cursor(scripted, changes)
    assert source.changed_shape() is None
    changes.shape_changed = True
    assert source.changed_shape() is None
    assert scripted.image_requests == 2


def test_x11_without_xfixes_has_a_position_but_never_a_shape() -> None:
    scripted, changes = ScriptedXDisplay(), ScriptedChanges(cursor_notify=False)
    source = x11_cursor(scripted, changes)
    assert source.changed_shape() is None and source.changed_shape() is None
    assert scripted.image_requests == 0
    assert source.position() == (0, 0)


def test_the_protocol_limit_and_the_agent_crop_are_the_same_number() -> None:
    assert cursor_base.MAX_CURSOR_SIDE_PX == messages.MAX_CURSOR_PX
