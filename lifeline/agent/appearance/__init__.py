"""*Disable wallpaper and visual effects* (spec part1 §21, part2 §6.3): plain desktop while a technician watches.

A plain background makes screen updates smaller and faster (a photo behind
every moved window costs JPEG area; a solid colour costs one FILL). The
agent applies the tweaks when the first stream starts and undoes them when
the last one stops, when the session ends, and on SIGTERM. What each tweak
covers, and what it cannot, is in docs/remote-desktop.md.
"""

from __future__ import annotations

from lifeline.agent.appearance.base import Appearance as Appearance
from lifeline.agent.appearance.base import Tweak as Tweak

__all__ = ["Appearance", "Tweak"]
