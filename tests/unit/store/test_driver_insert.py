"""`execute_insert`: in a SQLite unit the sqlite3 cursor stores exactly what SQLAlchemy would; elsewhere SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lifeline.store.driver_insert import execute_insert
from lifeline.store.engine import Database
from tests.unit.store.conftest import Record, _Base

pytestmark = pytest.mark.asyncio(loop_scope="session")


RECORDS = insert(Record.__table__)
RECORDS_UNLESS_NAMED = sqlite.insert(Record.__table__).on_conflict_do_nothing(index_elements=["name"])
AT = datetime(2026, 11, 24, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
def sqlalchemy_executes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every statement that went through SQLAlchemy's `Connection.execute`."""
    seen: list[str] = []
    original = Connection.execute

    def spying(self: Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "execute", spying)
    yield seen


async def _stored(db: Database) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (no result conversion), in insertion order."""
    async with db.session() as s:
        rows = await s.execute(text("SELECT name, at, data, flag, count, note FROM records ORDER BY id"))
        return [tuple(row) for row in rows]


async def test_a_units_insert_stores_what_sqlalchemy_stores(database: Database,
                                                             sqlalchemy_executes: list[str]) -> None:
    values = {"name": "fast", "at": AT, "data": {"k": [1, "é"]}, "flag": True}

    def unit(s: Session) -> Any:
        return execute_insert(s.connection(), RECORDS, values)

    outcome = await database.run_unit(unit)
    assert (outcome.rowcount, outcome.new_id) == (1, 1)
    on_cursor = database.url.startswith("sqlite")
    assert not [sql for sql in sqlalchemy_executes if sql.startswith("INSERT")] if on_cursor else True
    async with database.session() as s:  # the same values through SQLAlchemy's own execution
        await s.execute(RECORDS, {**values, "name": "sqlalchemy"})
        await s.commit()
    fast, reference = await _stored(database)
    assert fast[1:] == reference[1:]
    async with database.session() as s:
        record = await s.get(Record, 1)
        assert record is not None and (record.at, record.data, record.flag, record.count, record.note) == (
            AT.astimezone(UTC), {"k": [1, "é"]}, True, 0, "")


async def test_a_clash_is_sqlalchemys_integrity_error_and_on_conflict_skips(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'clash.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    row = {"name": "once", "at": AT}
    try:
        assert (await db.run_unit(lambda s: execute_insert(s.connection(), RECORDS, row))).rowcount == 1
        with pytest.raises(IntegrityError):
            await db.run_unit(lambda s: execute_insert(s.connection(), RECORDS, row))
        skipped = await db.run_unit(lambda s: execute_insert(s.connection(), RECORDS_UNLESS_NAMED, row))
        assert skipped.rowcount == 0
        assert [r[0] for r in await _stored(db)] == ["once"]
    finally:
        await db.dispose()


async def test_a_callable_default_is_left_to_sqlalchemy(database: Database) -> None:
    # `data` is not given and its default is `dict`, a callable: SQLAlchemy's execution context runs it.
    await database.run_unit(lambda s: execute_insert(s.connection(), RECORDS, {"name": "bare", "at": AT}))
    async with database.session() as s:
        record = await s.get(Record, 1)
        assert record is not None and (record.data, record.flag, record.count) == ({}, False, 0)


async def test_none_is_stored_as_sqlalchemy_stores_it(database: Database) -> None:
    # A timestamp's None is NULL without its processor; JSON's None goes through it (JSON 'null').
    values = {"name": "nones", "at": None, "data": None, "flag": False}
    await database.run_unit(lambda s: execute_insert(s.connection(), RECORDS, values))
    async with database.session() as s:
        await s.execute(RECORDS, {**values, "name": "sqlalchemy"})
        await s.commit()
    fast, reference = await _stored(database)
    assert fast[1:] == reference[1:]
