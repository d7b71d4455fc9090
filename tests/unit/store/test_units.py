"""`Database.run_unit`: one transaction of synchronous ORM work, one thread hop on SQLite, same answers on PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lifeline.bus.local import LocalBus
from lifeline.services.events import publish_on_commit
from lifeline.store.engine import Database
from tests.unit.store.conftest import Item

# The database fixture's connections (asyncpg's) belong to the loop they were made on: the session's.
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _names(db: Database) -> list[str]:
    async with db.session() as s:
        return list(await s.scalars(select(Item.name).order_by(Item.id)))


async def test_the_unit_commits_and_returns_what_it_built(database: Database) -> None:
    def unit(s: Session) -> Item:
        item = Item(name="kept")
        s.add(item)
        s.flush()
        return item

    item = await database.run_unit(unit)
    assert item.id is not None and item.name == "kept"  # readable after the unit: not expired on commit
    assert await _names(database) == ["kept"]


async def test_an_error_rolls_the_whole_unit_back_and_reaches_the_caller(database: Database) -> None:
    await database.run_unit(lambda s: s.add(Item(name="taken")))

    def clashing(s: Session) -> None:
        s.add(Item(name="first"))
        s.flush()
        s.add(Item(name="taken"))  # unique clash on flush
        s.flush()

    with pytest.raises(IntegrityError):
        await database.run_unit(clashing)
    assert await _names(database) == ["taken"]


async def test_events_queued_in_a_unit_are_published_on_the_loop_after_commit_only(database: Database) -> None:
    bus = LocalBus()
    heard: list[tuple[str, bytes]] = []

    async def handler(subject: str, data: bytes) -> None:
        heard.append((subject, data))

    await bus.subscribe("items.>", handler)

    def adding(name: str, fail: bool) -> Any:
        def unit(s: Session) -> None:
            s.add(Item(name=name))
            publish_on_commit(s, bus, f"items.{name}", {"name": name})
            if fail:
                raise RuntimeError("changed my mind")
        return unit

    with pytest.raises(RuntimeError):
        await database.run_unit(adding("dropped", fail=True))
    await database.run_unit(adding("told", fail=False))
    for _ in range(50):
        if heard:
            break
        await asyncio.sleep(0.01)
    assert [subject for subject, _ in heard] == ["items.told"]


async def test_on_sqlite_the_whole_unit_is_one_hop_to_the_connections_thread(db: Database, hops: list[str]) -> None:
    await db.run_unit(lambda s: s.add(Item(name="warm")))  # the pool's connection exists now
    before = len(hops)

    def three_statements(s: Session) -> None:
        for name in ("a", "b", "c"):
            s.add(Item(name=name))
            s.flush()

    await db.run_unit(three_statements)
    assert len(hops) - before == 1


async def test_concurrent_units_share_batches_and_a_failing_one_is_rolled_back_alone(
    db: Database, hops: list[str]
) -> None:
    await db.run_unit(lambda s: s.add(Item(name="taken")))
    bus = LocalBus()
    heard: list[str] = []

    async def handler(subject: str, data: bytes) -> None:
        heard.append(subject)

    await bus.subscribe("items.>", handler)

    def adding(name: str) -> Any:
        def unit(s: Session) -> str:
            s.add(Item(name=name))
            s.flush()
            publish_on_commit(s, bus, f"items.{name}", {"name": name})
            return name
        return unit

    names = [f"n{i}" for i in range(10)]
    before = len(hops)
    outcomes = await asyncio.gather(*(db.run_unit(adding(n)) for n in [*names[:5], "taken", *names[5:]]),
                                    return_exceptions=True)
    batches = len(hops) - before
    for _ in range(50):
        if len(heard) == len(names):
            break
        await asyncio.sleep(0.01)
    assert outcomes[:5] == names[:5] and outcomes[6:] == names[5:]
    assert isinstance(outcomes[5], IntegrityError)
    assert await _names(db) == ["taken", *names]
    assert sorted(heard) == sorted(f"items.{n}" for n in names)  # nothing for the unit that failed
    assert batches < len(outcomes)  # queued units ran together


async def test_a_read_sees_committed_units_and_commits_nothing(database: Database) -> None:
    await database.run_unit(lambda s: s.add(Item(name="seen")))

    def reading(s: Session) -> list[str]:
        s.add(Item(name="never"))  # a read that writes anyway is not committed
        s.flush()
        return list(s.scalars(select(Item.name).order_by(Item.id)))

    assert await database.read(reading) == ["seen", "never"]
    assert await _names(database) == ["seen"]


async def test_concurrent_reads_share_hops_and_a_failing_read_fails_alone(db: Database, hops: list[str]) -> None:
    await db.run_unit(lambda s: s.add(Item(name="there")))

    def reading(s: Session) -> list[str]:
        return list(s.scalars(select(Item.name)))

    def failing(s: Session) -> None:
        raise LookupError("not found")

    before = len(hops)
    outcomes = await asyncio.gather(*(db.read(failing if i == 3 else reading) for i in range(10)),
                                    return_exceptions=True)
    assert [o for i, o in enumerate(outcomes) if i != 3] == [["there"]] * 9
    assert isinstance(outcomes[3], LookupError)
    assert len(hops) - before < len(outcomes)
