"""An INSERT of a unit of work, run on the sqlite3 cursor itself with SQLAlchemy's own SQL and conversions.

Inside a batched unit (`store/units.py`) the session's connection is a plain `sqlite3.Connection` on
its own thread. SQLAlchemy's `Connection.execute` spends ~50 µs of CPU per INSERT around the ~15 µs
the statement itself takes (an execution context, a cursor result, event dispatch), and
`generate_session_key` runs four of them (docs/performance.md, Integration APIs). Here the statement
is compiled once per set of given columns, by SQLAlchemy, for the connection's dialect: its SQL, its
parameter order, the scalar defaults of the columns not given, and each parameter's bind processor
(dates, JSON, booleans, the project's `UTCDateTime`) are kept, and each execution only converts the
values and calls the cursor.

Anything this does not cover goes through `Connection.execute` unchanged: another driver (PostgreSQL,
the aiosqlite adapter of `AsyncSession` callers), a statement with Python-side defaults or RETURNING.
Errors are SQLAlchemy's own classes (`IntegrityError`, …), as from `Connection.execute`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

#: (statement, given column names) → its compiled form, or None when the statement needs SQLAlchemy.
_PREPARED: dict[tuple[Insert, tuple[str, ...]], _Prepared | None] = {}
_MISSING = object()  # not compiled yet (None is an answer: "use SQLAlchemy")


@dataclass(frozen=True)
class InsertOutcome:
    """What callers read of an INSERT: rows written (0 when ON CONFLICT skipped it), the new id."""

    rowcount: int
    new_id: Any  # the primary key of a row whose key the database chose (SQLite: the rowid)


@dataclass(frozen=True)
class _Prepared:
    sql: str
    defaults: dict[str, Any]  # scalar column defaults of the columns not given (`default=0`, `default=""`)
    #: Each parameter's name, bind processor, and whether the processor must see None: most types store
    #: None as NULL without it (a session row has a dozen empty timestamps), JSON stores it as 'null'.
    order: tuple[tuple[str, Callable[[Any], Any] | None, bool], ...]

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        bound = {**self.defaults, **values} if self.defaults else values
        return [process(value) if process is not None and (value is not None or sees_none) else value
                for name, process, sees_none in self.order for value in (bound[name],)]


def execute_insert(connection: Connection, statement: Insert, values: Mapping[str, Any]) -> InsertOutcome:
    """INSERT one row of `values`: on the sqlite3 cursor when it can, else as SQLAlchemy does."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection) or (
            prepared := _prepared(statement, tuple(values), connection.dialect)) is None:
        result = connection.execute(statement, dict(values))
        key = result.inserted_primary_key
        return InsertOutcome(result.rowcount, key[0] if key else None)
    parameters = prepared.parameters(values)
    cursor = driver.cursor()
    try:
        cursor.execute(prepared.sql, parameters)
        return InsertOutcome(cursor.rowcount, cursor.lastrowid)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(prepared.sql, parameters, exc, sqlite3.Error) from exc
    finally:
        cursor.close()


def _prepared(statement: Insert, keys: tuple[str, ...], dialect: Dialect) -> _Prepared | None:
    found = _PREPARED.get((statement, keys), _MISSING)
    if found is _MISSING:
        found = _PREPARED[(statement, keys)] = _compile(statement, keys, dialect)
    return found  # type: ignore[return-value]


def _compile(statement: Insert, keys: tuple[str, ...], dialect: Dialect) -> _Prepared | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    # Callable defaults and RETURNING are the execution context's work; sqlite3 takes positional
    # parameters; escaped bind names would need SQLAlchemy's own mapping.
    prefetch = compiled.insert_prefetch
    if (any(column.default is None or not column.default.is_scalar for column in prefetch)
            or compiled.effective_returning or compiled.positiontup is None or compiled.escaped_bind_names):
        return None
    defaults = {column.key: column.default.arg for column in prefetch}  # type: ignore[union-attr]
    # The statement's parameters are named after its columns (no escaped names, checked above): each must
    # be given or defaulted, else SQLAlchemy reports the missing value.
    if not set(compiled.positiontup) <= {*keys, *defaults}:
        return None
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    types = [by_name[name].type for name in compiled.positiontup]
    order = tuple((name, kind.dialect_impl(dialect).bind_processor(dialect), kind.should_evaluate_none)
                  for name, kind in zip(compiled.positiontup, types, strict=True))
    return _Prepared(compiled.string, defaults, order)
