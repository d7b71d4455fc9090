"""Screen encoder: BGRA frames in, binary screen-update frames out.

See docs/protocol.md. ``ScreenEncoder`` is the entry point; the passes are
internal and may change.
"""

from __future__ import annotations

from lifeline.agent.encode.encoder import ScreenEncoder as ScreenEncoder
from lifeline.agent.encode.pacing import Pacer as Pacer

__all__ = ["Pacer", "ScreenEncoder"]
