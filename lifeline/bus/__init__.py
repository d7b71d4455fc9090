"""Layer: bus — publish/subscribe between server processes (docs/architecture.md).

Only `lifeline.services` and the relay publish; see `publish_on_commit`.
"""

from __future__ import annotations

from lifeline.bus.base import Bus, Handler, Subscription, subject_matches
from lifeline.bus.local import LocalBus
from lifeline.bus.nats import NatsBus


def make_bus(url: str | None, prefix: str = "lifeline") -> Bus:
    """NATS when the operator gave `LIFELINE_BUS_URL`, otherwise in-process."""
    return NatsBus(url, prefix=prefix) if url else LocalBus()


__all__ = ["Bus", "Handler", "LocalBus", "NatsBus", "Subscription", "make_bus", "subject_matches"]
