"""The agent's X11 event sources on a real Xvfb: customer input told apart from XTest, cursor and clipboard news.

input/x11_watch.py classifies XInput2 raw events by their source device;
the customer's input here comes from a second seat's devices
(tests/support/xi2.py: Xvfb has no hardware, and xdotool injects through the
same core XTest devices as the agent, so it counts as the technician).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from Xlib import X, Xcursorfont, display
from Xlib.ext import xinput

pytestmark = pytest.mark.e2e

if shutil.which("Xvfb") is None:
    pytest.skip("Xvfb is not installed", allow_module_level=True)

from lifeline.agent.clipboard import X11Clipboard  # noqa: E402
from lifeline.agent.cursor.base import CursorImage  # noqa: E402
from lifeline.agent.cursor.x11 import X11Cursor  # noqa: E402
from lifeline.agent.input.x11 import X11Input  # noqa: E402
from lifeline.agent.input.x11_watch import X11InputWatch  # noqa: E402
from lifeline.agent.priority import CUSTOMER_PRIORITY_WINDOW_S, CustomerActivity  # noqa: E402
from lifeline.protocol import messages  # noqa: E402
from tests.support.remote import xdotool, xvfb  # noqa: E402
from tests.support.sessions import wait_for  # noqa: E402
from tests.support.xi2 import SecondSeat  # noqa: E402

#: Long enough for the X server to deliver an event that would have come (ms-scale on Xvfb).
QUIET_S = 0.3
KEYCODE_A = 38


class Wakes:
    """Counts ``on_change`` calls (from the watch's thread)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.count += 1


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    with xvfb() as name:
        yield name


@pytest.fixture
def watched(xdisplay: str) -> Iterator[tuple[X11InputWatch, Wakes]]:
    wakes = Wakes()
    watch = X11InputWatch(xdisplay, wakes)
    assert watch.take_motion() and watch.take_shape_change()  # both reported at first
    yield watch, wakes
    watch.close()


@pytest.fixture
def seat(xdisplay: str) -> Iterator[SecondSeat]:
    seat = SecondSeat(xdisplay)
    yield seat
    seat.close()


def test_technician_xtest_input_is_not_the_customer_but_a_second_devices_is(
    watched: tuple[X11InputWatch, Wakes], seat: SecondSeat, xdisplay: str
) -> None:
    watch, _ = watched
    assert watch.technician_ids and not watch.technician_ids & seat.sources
    injector = X11Input(xdisplay)
    try:
        injector.apply(messages.mouse_move(300, 200))
        injector.apply(messages.key_event("KeyA", True, "a"))
        injector.apply(messages.key_event("KeyA", False, "a"))
        injector.apply(messages.mouse_button(0, True, 300, 200))
        injector.apply(messages.mouse_button(0, False, 300, 200))
        xdotool(xdisplay, "mousemove_relative", "10", "10")  # another core-XTest client: also not the customer
        xdotool(xdisplay, "mousemove", "10", "10")  # a warp (XWarpPointer): no input at all
        wait_for(watch.take_motion, "the technician's motion reported")
        time.sleep(QUIET_S)
        assert watch.last_input() == float("-inf")

        before = time.monotonic()
        seat.move(500, 400)
        wait_for(lambda: watch.last_input() >= before, "the second seat's motion counted as the customer")
        for act in (lambda: seat.tap_key(KEYCODE_A), seat.click):
            before = time.monotonic()
            act()
            wait_for(lambda: watch.last_input() >= before, "the second seat's key or click counted")  # noqa: B023
    finally:
        injector.close()


class CountingWatch(X11InputWatch):
    """Counts the raw key presses the X server delivers to the watch."""

    key_presses = 0

    def _handle(self, event: Any) -> None:
        if getattr(event, "evtype", None) == xinput.RawKeyPress:
            self.key_presses += 1
        super()._handle(event)


def test_the_technicians_keys_are_not_even_delivered_and_a_new_devices_are(xdisplay: str) -> None:
    watch = CountingWatch(xdisplay, lambda: None)
    injector = X11Input(xdisplay)
    seat = None
    try:
        for _ in range(5):
            injector.apply(messages.key_event("KeyA", True, "a"))
            injector.apply(messages.key_event("KeyA", False, "a"))
        time.sleep(QUIET_S)
        assert watch.key_presses == 0
        seat = SecondSeat(xdisplay)  # plugged in after the watch started: the hierarchy changes
        wait_for(lambda: seat.sources <= watch.customer_ids, "the new seat's devices selected")
        seat.tap_key(KEYCODE_A)
        wait_for(lambda: watch.key_presses == 1, "the new keyboard's press delivered")
    finally:
        if seat is not None:
            seat.close()
        injector.close()
        watch.close()


def test_priority_drops_the_technician_right_after_the_customer_and_never_polls(
    watched: tuple[X11InputWatch, Wakes], seat: SecondSeat
) -> None:
    watch, _ = watched
    activity = CustomerActivity(watch, "customer")
    key = messages.key_event("KeyA", True, "a")
    assert activity.technician_may_act(key)
    seat.move(50, 60)
    wait_for(lambda: not activity.technician_may_act(key), "the technician held back after the customer moved")
    assert activity.technician_may_act(messages.key_event("KeyA", False, "a"))  # releases always pass
    wait_for(lambda: activity.technician_may_act(key), "the technician again once the customer stopped",
             deadline_s=CUSTOMER_PRIORITY_WINDOW_S + 5)
    assert not watch.polled


def test_motion_wakes_the_consumer_once_until_it_takes_it(
    watched: tuple[X11InputWatch, Wakes], seat: SecondSeat, xdisplay: str
) -> None:
    watch, wakes = watched
    xdotool(xdisplay, "key", "--clearmodifiers", "ssharp")  # a key not in Xvfb's map: xdotool remaps, MappingNotify
    time.sleep(QUIET_S)
    assert wakes.count == 0 and not watch.take_motion()  # a still desktop: no news
    assert not watch.take_shape_change()  # the keymap change is not a cursor change
    for x in range(100, 120):  # a burst of motion: one wake
        seat.move(x, 100)
    wait_for(lambda: wakes.count == 1, "one wake for the burst")
    time.sleep(QUIET_S)
    assert wakes.count == 1 and watch.take_motion() and not watch.take_motion()
    cursor = X11Cursor(xdisplay, watch)
    injector = X11Input(xdisplay)
    try:
        injector.apply(messages.mouse_move(700, 500))  # the technician's motion moves the viewer's cursor too
        wait_for(lambda: wakes.count == 2, "a wake after the flag was taken")
        assert cursor.position() == (700, 500)
        xdotool(xdisplay, "mousemove", "20", "30")  # a warp: no event, seen by the periodic re-read
        time.sleep(QUIET_S)
        assert wakes.count == 2
        wait_for(lambda: cursor.position() == (20, 30), "the warped pointer re-read")
    finally:
        injector.close()
        cursor.close()


def test_a_cursor_image_change_is_reported_and_read_once(watched: tuple[X11InputWatch, Wakes], xdisplay: str) -> None:
    watch, wakes = watched
    cursor = X11Cursor(xdisplay, watch)
    client = display.Display(xdisplay)
    try:
        screen = client.screen()
        font = client.open_font("cursor")
        hand = font.create_glyph_cursor(font, Xcursorfont.hand2, Xcursorfont.hand2 + 1,
                                        (0, 0, 0), (0xFFFF, 0xFFFF, 0xFFFF))
        window = screen.root.create_window(0, 0, 200, 200, 0, screen.root_depth, X.InputOutput,
                                           cursor=hand)
        window.map()
        client.sync()
        shapes: list[CursorImage] = []

        def read_shape() -> bool:
            shape = cursor.changed_shape()
            shapes.extend([shape] if shape is not None else [])
            return shape is not None

        xdotool(xdisplay, "mousemove_relative", "--", "-5000", "-5000")  # over the window: its hand cursor
        wait_for(read_shape, "the hand cursor reported and read")
        xdotool(xdisplay, "mousemove_relative", "900", "700")  # off it: the root's cursor again
        wait_for(read_shape, "the root cursor reported and read")
        assert shapes[0].serial != shapes[-1].serial and wakes.count >= 1
        assert cursor.changed_shape() is None  # no new report: no request
    finally:
        cursor.close()
        client.close()


def test_clipboard_reads_only_after_the_owner_changed_and_wakes_the_loop(xdisplay: str) -> None:
    wakes = Wakes()
    watched = X11Clipboard(xdisplay, on_change=wakes)
    other = X11Clipboard(xdisplay)
    try:
        assert watched.poll_change() is None  # nothing copied yet (the first call reads)
        time.sleep(QUIET_S)
        assert wakes.count == 0
        reads = 0
        real_get_text = watched.get_text

        def counted_get_text(timeout: float = 2.0) -> str | None:
            nonlocal reads
            reads += 1
            return real_get_text(timeout)

        watched.get_text = counted_get_text  # type: ignore[method-assign]
        for _ in range(5):
            assert watched.poll_change() is None
        assert reads == 0, "no change reported: the selection is not converted"
        other.set_text("copied by the customer")
        wait_for(lambda: wakes.count == 1, "the owner change reported")
        assert watched.poll_change() == "copied by the customer" and reads == 1
        assert watched.poll_change() is None and reads == 1
        other.set_text("copied again by the same owner")
        wait_for(lambda: watched.poll_change() == "copied again by the same owner", "a second copy noticed")
    finally:
        other.close()
        watched.close()


def test_without_xfixes_the_cursor_keeps_the_arrow_and_the_clipboard_still_serves_pastes() -> None:
    with xvfb(640, 480, "-extension", "XFIXES") as name:
        watch = X11InputWatch(name, lambda: None)
        cursor = X11Cursor(name, watch)
        ours, other = X11Clipboard(name), X11Clipboard(name)
        try:
            assert not watch.cursor_notify and cursor.changed_shape() is None
            assert cursor.position() == (320, 240)  # Xvfb starts with the pointer in the middle
            ours.set_text("from the technician")
            # X orders requests per client only: the other client's first ask can beat SetSelectionOwner.
            wait_for(lambda: other.get_text() == "from the technician", "the paste served to another client")
        finally:
            for closing in (ours, other, cursor, watch):
                closing.close()
