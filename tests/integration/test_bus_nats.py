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
