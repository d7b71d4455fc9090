"""What a waiting customer is told: estimated wait or queue position (spec part 1 §15; seed L2067-2113).

The estimate is the mean pick-up time (Waiting → Active) of the last ten sessions — of the technician for
private sessions, of the channel for channel sessions. With fewer than ten, the ones that exist are used;
with none, there is no estimate and the customer page shows none (spec §32.13).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from lifeline.errors import InvalidInput

#: "the average pick-up time for the last ten sessions" (L2074-2075, L2094-2095).
ESTIMATE_SAMPLE_SIZE = 10


class WaitingMessage(StrEnum):
    """Channel setting "Message to waiting customers" (L2098-2103)."""

    ESTIMATED_WAIT = "estimated_wait"
    QUEUE_POSITION = "queue_position"


def estimated_wait_s(last_pickup_durations: Sequence[float | timedelta]) -> int | None:
    """Mean of the newest :data:`ESTIMATE_SAMPLE_SIZE` pick-up durations, in whole seconds (rounded).

    ``last_pickup_durations`` is ordered oldest first (seconds or timedeltas); ``None`` if it is empty.
    """
    recent = list(last_pickup_durations)[-ESTIMATE_SAMPLE_SIZE:]
    if not recent:
        return None
    seconds = [d.total_seconds() if isinstance(d, timedelta) else float(d) for d in recent]
    if any(s < 0 for s in seconds):
        raise InvalidInput("Pick-up durations cannot be negative.", field="last_pickup_durations")
    return round(sum(seconds) / len(seconds))


def queue_position(session_id: int, queue: Iterable[tuple[int, datetime]]) -> int | None:
    """1-based place of ``session_id`` among ``(session_id, waiting_since)`` entries, or ``None`` if absent.

    Earlier arrivals come first; equal arrival times are ordered by session id.
    """
    ordered = sorted(queue, key=lambda entry: (entry[1], entry[0]))
    for place, (sid, _since) in enumerate(ordered, start=1):
        if sid == session_id:
            return place
    return None
