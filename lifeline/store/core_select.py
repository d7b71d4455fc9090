"""Column queries of a unit of work on the session's connection, without the ORM's statement layer.

Also the hot path's one entity, the API account of a bearer token, read as columns (`detached`).

`Session.execute` of a `select()` of columns (not entities) runs the ORM's compile state, loading
and result set-up: ~70 µs of CPU per query more than the same statement on the session's
connection, whose rows are identical (the column types' result processing is Core's). Inside a SQLite
unit the statement goes one step further down, to the sqlite3 cursor (`driver_statement.py`: ~40 µs
less again), with SQLAlchemy's compiled SQL and its types' bind and result processing. Three such
queries sit on `generate_session_key`'s hot path (docs/performance.md, Integration APIs).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Select, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, make_transient_to_detached

from lifeline.store.base import Base
from lifeline.store.driver_statement import Parameters, compiled_once, parameters_of, run_on_cursor

E = TypeVar("E", bound=Base)


@dataclass(frozen=True)
class ColumnRows:
    """Every row of a column query, converted by the columns' types, with the columns' keys.

    Iterating gives the rows as tuples, so `dict(rows)` of a two-column query maps the first column to
    the second. (The keys are `columns`, not `keys`: `dict()` takes anything with a `keys` as a mapping.)
    """

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def first_mapping(self) -> dict[str, Any] | None:
        """The first row by column key (a label, else the column's name), or None."""
        return dict(zip(self.columns, self.rows[0], strict=True)) if self.rows else None


def select_columns(db: Session, statement: Select[Any], params: Mapping[str, Any]) -> ColumnRows:
    """`db.execute(statement, params)` for a column query; pending changes flushed first, as by autoflush."""
    db.flush()
    connection = db.connection()
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection) and (
            prepared := _prepared(statement, connection.dialect)) is not None:
        return run_on_cursor(driver, prepared.sql, prepared.parameters.positional(params), prepared.rows)
    result = connection.execute(statement, dict(params))
    return ColumnRows(tuple(result.keys()), [tuple(row) for row in result])


@dataclass(frozen=True)
class _Prepared:
    sql: str
    parameters: Parameters
    keys: tuple[str, ...]
    #: Each result column's processor (None: the driver's value is the value), in column order.
    processors: tuple[Callable[[Any], Any] | None, ...]

    def rows(self, cursor: sqlite3.Cursor) -> ColumnRows:
        processors = self.processors
        if not any(processors):
            return ColumnRows(self.keys, cursor.fetchall())
        return ColumnRows(self.keys, [
            tuple(value if process is None else process(value)
                  for process, value in zip(processors, row, strict=True))
            for row in cursor.fetchall()])


#: Statement → its compiled form for the sqlite3 cursor, or None when it needs SQLAlchemy's execution.
#: Hot statements are built once at import, so this holds one entry per such statement.
_PREPARED: dict[Select[Any], _Prepared | None] = {}


def _prepared(statement: Select[Any], dialect: Dialect) -> _Prepared | None:
    return compiled_once(_PREPARED, statement, lambda: _compile(statement, dialect))


def _compile(statement: Select[Any], dialect: Dialect) -> _Prepared | None:
    compiled = statement.compile(dialect=dialect)
    parameters = parameters_of(compiled, dialect)
    if parameters is None:
        return None
    columns = list(statement.selected_columns)
    keys = tuple(column.key for column in columns)
    if None in keys:  # an unnamed expression: its key is whatever SQLAlchemy's result would make up
        return None
    processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                       for column in columns)
    return _Prepared(compiled.string, parameters, cast(tuple[str, ...], keys), processors)


def entity_columns(model: type[Base]) -> list[Any]:
    """The model's mapped columns labelled with their attribute names: the query `detached` reads."""
    return [prop.columns[0].label(prop.key) for prop in inspect(model).column_attrs]


def detached(model: type[E], row: Mapping[str, Any]) -> E:
    """The instance a session would have loaded from `row` (an `entity_columns` query) and then closed over.

    Loading an entity through the ORM (identity map, loader state) cost ~3× building it from a column
    row; the result is the same detached, clean object, so nothing later can tell them apart. The values
    go into the instance's dict as loading puts them (no constructor, no attribute events: ~6 µs against
    ~21 µs through `model(**row)` for an API account).
    """
    mapper = inspect(model)
    obj = cast(E, mapper.class_manager.new_instance())
    obj.__dict__.update({prop.key: row[prop.key] for prop in mapper.column_attrs})
    make_transient_to_detached(obj)
    return obj
