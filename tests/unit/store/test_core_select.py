"""`select_columns`: in a SQLite unit the sqlite3 cursor reads what SQLAlchemy reads; elsewhere SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Select, bindparam, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lifeline.services.api_tokens import _TOKEN_WITH_ACCOUNT
from lifeline.services.integration.directory import _GROUP_ONLINE
from lifeline.services.settings import _VALUES
from lifeline.store import core_select
from lifeline.store.core_select import ColumnRows, detached, entity_columns, select_columns
from lifeline.store.engine import Database
from lifeline.store.units import UnitSQLiteDialect
from tests.unit.store.conftest import Item, Record

pytestmark = pytest.mark.asyncio(loop_scope="session")

AT = datetime(2026, 11, 24, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))

#: Every conversion the hot reads need back (aware datetimes, JSON, booleans, a NULL, a label, a subquery),
#: and a value the statement carries itself (`!= "skipped"`), besides the caller's.
RECORD_COLUMNS = (select(Record.name, Record.at.label("when"), Record.data, Record.flag, Record.note,
                         select(func.count()).select_from(Item).where(Item.name == Record.name)
                         .scalar_subquery().label("items"))
                  .where(Record.count >= bindparam("least"), Record.note != "skipped").order_by(Record.id))
ROWS = [{"name": "a", "at": AT, "data": {"k": [1, "é"]}, "flag": True, "count": 1, "note": "n"},
        {"name": "b", "at": None, "data": {}, "flag": False, "count": 2, "note": ""}]


@pytest.fixture
def sqlalchemy_selects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every SELECT that went through SQLAlchemy's `Connection.execute`."""
    seen: list[str] = []
    original = Connection.execute

    def spying(self: Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if str(statement).startswith("SELECT"):
            seen.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "execute", spying)
    yield seen


async def _fill(database: Database) -> None:
    async with database.session() as s:
        await s.execute(insert(Record.__table__), ROWS)
        await s.execute(insert(Item.__table__), [{"name": "a"}])
        await s.commit()


async def test_a_units_column_query_reads_what_sqlalchemy_reads(database: Database,
                                                                sqlalchemy_selects: list[str]) -> None:
    await _fill(database)

    def unit(s: Session) -> ColumnRows:
        return select_columns(s, RECORD_COLUMNS, {"least": 1})

    fast = await database.read(unit)
    on_cursor = database.url.startswith("sqlite")
    assert sqlalchemy_selects == [] if on_cursor else len(sqlalchemy_selects) == 1
    async with database.session() as s:  # the same statement through SQLAlchemy's own execution
        reference = await s.execute(RECORD_COLUMNS, {"least": 1})
        assert fast.columns == tuple(reference.keys()) == ("name", "when", "data", "flag", "note", "items")
        assert fast.rows == [tuple(row) for row in reference]
    assert fast.first_mapping() == {"name": "a", "when": AT.astimezone(UTC), "data": {"k": [1, "é"]},
                                    "flag": True, "note": "n", "items": 1}
    assert fast.rows[1] == ("b", None, {}, False, "", 0)


async def test_no_row_is_none_and_pending_objects_are_flushed_first(database: Database) -> None:
    def unit(s: Session) -> tuple[Any, Any, list[tuple[Any, ...]]]:
        empty = select_columns(s, RECORD_COLUMNS, {"least": 1})
        s.add(Record(name="pending", count=5))  # autoflush: a query sees what the unit added before it
        return empty.first(), empty.first_mapping(), select_columns(s, RECORD_COLUMNS, {"least": 5}).rows

    first, mapping, rows = await database.run_unit(unit)
    assert (first, mapping) == (None, None)
    assert [row[0] for row in rows] == ["pending"]


async def test_an_expanding_parameter_goes_through_sqlalchemy(database: Database,
                                                              sqlalchemy_selects: list[str]) -> None:
    await _fill(database)
    names = (select(Record.name).where(Record.name.in_(bindparam("names", expanding=True)))
             .order_by(Record.name))

    rows = await database.read(lambda s: select_columns(s, names, {"names": ["a", "b", "z"]}))
    assert rows.rows == [("a",), ("b",)]
    assert len(sqlalchemy_selects) == 1  # IN lists are rewritten per execution by SQLAlchemy


async def test_detached_is_the_object_a_closed_session_would_have_loaded(database: Database) -> None:
    await _fill(database)
    everything = select(*entity_columns(Record)).order_by(Record.id)
    row = (await database.read(lambda s: select_columns(s, everything, {}))).first_mapping()
    assert row is not None
    built = detached(Record, row)
    async with database.session() as s:
        loaded = await s.get(Record, 1)
        assert loaded is not None
        assert {key: getattr(built, key) for key in row} == {key: getattr(loaded, key) for key in row}
    state = inspect(built)
    assert state.detached and state.key == inspect(loaded).key and not state.modified
    async with database.session() as s:  # attached again, a change is an ordinary UPDATE of that row
        s.add(built)
        built.note = "changed"
        await s.commit()
    async with database.session() as s:
        assert (await s.get(Record, 1)).note == "changed"  # type: ignore[union-attr]


@pytest.mark.parametrize("statement", [_GROUP_ONLINE, _VALUES, _TOKEN_WITH_ACCOUNT],
                         ids=["group online", "settings", "bearer token"])
async def test_every_read_of_the_key_path_runs_on_the_cursor(statement: Select[Any]) -> None:
    """An unnamed column (a subquery without a label) would send the statement back through SQLAlchemy."""
    assert core_select._prepared(statement, UnitSQLiteDialect()) is not None


async def test_the_rows_of_a_two_column_query_make_a_dict(database: Database) -> None:
    """`dict(rows)` maps first column to second, as with SQLAlchemy's result (a `keys` field broke it)."""
    await _fill(database)
    pairs = select(Record.name, Record.note).order_by(Record.id)

    rows = await database.read(lambda s: select_columns(s, pairs, {}))
    assert dict(rows) == {"a": "n", "b": ""}
