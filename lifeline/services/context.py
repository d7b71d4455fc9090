"""What every use case needs: the database, the bus, the configuration and a clock.

One `Services` object lives per server process (created in the app lifespan) and
is passed explicitly; there are no module-level globals to patch in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lifeline.bus import Bus
from lifeline.config import Config
from lifeline.services.test_clock import offset
from lifeline.store.engine import Database


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    config: Config
    db: Database
    bus: Bus
    clock: Callable[[], datetime] = field(default=system_clock)

    def now(self) -> datetime:
        """The clock every use case reads; moved only by the test clock of `LIFELINE_ENV=test`."""
        if self.config.test_clock_file is None:
            return self.clock()
        return self.clock() + offset(self.config.test_clock_file)
