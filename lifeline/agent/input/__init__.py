"""Input injection: one backend per platform behind ``base.InputInjector``."""

from __future__ import annotations

from lifeline.agent.input.base import InputInjector as InputInjector

__all__ = ["InputInjector"]
