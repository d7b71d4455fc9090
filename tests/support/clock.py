"""Drive a test server's clock: `LIFELINE_ENV=test` + `LIFELINE_TEST_CLOCK_FILE` (lifeline/services/test_clock.py).

`advance()` moves every process that shares the file forward at once, so a
one-minute rule (auto-transfer, Away, deferred auto-start) is tested by moving
time, then polling for its effect with a deadline, never by sleeping a minute.
Offsets only grow: sessions of earlier tests in the same module see time pass too,
which is why such tests use their own groups and channels.
"""

from __future__ import annotations

import os
from pathlib import Path


class TestClock:
    __test__ = False  # not a pytest test class

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset_s = 0.0
        self._write()

    def env(self) -> dict[str, str]:
        return {"LIFELINE_ENV": "test", "LIFELINE_TEST_CLOCK_FILE": str(self.path)}

    def advance(self, seconds: float) -> None:
        self.offset_s += seconds
        self._write()

    def _write(self) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_text(str(self.offset_s))
        os.replace(partial, self.path)  # the server never reads a half-written number
