"""The capture interface every platform backend implements, plus an in-memory double.

Frames are numpy arrays of shape (height, width, 4), dtype uint8, BGRA
(X11 and Windows both hand out BGRA natively, and the encoder's uint32 diff
and simplejpeg consume it without conversion). Monitors are numbered from 0
in the order the backend reports them; the protocol's ``monitors`` message
uses the same indices.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lifeline.errors import LifelineError

__all__ = ["Capture", "CaptureError", "Frame", "MemoryCapture", "Monitor", "select_monitor"]

Frame = npt.NDArray[np.uint8]


class CaptureError(LifelineError):
    """The screen could not be captured (no display, unsupported depth, monitor gone)."""

    code = "capture_error"


@dataclass(frozen=True, slots=True)
class Monitor:
    """One physical monitor, in virtual-desktop coordinates."""

    index: int
    x: int
    y: int
    width: int
    height: int
    primary: bool = False

    def as_message(self) -> dict[str, Any]:
        """The monitor as an entry of the protocol's ``monitors`` message."""
        return asdict(self)


class Capture(abc.ABC):
    """Grabs frames of one machine's monitors.

    >>> with X11Capture(":0") as capture:
    ...     monitor = select_monitor(capture.monitors(), None)
    ...     frame = capture.grab(monitor)
    """

    @abc.abstractmethod
    def monitors(self) -> list[Monitor]:
        """The current monitors (re-read each call: they can be plugged in or out)."""

    @abc.abstractmethod
    def grab(self, monitor: Monitor) -> Frame:
        """A new, caller-owned BGRA frame of ``monitor``."""

    def grab_area(self, monitor: Monitor, x: int, y: int, width: int, height: int) -> Frame:
        """A BGRA frame of part of ``monitor`` (monitor coordinates, inside it).

        Change-driven capture grabs only what was damaged. This default crops a
        whole grab; backends that can read less (X11: mss) override it.
        """
        return self.grab(monitor)[y : y + height, x : x + width]

    def close(self) -> None:  # noqa: B027 - backends without resources need nothing
        """Release the display connection."""

    def __enter__(self) -> Capture:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def select_monitor(monitors: Sequence[Monitor], index: int | None) -> Monitor:
    """The monitor the viewer asked for; the primary (else the first) when ``index`` is None."""
    if not monitors:
        raise CaptureError("no monitors to capture")
    if index is None:
        return next((m for m in monitors if m.primary), monitors[0])
    for monitor in monitors:
        if monitor.index == index:
            return monitor
    raise CaptureError(f"no monitor {index}; have {[m.index for m in monitors]}")


class MemoryCapture(Capture):
    """A capture double for tests: returns whatever frame was last ``show()``n."""

    def __init__(self, frames: dict[int, Frame]) -> None:
        self._frames = dict(frames)

    def show(self, index: int, frame: Frame) -> None:
        self._frames[index] = frame

    def monitors(self) -> list[Monitor]:
        x = 0
        out = []
        for index in sorted(self._frames):
            height, width = self._frames[index].shape[:2]
            out.append(Monitor(index, x, 0, width, height, primary=index == 0))
            x += width
        return out

    def grab(self, monitor: Monitor) -> Frame:
        return self._frames[monitor.index].copy()
