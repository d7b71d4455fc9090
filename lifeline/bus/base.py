"""The publish/subscribe interface every server process uses to tell the others.

Subjects are dotted strings (`session.42`, `org`, `relay.<lsid>.screen`).
Payloads are bytes; callers encode typed events with `lifeline.protocol`.
Delivery is at-most-once and never blocks the publisher: a slow subscriber
loses messages rather than wedging the server (ecosystem.md §10).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

Handler = Callable[[str, bytes], Awaitable[None]]


class Subscription(Protocol):
    async def unsubscribe(self) -> None: ...


class Bus(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, subject: str, payload: bytes) -> None: ...

    async def subscribe(self, subject: str, handler: Handler) -> Subscription:
        """`subject` may end in `.>` to receive everything below it."""
        ...


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS-style matching: `*` is one token, a trailing `>` is one or more tokens."""
    pattern_tokens = pattern.split(".")
    subject_tokens = subject.split(".")
    for index, token in enumerate(pattern_tokens):
        if token == ">":
            return len(subject_tokens) > index
        if index >= len(subject_tokens):
            return False
        if token != "*" and token != subject_tokens[index]:
            return False
    return len(pattern_tokens) == len(subject_tokens)
