"""A clock offset for integration tests, so minute-long rules (auto-transfer, Away, deferred auto-start)
can be tested against a real server process without waiting minutes.

Honoured only when `LIFELINE_ENV=test` (`Config.test_clock_file` is None otherwise, whatever the
environment says), so a production server can never be time-shifted. The file holds a number of
seconds to add to the real time; a test rewrites it to move time forward. A missing or unreadable
file means no offset. It is read on every `Services.now()` call: cheap enough for a test server, and
it means every process sharing the file (several nodes) moves together.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path


def offset(clock_file: Path | None) -> timedelta:
    if clock_file is None:
        return timedelta(0)
    try:
        return timedelta(seconds=float(clock_file.read_text().strip() or 0))
    except (OSError, ValueError):
        return timedelta(0)
