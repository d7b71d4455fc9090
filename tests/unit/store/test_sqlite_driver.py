"""The SQLite driver under SQLAlchemy's async engine: aiosqlite's answers, one thread hop per statement."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from lifeline.store.engine import Database
from lifeline.store.sqlite_driver import OneHopConnection
from tests.unit.store.conftest import Item


async def test_the_engine_connects_through_one_hop_connections_with_the_pragmas(db: Database) -> None:
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, OneHopConnection)
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_inserts_reads_updates_and_bulk_inserts_answer_as_before(db: Database) -> None:
    async with db.session() as s:
        new_id = (await s.execute(insert(Item).values(name="a"))).inserted_primary_key[0]
        s.add(Item(name="b"))
        await s.flush()
        await s.execute(insert(Item), [{"name": "c"}, {"name": "d"}])
        changed = await s.execute(update(Item).where(Item.name.in_(["c", "d"])).values(name=Item.name + "!"))
        await s.commit()
    assert new_id == 1 and changed.rowcount == 2  # type: ignore[attr-defined]
    async with db.session() as s:
        assert list(await s.scalars(select(Item.name).order_by(Item.id))) == ["a", "b", "c!", "d!"]
        assert (await s.execute(select(Item.id).where(Item.name == "zz"))).first() is None


async def test_each_statement_is_one_hop(db: Database, hops: list[str]) -> None:
    async with db.engine.connect() as conn:
        await conn.execute(select(Item.id))  # the first statement also begins: not counted below
        hops.clear()
        for _ in range(3):
            (await conn.execute(select(Item.id, Item.name))).all()
        assert hops == ["_run"] * 3


async def test_a_failing_statement_raises_and_the_transaction_goes_on(db: Database) -> None:
    async with db.session() as s:
        await s.execute(insert(Item).values(name="same"))
        with pytest.raises(IntegrityError):
            await s.execute(insert(Item).values(name="same"))
        await s.execute(insert(Item).values(name="other"))
        await s.commit()
    async with db.session() as s:
        assert sorted(await s.scalars(select(Item.name))) == ["other", "same"]


async def test_a_rollback_makes_a_hop_only_inside_a_transaction(db: Database, hops: list[str]) -> None:
    async with db.session() as s:
        await s.execute(select(Item.id))  # a read opens no sqlite3 transaction
        hops.clear()
        await s.rollback()
        assert hops == []
        await s.execute(insert(Item).values(name="undone"))
        hops.clear()
        await s.rollback()
        assert hops == ["rollback"]
    async with db.session() as s:
        assert (await s.execute(select(Item.id))).first() is None
