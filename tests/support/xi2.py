"""A second seat on Xvfb: input that does not come from the core XTest devices, as the customer's own would.

Xvfb has no input hardware, and xdotool injects through the "Virtual core
XTEST" devices exactly like the agent, so it looks like the technician to
input/x11_watch.py. XInput2 multi-pointer gives a way out: a new master
device ("seat") comes with its own XTEST slave devices, and XTest requests
from a client whose *client pointer* is that master are delivered through
them, with their own device ids. That is as close to a physical mouse as Xvfb
allows: a slave device that is not the core pointer's XTest device.

python-xlib has no XIChangeHierarchy or XISetClientPointer, so the two
requests are declared here (XI2proto.h), for tests only.
"""

from __future__ import annotations

import struct

from Xlib import X, display
from Xlib.ext import xinput, xtest
from Xlib.protocol import rq

__all__ = ["SecondSeat"]

_XI_CHANGE_HIERARCHY, _XI_SET_CLIENT_POINTER = 43, 44
_XI_ADD_MASTER, _XI_REMOVE_MASTER = 1, 2
_XI_FLOATING = 2  # XIRemoveMaster return mode: the slaves float


class _XIChangeHierarchy(rq.Request):
    _request = rq.Struct(rq.Card8("opcode"), rq.Opcode(_XI_CHANGE_HIERARCHY), rq.RequestLength(),
                         rq.Card8("num_changes"), rq.Pad(3), rq.String8("changes"))


class _XISetClientPointer(rq.Request):
    _request = rq.Struct(rq.Card8("opcode"), rq.Opcode(_XI_SET_CLIENT_POINTER), rq.RequestLength(),
                         rq.Window("window"), rq.Card16("deviceid"), rq.Pad(2))


def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


class SecondSeat:
    """A master pointer/keyboard pair named ``name`` whose XTest input this object injects; removed by ``close``."""

    def __init__(self, display_name: str, name: str = "customer") -> None:
        self._d = display.Display(display_name)
        self._opcode = self._d.query_extension("XInputExtension").major_opcode
        encoded = name.encode()
        add = struct.pack("=HHHBB", _XI_ADD_MASTER, (8 + len(_pad4(encoded))) // 4, len(encoded), 1, 1)
        self._change(add + _pad4(encoded))
        devices = {d.name: d.deviceid for d in self._d.xinput_query_device(xinput.AllDevices).devices}
        self.pointer, self.keyboard = devices[f"{name} pointer"], devices[f"{name} keyboard"]
        #: The slave devices its events come from (what raw events carry as sourceid).
        self.sources = frozenset({devices[f"{name} XTEST pointer"], devices[f"{name} XTEST keyboard"]})
        _XISetClientPointer(display=self._d.display, opcode=self._opcode, window=X.NONE, deviceid=self.pointer)
        self._d.sync()

    def move(self, x: int, y: int) -> None:
        xtest.fake_input(self._d, X.MotionNotify, x=x, y=y)
        self._d.sync()

    def tap_key(self, keycode: int) -> None:
        xtest.fake_input(self._d, X.KeyPress, keycode)
        xtest.fake_input(self._d, X.KeyRelease, keycode)
        self._d.sync()

    def click(self, button: int = 1) -> None:
        xtest.fake_input(self._d, X.ButtonPress, button)
        xtest.fake_input(self._d, X.ButtonRelease, button)
        self._d.sync()

    def close(self) -> None:
        remove = struct.pack("=HHHBxHH", _XI_REMOVE_MASTER, 3, self.pointer, _XI_FLOATING, 0, 0)
        self._change(remove)
        self._d.close()

    def _change(self, change: bytes) -> None:
        _XIChangeHierarchy(display=self._d.display, opcode=self._opcode, num_changes=1, changes=change)
        self._d.sync()
