"""Tweaks that make the desktop plain for a while and put it back exactly as it was.

Each ``Tweak`` saves what it changes when applied and restores that on
``restore``; ``Appearance`` runs a list of them and makes both calls
idempotent, so the session may call them on every stream change.
A tweak that fails is logged and skipped: a wallpaper is never worth
breaking the support session for.
"""

from __future__ import annotations

import logging
from typing import Protocol

__all__ = ["Appearance", "Tweak"]

log = logging.getLogger(__name__)


class Tweak(Protocol):
    """One thing made plain (the X root background, a desktop environment's setting)."""

    name: str

    def apply(self) -> None:
        """Save the current value and make it plain."""

    def restore(self) -> None:
        """Put back what ``apply`` saved (nothing if it saved nothing)."""

    def close(self) -> None:
        """Release what the tweak holds open (a display connection)."""


class Appearance:
    """The platform's tweaks, applied and restored together."""

    def __init__(self, tweaks: list[Tweak]) -> None:
        self.tweaks = tweaks
        self.applied = False

    def apply(self) -> None:
        if self.applied:
            return
        self.applied = True
        for tweak in self.tweaks:
            try:
                tweak.apply()
            except Exception as exc:  # noqa: BLE001 - any tool or X failure: keep the session, log it
                log.warning("could not make %s plain: %s", tweak.name, exc)

    def restore(self) -> None:
        if not self.applied:
            return
        self.applied = False
        for tweak in reversed(self.tweaks):
            try:
                tweak.restore()
            except Exception as exc:  # noqa: BLE001 - restore the others even if one fails
                log.warning("could not restore %s: %s", tweak.name, exc)

    def close(self) -> None:
        """Restore, then close every tweak."""
        self.restore()
        for tweak in self.tweaks:
            tweak.close()
