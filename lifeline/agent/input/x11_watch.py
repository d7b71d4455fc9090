"""What the customer's mouse and keyboard do, and when the cursor changes, as the X server reports it.

Why: customer-input priority and the viewer's cursor used to poll the X
server 30 times a second while a viewer was connected (QueryPointer,
QueryKeymap, QueryPointer: ~2 % of a core on a still desktop). Here the
server sends an event when something happens, and nothing while nothing
does:

- XInput2 raw events arrive for every input whatever window has the focus
  or a grab, and carry the *slave device* that produced them (``sourceid``).
  The technician's input is injected with XTest from the agent's
  connection, whose client pointer is the core pointer, so it comes from the
  "Virtual core XTEST pointer/keyboard" slaves; any other source is the
  customer's own mouse, touchpad or keyboard. This is exact, where XRecord
  (which cannot tell XTest from real events) could not be used. Limit:
  another program injecting with XTest on the core pointer (xdotool, an
  on-screen keyboard) counts as the technician.
- RawKeyPress and RawButtonPress are selected on each customer device (every
  slave but those two), so the technician's typing never wakes this thread;
  the device list is re-read when the hierarchy changes (a mouse plugged in).
  RawMotion is selected for all master devices: the viewer's cursor follows
  the technician's motion too.
- XFixes DisplayCursorNotify says the cursor image changed.

Each pointer motion (from any device, the technician's too) or cursor change
calls ``on_change`` once until the consumer takes it (``take_motion``,
``take_shape_change``), so a 1000 Hz mouse costs one wake-up of the agent's
loop per poll, not one per event. A pointer warp (XWarpPointer) produces no
raw event: the viewer sees the warped position with the next motion.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from Xlib import display
from Xlib.ext import ge, xfixes, xinput
from Xlib.protocol import rq

from lifeline.agent.x11_events import XEventThread
from lifeline.errors import LifelineError

__all__ = ["TECHNICIAN_DEVICES", "InputWatchUnavailable", "X11InputWatch"]

log = logging.getLogger(__name__)

#: The slave devices XTest injects through for clients whose client pointer is the core
#: pointer (the agent's injector): input from them is the technician's.
TECHNICIAN_DEVICES = frozenset({"Virtual core XTEST pointer", "Virtual core XTEST keyboard"})
#: Presses and motion start the customer's priority window; releases never do (priority.py).
PRESS_EVENTS_MASK = xinput.RawButtonPressMask | xinput.RawKeyPressMask
_RAW_EVENTS = (xinput.RawMotion, xinput.RawButtonPress, xinput.RawKeyPress)
_SLAVES = (xinput.SlavePointer, xinput.SlaveKeyboard, xinput.FloatingSlave)
#: XFixesDisplayCursorNotifyMask (xfixes protocol, SelectCursorInput).
DISPLAY_CURSOR_NOTIFY_MASK = 1
_XINPUT = "XInputExtension"

#: The head of an XI2 raw event after the generic-event header (XI2proto.h, xXIRawEvent);
#: python-xlib parses the other XI2 events but not these.
RawEventData = rq.Struct(
    rq.Card16("deviceid"),
    rq.Card32("time"),
    rq.Card32("detail"),
    rq.Card16("sourceid"),
)


class InputWatchUnavailable(LifelineError):
    """The X server has no XInput extension (X.Org before 1.7, 2009): the agent's X11 backends cannot start."""

    code = "input_watch_unavailable"


