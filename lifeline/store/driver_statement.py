"""A statement SQLAlchemy compiled once, executed on the sqlite3 cursor: what `driver_insert` and
`driver_select` share.

Inside a batched unit (`store/units.py`) a session's connection is a plain `sqlite3.Connection` on its
own thread. SQLAlchemy's `Connection.execute` spends ~50 µs of CPU per statement around the ~10–20 µs
the statement itself takes (an execution context, a cursor result, event dispatch); the hot path of
`generate_session_key` runs seven (docs/performance.md, Integration APIs). SQLAlchemy still does
everything that decides what is stored or read: it compiles the SQL once per statement for the
connection's dialect, and each parameter goes through the bind processor of its type (dates, JSON,
booleans, the project's `UTCDateTime`), each result column through its result processor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

T = TypeVar("T")
K = TypeVar("K")

_NOT_YET = object()  # not compiled yet (None is an answer: "SQLAlchemy's execution must run it")


def compiled_once(cache: dict[K, T | None], key: K, compile_: Callable[[], T | None]) -> T | None:
    """`cache[key]`, compiled on first use; None (a statement the cursor cannot run) is remembered too."""
    found = cache.get(key, _NOT_YET)
    if found is _NOT_YET:
        found = cache[key] = compile_()
    return cast("T | None", found)


@dataclass(frozen=True)
class Parameters:
    """How to turn the caller's values into the cursor's positional parameters."""

    #: The positional parameters' names, in order.
    names: tuple[str, ...]
    #: The parameters whose type has a bind processor: position, processor, and whether the processor must
    #: see None (most types store None as NULL without it, JSON stores it as 'null'). Most columns of the
    #: hot rows (strings, integers) have none, so only these few are visited one by one.
    processed: tuple[tuple[int, Callable[[Any], Any], bool], ...]
    #: The values the statement carries itself (`status != 'offline'` is a parameter holding 'offline').
    fixed: dict[str, Any]

    def with_fixed(self, values: Mapping[str, Any]) -> Parameters:
        """These parameters with more values of their own (an INSERT's column defaults)."""
        return replace(self, fixed={**self.fixed, **values})

    def positional(self, values: Mapping[str, Any]) -> list[Any]:
        """Each value in order, through its bind processor; the caller's values win over the fixed ones."""
        given = {**self.fixed, **values} if self.fixed else values
        bound = [given[name] for name in self.names]
        for index, process, sees_none in self.processed:
            value = bound[index]
            if value is not None or sees_none:
                bound[index] = process(value)
        return bound


def parameters_of(compiled: SQLCompiler, dialect: Dialect) -> Parameters | None:
    """The compiled statement's `Parameters`; None if SQLAlchemy's execution must run it.

    sqlite3 takes positional parameters; escaped bind names and expanding (`IN`) parameters are
    rewritten per execution by SQLAlchemy's execution context, and a parameter whose value is a callable
    is called per execution: none of that is reproduced here.
    """
    if compiled.positiontup is None or compiled.escaped_bind_names:
        return None
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    if any(bind.expanding or bind.literal_execute or bind.callable is not None for bind in by_name.values()):
        return None
    names = tuple(compiled.positiontup)
    processors = [(index, kind.dialect_impl(dialect).bind_processor(dialect), kind.should_evaluate_none)
                  for index, name in enumerate(names) for kind in (by_name[name].type,)]
    processed = tuple((index, process, sees_none) for index, process, sees_none in processors
                      if process is not None)
    fixed = {name: bind.value for name, bind in by_name.items() if not bind.required}
    return Parameters(names, processed, fixed)


def run_on_cursor(driver: sqlite3.Connection, sql: str, parameters: list[Any],
                  read: Callable[[sqlite3.Cursor], T]) -> T:
    """Execute on a fresh cursor and `read` what the caller needs from it; errors as SQLAlchemy's classes
    (`IntegrityError`, `OperationalError`, …), exactly as `Connection.execute` raises them."""
    cursor = driver.cursor()
    try:
        cursor.execute(sql, parameters)
        return read(cursor)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, parameters, exc, sqlite3.Error) from exc
    finally:
        cursor.close()
