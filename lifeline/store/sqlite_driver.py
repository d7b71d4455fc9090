"""aiosqlite with one thread hop per statement: the SQLite connection SQLAlchemy's async engine is given.

aiosqlite runs every sqlite3 call on the connection's own thread and wakes the
event loop with its result. SQLAlchemy's adapter makes four such calls per
statement (open a cursor, execute, fetch all rows, close the cursor), and each
hop costs a thread hand-off, a loop wake-up, a future and two greenlet switches:
~0.18 ms of CPU per statement against ~0.07 ms for the statement itself through
SQLAlchemy's synchronous engine (docs/performance.md, Integration APIs). Here
the cursor opens, executes, fetches and closes in ONE hop; what SQLAlchemy
reads afterwards (description, rowcount, lastrowid, rows) was captured in that
hop. Statements still run on aiosqlite's thread, never on the event loop, so a
writer waiting in SQLite's busy handler blocks nothing else.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")

#: Rows fetched per chunk by aiosqlite's own async iteration (its `connect` default); unused by SQLAlchemy.
ITER_CHUNK_SIZE = 64


@dataclass(frozen=True)
class _Outcome:
    """Everything a DB-API cursor reports after a statement, taken on the connection's thread."""

    description: Any
    rowcount: int
    lastrowid: int | None
    rows: list[Any]


def _run(connection: aiosqlite.Connection, method: str, sql: str, parameters: Any) -> _Outcome:
    """On aiosqlite's thread: one cursor, one statement, all its rows, cursor closed."""
    cursor = connection._conn.cursor()  # the sqlite3 connection; raises ValueError once closed
    try:
        getattr(cursor, method)(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return _Outcome(cursor.description, cursor.rowcount, cursor.lastrowid, rows)
    finally:
        cursor.close()


class OneHopCursor:
    """The part of aiosqlite's `Cursor` SQLAlchemy's adapter uses, with rows buffered by `execute`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._outcome = _Outcome(None, -1, None, [])
        self._rows: deque[Any] = deque()
        self.arraysize = 1

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._outcome.description

    @property
    def rowcount(self) -> int:
        return self._outcome.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._outcome.lastrowid

    async def _hop(self, method: str, sql: str, parameters: Any) -> OneHopCursor:
        self._outcome = await self._connection._execute(_run, self._connection, method, sql, parameters)
        self._rows = deque(self._outcome.rows)
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneHopCursor:
        return await self._hop("execute", sql, () if parameters is None else parameters)

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneHopCursor:
        return await self._hop("executemany", sql, list(parameters))

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(len(self._rows), self.arraysize if size is None else size)
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()  # the sqlite3 cursor was closed in its hop


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one hop per statement (`OneHopCursor`).

    A rollback or commit outside a transaction makes no hop: the pool rolls back every connection it gets
    back, and sqlite3 opens a transaction only for writes, so after a commit or a read-only request there
    is nothing to undo or keep. `in_transaction` is the sqlite3 connection's flag, read between hops.
    """

    def cursor(self) -> OneHopCursor:  # type: ignore[override]  # aiosqlite's is awaited; this needs no hop
        return OneHopCursor(self)

    async def run_on_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(sqlite3 connection)` on this connection's own thread, in one hop (`store/units.py`)."""
        return await self._execute(work, self._conn)

    async def rollback(self) -> None:
        if self.in_transaction:
            await super().rollback()

    async def commit(self) -> None:
        if self.in_transaction:  # a read-only request's commit (`CommandContext.release_connection`): no hop
            await super().commit()


def async_creator(database: str, **connect_kwargs: Any) -> Callable[[], Any]:
    """For `create_async_engine(async_creator=…)`: a `OneHopConnection` on `sqlite3.connect(database, …)`."""

    async def connect() -> OneHopConnection:
        connection = OneHopConnection(partial(sqlite3.connect, database, **connect_kwargs), ITER_CHUNK_SIZE)
        connection._thread.daemon = True  # as SQLAlchemy's own aiosqlite dialect does: never hold up exit
        await connection  # starts the thread and opens the sqlite3 connection; awaiting returns `connection`
        return connection

    return connect