class X11InputWatch:
    """Customer input, pointer motion and cursor changes of one X display (own connection and thread).

    Implements priority.ActivitySource (``polled`` is False: nothing to poll).
    ``on_change`` is called on the watch's thread; it must be thread-safe.
    """

    polled = False

    def __init__(self, display_name: str | None, on_change: Callable[[], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._d = display.Display(display_name)
        if not self._d.has_extension(_XINPUT):
            self._d.close()
            raise InputWatchUnavailable("the X server has no XInput extension")
        self._d.xinput_query_version()
        xinput_ext = self._d.query_extension(_XINPUT)
        assert xinput_ext is not None  # has_extension said so
        self._opcode = xinput_ext.major_opcode
        for raw in _RAW_EVENTS:
            self._d.ge_add_event_data(self._opcode, raw, RawEventData)
        root = self._root = self._d.screen().root
        root.xinput_select_events([(xinput.AllMasterDevices, xinput.RawMotionMask),
                                   (xinput.AllDevices, xinput.HierarchyChangedMask)])
        self.technician_ids: frozenset[int] = frozenset()
        self.customer_ids: frozenset[int] = frozenset()
        self._select_customer_devices()
        self.cursor_notify = self._d.has_extension("XFIXES")
        self._cursor_notify_type: int | None = None
        if self.cursor_notify:
            self._d.xfixes_query_version()
            xfixes_ext = self._d.query_extension("XFIXES")
            assert xfixes_ext is not None  # has_extension said so
            self._cursor_notify_type = xfixes_ext.first_event + xfixes.XFixesCursorNotify
            self._d.xfixes_select_cursor_input(root, DISPLAY_CURSOR_NOTIFY_MASK)
        else:
            log.info("no XFIXES extension: the viewer shows a default cursor")
        self._d.sync()
        self._on_change = on_change
        self._clock = clock
        self._lock = threading.Lock()
        self._last_customer = float("-inf")
        self._moved = self._shape_changed = True  # the first poll reads both
        self._thread = XEventThread(self._d, self._handle, "lifeline-input-watch")

    # ===== priority.ActivitySource =====

    def last_input(self) -> float:
        """When (on ``clock``) the customer last moved, clicked or pressed a key; -inf if never."""
        return self._last_customer

    def after_injection(self) -> None:
        """Nothing to do: the technician's events are told apart by their device."""

    def poll(self) -> None:
        """Nothing to do: the server reports input as it happens."""

    # ===== for the cursor =====

    def take_motion(self) -> bool:
        """True once after the pointer moved (any device), and on the first call."""
        with self._lock:
            moved, self._moved = self._moved, False
        return moved

    def take_shape_change(self) -> bool:
        """True once after the cursor image changed, and on the first call."""
        with self._lock:
            changed, self._shape_changed = self._shape_changed, False
        return changed

    def close(self) -> None:
        self._thread.stop()
        self._d.close()

    # ===== PRIVATE METHODS =====

    def _select_customer_devices(self) -> None:
        """Select key and button presses on every slave device but the technician's (XTest) ones."""
        devices = self._d.xinput_query_device(xinput.AllDevices).devices
        self.technician_ids = frozenset(d.deviceid for d in devices if d.name in TECHNICIAN_DEVICES)
        customer = frozenset(d.deviceid for d in devices if d.use in _SLAVES) - self.technician_ids
        if customer:
            self._root.xinput_select_events([(device, PRESS_EVENTS_MASK) for device in sorted(customer)])
            self._d.sync()
        self.customer_ids = customer

    def _handle(self, event: Any) -> None:
        """On the watch's thread: classify one event, then wake the consumer if it has news."""
        if event.type == ge.GenericEventCode:
            if event.extension != self._opcode:
                return
            if event.evtype == xinput.HierarchyChanged:
                self._select_customer_devices()
                return
            if event.evtype not in _RAW_EVENTS:
                return
            if event.data.sourceid not in self.technician_ids:
                self._last_customer = self._clock()
            if event.evtype != xinput.RawMotion:
                return
            news = self._flag("_moved")
        elif event.type == self._cursor_notify_type:
            news = self._flag("_shape_changed")
        else:  # MappingNotify, which every client gets
            return
        if news:
            self._on_change()

    def _flag(self, name: str) -> bool:
        """Set one of the take_* flags; True if it was clear (the consumer has not been told yet)."""
        with self._lock:
            was = getattr(self, name)
            setattr(self, name, True)
        return not was
