"""The NATS bus against the real NATS server: delivery, wildcards and namespaces."""

from __future__ import annotations

import asyncio

from lifeline.bus import NatsBus
from tests.support.servers import NATS_URL

DELIVERY_DEADLINE_S = 10.0


async def _collect(bus: NatsBus, pattern: str) -> list[tuple[str, bytes]]:
    received: list[tuple[str, bytes]] = []

    async def handler(subject: str, payload: bytes) -> None:
        received.append((subject, payload))

    await bus.subscribe(pattern, handler)
    return received


async def _until(condition: object, deadline_s: float = DELIVERY_DEADLINE_S) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not condition() and loop.time() < end:  # type: ignore[operator]
        await asyncio.sleep(0.02)


async def test_same_namespace_hears_and_other_namespace_does_not() -> None:
    desk_a1, desk_a2 = NatsBus(NATS_URL, prefix="desk-a"), NatsBus(NATS_URL, prefix="desk-a")
    desk_b = NatsBus(NATS_URL, prefix="desk-b")
    for bus in (desk_a1, desk_a2, desk_b):
        await bus.start()
    try:
        heard_a = await _collect(desk_a2, "session.>")
        heard_b = await _collect(desk_b, "session.>")
        await desk_a1._client().flush()
        await desk_a2._client().flush()
        await desk_b._client().flush()
        await desk_a1.publish("session.42", b"hello")
        await _until(lambda: heard_a)
        assert heard_a == [("session.42", b"hello")]  # the prefix never leaks to handlers
        await desk_b.publish("session.7", b"marker")
        await _until(lambda: heard_b)
        assert heard_b == [("session.7", b"marker")]  # desk B heard only its own message
    finally:
        for bus in (desk_a1, desk_a2, desk_b):
            await bus.close()


async def test_handlers_of_one_pattern_share_one_delivery_and_leave_it_one_by_one() -> None:
    publisher, listener = NatsBus(NATS_URL, prefix="desk-shared"), NatsBus(NATS_URL, prefix="desk-shared")
    for bus in (publisher, listener):
        await bus.start()
    try:
        first: list[str] = []
        second: list[str] = []

        async def failing(subject: str, payload: bytes) -> None:
            raise RuntimeError("a broken handler must not stop the others")

        async def hearing(into: list[str]) -> object:
            async def handler(subject: str, payload: bytes) -> None:
                into.append(subject)
            return await listener.subscribe("session.>", handler)

        await listener.subscribe("session.>", failing)
        await hearing(first)
        leaving = await hearing(second)
        await listener._client().flush()
        await publisher.publish("session.1", b"x")
        await _until(lambda: first and second)
        assert first == second == ["session.1"]
        assert listener._client().stats["in_msgs"] == 1  # one NATS delivery for the three handlers
        await leaving.unsubscribe()  # type: ignore[attr-defined]
        await listener._client().flush()
        await publisher.publish("session.2", b"x")
        await _until(lambda: len(first) == 2)
        assert first == ["session.1", "session.2"] and second == ["session.1"]
    finally:
        for bus in (publisher, listener):
            await bus.close()
