"""Units of work: synchronous functions of an ORM `Session`, each one transaction, in few round trips.

Through SQLAlchemy's asyncio layer a statement costs ~0.2 ms of CPU on SQLite (a greenlet switch, a
hop to aiosqlite's thread and back, the awaitable result plumbing) against ~0.03–0.06 ms for the same
statement through the synchronous engine (docs/performance.md, Integration APIs). A hot path of several
statements is therefore written once, as a function of a synchronous `Session`, and handed to
`Database.run_unit` (writes) or `Database.read` (reads):

- on SQLite a unit runs on a pooled connection's own thread, through a synchronous engine over that very
  sqlite3 connection (built once per connection, `_sync_engine`). Works are batched (`SQLiteBatches`):
  those queued while one batch runs form the next, one hop for all of them, and for units one COMMIT;
- on PostgreSQL through `AsyncSession.run_sync` (`run_through_session`): asyncpg has no thread to move
  to, so each statement stays one awaited round trip, as everywhere else.

A batched unit's session carries the caller's event loop under `CALLER_LOOP_KEY` and a list under
`AFTER_BATCH_COMMIT_KEY`: after-commit hooks that run on the database thread (`services/events.py`
publishes queued events) append their work there, and it runs only once the batch's COMMIT is done.
An exception rolls the unit back and reaches the caller unchanged (`IntegrityError`, `StaleDataError`, …).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from lifeline.store.sqlite_driver import OneHopConnection
from lifeline.store.sqlite_writer_lock import WriterLock

T = TypeVar("T")

#: `Session.info` key of the event loop that started a batched unit (for hooks on the database thread).
CALLER_LOOP_KEY = "lifeline_caller_loop"

#: One synchronous engine per aiosqlite connection, dropped with it. Building an engine costs ~1 ms and
#: its first connect initialises the dialect: far too much per unit, nothing once per pooled connection.
_SYNC_ENGINES: WeakKeyDictionary[OneHopConnection, Engine] = WeakKeyDictionary()


#: `Session.info` key of a list a unit's after-commit hooks append to when the unit is one savepoint of a
#: batch: the batch runs them after its real COMMIT, and drops them if that COMMIT fails.
AFTER_BATCH_COMMIT_KEY = "lifeline_after_batch_commit"

#: Works run in one batch (for units: one SQLite transaction) at most. Enough to drain 16 concurrent API
#: clients in one or two hops; small enough that one batch holds the write lock for a few milliseconds.
MAX_WORKS_PER_BATCH = 32


async def run_through_session(sessions: async_sessionmaker[AsyncSession], work: Callable[[Session], T], *,
                              commit: bool = True) -> T:
    """PostgreSQL: `work(session)` through `run_sync`, then COMMIT if a write; rolled back on error.

    `run_sync` runs `work` on the event loop's own thread, so after-commit hooks find the loop running.
    """
    async with sessions() as db:
        result = await db.run_sync(work)
        if commit:
            await db.commit()
        return result


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    value: Any  # the unit's result, or the exception it raised


#: On the database thread: run a batch's works with the synchronous engine, each work's outcome in order.
BatchRunner = Callable[[Engine, list[Callable[[Session], Any]], asyncio.AbstractEventLoop, sqlite3.Connection],
                       list["_Outcome"]]


class SQLiteBatches:
    """Works on one SQLite database, run in batches: the works queued while one batch runs form the next.

    One batch is one hop to the connection's thread, so concurrent requests share the hop and (for units)
    the transaction. `Database` keeps two: units (`run_units_here`, in the process's writer turn: SQLite
    has one writer at a time, so concurrent units wait anyway) and reads (`run_reads_here`, no turn: WAL
    readers never wait for the writer). Batches run one at a time, so each keeps one connection of the
    pool for itself: checking one out and back in for every batch (an `AsyncConnection`, the pool's
    reset) cost ~40 µs of CPU per API call. A batch that fails outside its works (the connection, the
    COMMIT) drops it; the next batch connects again. `close` gives it back.
    """

    def __init__(self, engine: AsyncEngine, turn: Callable[[], AbstractAsyncContextManager[None]],
                 run_here: BatchRunner) -> None:
        self._engine = engine
        self._turn = turn
        self._run_here = run_here
        self._waiting: list[tuple[Callable[[Session], Any], asyncio.Future[Any]]] = []
        self._runner: asyncio.Task[None] | None = None
        self._connection: AsyncConnection | None = None
        self._driver: OneHopConnection | None = None

    async def run(self, work: Callable[[Session], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((work, future))
        if self._runner is None or self._runner.done():
            self._runner = loop.create_task(self._run_batches(loop))
        return await future

    async def _run_batches(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._waiting:
            batch = self._waiting[:MAX_WORKS_PER_BATCH]
            del self._waiting[:MAX_WORKS_PER_BATCH]
            try:
                async with self._turn():
                    driver = await self._connected()
                    outcomes = await driver.run_on_thread(
                        partial(self._run_here, _sync_engine(driver), [work for work, _ in batch], loop))
            except Exception as exc:  # noqa: BLE001 - no connection, or the COMMIT failed: every work failed
                outcomes = [_Outcome(False, exc)] * len(batch)
                await self.close()
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # its caller was cancelled; the work ran (or failed) all the same
                    continue
                if outcome.ok:
                    future.set_result(outcome.value)
                else:
                    future.set_exception(outcome.value)

    async def _connected(self) -> OneHopConnection:
        if self._driver is None:
            self._connection = await self._engine.connect()
            self._driver = await _one_hop_driver(self._connection)  # on error, the batch's `close` runs
        return self._driver

    async def close(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            await connection.close()


async def _one_hop_driver(connection: AsyncConnection) -> OneHopConnection:
    driver = (await connection.get_raw_connection()).driver_connection
    if not isinstance(driver, OneHopConnection):  # every SQLite engine here is made by store/engine.py
        raise TypeError(f"units need the one-hop SQLite driver, not {type(driver).__name__}")
    return driver


def run_reads_here(engine: Engine, works: list[Callable[[Session], Any]], _loop: asyncio.AbstractEventLoop,
                   _connection: sqlite3.Connection) -> list[_Outcome]:
    """On the sqlite3 connection's thread: each read in a session of its own, nothing committed."""
    outcomes: list[_Outcome] = []
    for work in works:
        with Session(engine, expire_on_commit=False) as db:
            try:
                outcomes.append(_Outcome(True, work(db)))
            except Exception as exc:  # noqa: BLE001 - a work's failure, whatever it is, is its caller's
                outcomes.append(_Outcome(False, exc))
    return outcomes


