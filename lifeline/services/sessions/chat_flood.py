"""A per-session token bucket on customer chat lines: one customer cannot flood a technician's console.

Why in memory and not in `login_attempts` like `services/rate_limit.py`: that table counts *failures*
(a handful per attack), whereas this limit is checked on every chat line, and a database write per
message to protect against too many messages would be the flood. The cost: each server process keeps
its own buckets, so with N processes behind a load balancer a customer could reach N times the rate
(still bounded), and a restart refills the buckets. Technicians are not limited: they are signed-in staff.

Numbers: a burst of `BURST` lines (a pasted list, quick "hello?"s) then `REFILL_PER_S` lines per second,
far above human typing and far below what fills a console.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from lifeline.errors import RateLimited

BURST = 10  # lines a customer may send at once
REFILL_PER_S = 1.0  # then one line a second
MAX_TRACKED_SESSIONS = 10_000  # least recently used buckets are dropped beyond this (memory bound)
FLOOD_MESSAGE = "You are sending messages too quickly. Wait a moment, then try again."


@dataclass
class TokenBucket:
    tokens: float
    updated: datetime

    def take(self, now: datetime, *, burst: int, refill_per_s: float) -> float:
        """Take one token; returns 0 if taken, else the seconds until one is available."""
        elapsed = max(0.0, (now - self.updated).total_seconds())
        self.tokens = min(float(burst), self.tokens + elapsed * refill_per_s)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / refill_per_s


class ChatFloodGuard:
    """Buckets keyed by session id, bounded to `max_sessions` (LRU)."""

    def __init__(self, *, burst: int = BURST, refill_per_s: float = REFILL_PER_S,
                 max_sessions: int = MAX_TRACKED_SESSIONS) -> None:
        self.burst = burst
        self.refill_per_s = refill_per_s
        self.max_sessions = max_sessions
        self._buckets: OrderedDict[int, TokenBucket] = OrderedDict()

    def check(self, session_id: int, now: datetime) -> None:
        """Raise `RateLimited` (HTTP 429 with Retry-After) when the session's customer is over the rate."""
        bucket = self._buckets.pop(session_id, None) or TokenBucket(float(self.burst), now)
        self._buckets[session_id] = bucket
        while len(self._buckets) > self.max_sessions:
            self._buckets.popitem(last=False)
        wait_s = bucket.take(now, burst=self.burst, refill_per_s=self.refill_per_s)
        if wait_s > 0:
            raise RateLimited(FLOOD_MESSAGE, retry_after_s=max(1, math.ceil(wait_s)))


#: The process-wide guard `chat.do_send_chat` consults for customer lines.
CUSTOMER_CHAT = ChatFloodGuard()
