"""The remote pointer: where it is and what it looks like, for the viewer to draw (docs/remote-desktop.md)."""

from __future__ import annotations

from lifeline.agent.cursor.base import CursorImage as CursorImage
from lifeline.agent.cursor.base import CursorSource as CursorSource
from lifeline.agent.cursor.base import CursorTracker as CursorTracker

__all__ = ["CursorImage", "CursorSource", "CursorTracker"]