class UnitSQLiteDialect(SQLiteDialect_pysqlite):
    """The synchronous engine's dialect: each unit's SAVEPOINT and RELEASE go straight to sqlite3.

    SQLAlchemy compiles and executes them as statements (~40 µs of CPU each); a unit of a batch takes
    two, so this saved ~80 µs per `generate_session_key` (docs/performance.md). The names are
    SQLAlchemy's own (`sa_savepoint_N`), so quoting them is enough.
    """

    supports_statement_cache = True

    def do_savepoint(self, connection: Connection, name: str) -> None:
        _driver_of(connection).execute(f'SAVEPOINT "{name}"')

    def do_rollback_to_savepoint(self, connection: Connection, name: str) -> None:
        _driver_of(connection).execute(f'ROLLBACK TO SAVEPOINT "{name}"')

    def do_release_savepoint(self, connection: Connection, name: str) -> None:
        _driver_of(connection).execute(f'RELEASE SAVEPOINT "{name}"')


def _driver_of(connection: Connection) -> sqlite3.Connection:
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


registry.register("sqlite.lifeline_units", __name__, UnitSQLiteDialect.__name__)


def _sync_engine(driver: OneHopConnection) -> Engine:
    engine = _SYNC_ENGINES.get(driver)
    if engine is None:
        # The creator runs only on the database thread (first checkout in a batch), where sqlite3
        # allows the connection to be used; StaticPool hands out that one connection and never closes it
        # (aiosqlite owns it and closes it with the pooled async connection).
        engine = create_engine("sqlite+lifeline_units://", creator=lambda: driver._conn, poolclass=StaticPool)
        _SYNC_ENGINES[driver] = engine
    return engine


def run_units_here(engine: Engine, works: list[Callable[[Session], Any]], loop: asyncio.AbstractEventLoop,
                   _connection: sqlite3.Connection, *,
                   writer_lock: WriterLock = nullcontext) -> list[_Outcome]:
    """On the sqlite3 connection's thread: every unit as a savepoint of one transaction, then COMMIT.

    A unit that fails is rolled back alone and gets its own exception; the others commit together. A
    COMMIT that fails fails every unit of the batch, and none of their after-commit hooks run. The
    transaction runs inside `writer_lock` (the processes' turn, `sqlite_writer_lock.py`); the hooks after.
    """
    outcomes: list[_Outcome] = []
    committed_hooks: list[Callable[[], None]] = []
    with writer_lock(), engine.connect() as connection:
        # IMMEDIATE: the write lock is taken now (another process's writer is waited for in the busy
        # handler) rather than at the first write, which could not wait once a read had seen an older state.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            for work in works:
                hooks: list[Callable[[], None]] = []
                with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                             info={CALLER_LOOP_KEY: loop, AFTER_BATCH_COMMIT_KEY: hooks}) as db:
                    try:
                        result = work(db)
                        db.commit()  # releases the unit's savepoint
                    except Exception as exc:  # noqa: BLE001 - the unit's caller gets it, unchanged
                        db.rollback()  # back to the unit's savepoint: the batch goes on without it
                        outcomes.append(_Outcome(False, exc))
                        continue
                outcomes.append(_Outcome(True, result))
                committed_hooks.extend(hooks)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    for hook in committed_hooks:
        hook()
    return outcomes
