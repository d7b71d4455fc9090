"""An INSERT of a unit of work, run on the sqlite3 cursor itself with SQLAlchemy's own SQL and conversions.

`driver_statement.py` says why. Here the statement is compiled once per set of given columns: its SQL,
its parameter order and bind processors, and the scalar defaults of the columns not given are kept, and
each execution only converts the values and calls the cursor.

Anything this does not cover goes through `Connection.execute` unchanged: another driver (PostgreSQL,
the aiosqlite adapter of `AsyncSession` callers), a statement with Python-side defaults or RETURNING.
Errors are SQLAlchemy's own classes (`IntegrityError`, …), as from `Connection.execute`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.engine import Connection, Dialect

from lifeline.store.driver_statement import Parameters, compiled_once, parameters_of, run_on_cursor

#: (statement, given column names) → its compiled form, or None when the statement needs SQLAlchemy.
_PREPARED: dict[tuple[Insert, tuple[str, ...]], _Prepared | None] = {}


@dataclass(frozen=True)
class InsertOutcome:
    """What callers read of an INSERT: rows written (0 when ON CONFLICT skipped it), the new id."""

    rowcount: int
    new_id: Any  # the primary key of a row whose key the database chose (SQLite: the rowid)


@dataclass(frozen=True)
class _Prepared:
    sql: str
    parameters: Parameters  # the scalar defaults of the columns not given (`default=0`) are among its fixed


def execute_insert(connection: Connection, statement: Insert, values: Mapping[str, Any]) -> InsertOutcome:
    """INSERT one row of `values`: on the sqlite3 cursor when it can, else as SQLAlchemy does."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection) or (
            prepared := _prepared(statement, tuple(values), connection.dialect)) is None:
        result = connection.execute(statement, dict(values))
        key = result.inserted_primary_key
        return InsertOutcome(result.rowcount, key[0] if key else None)
    return run_on_cursor(driver, prepared.sql, prepared.parameters.positional(values), _outcome)


def _outcome(cursor: sqlite3.Cursor) -> InsertOutcome:
    return InsertOutcome(cursor.rowcount, cursor.lastrowid)


def _prepared(statement: Insert, keys: tuple[str, ...], dialect: Dialect) -> _Prepared | None:
    return compiled_once(_PREPARED, (statement, keys), lambda: _compile(statement, keys, dialect))


def _compile(statement: Insert, keys: tuple[str, ...], dialect: Dialect) -> _Prepared | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    # Callable defaults and RETURNING are the execution context's work.
    prefetch = compiled.insert_prefetch
    parameters = parameters_of(compiled, dialect)
    if (parameters is None or compiled.effective_returning
            or any(column.default is None or not column.default.is_scalar for column in prefetch)):
        return None
    defaults = {column.key: column.default.arg for column in prefetch}  # type: ignore[union-attr]
    # The statement's parameters are named after its columns (no escaped names, checked by
    # `parameters_of`): each must be given or defaulted, else SQLAlchemy reports the missing value.
    if not set(parameters.names) <= {*keys, *defaults}:
        return None
    return _Prepared(compiled.string, parameters.with_fixed(defaults))
