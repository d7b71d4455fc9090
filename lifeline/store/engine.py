"""One async engine per process, with the SQLite pragmas measured in ecosystem.md §3.

WAL + synchronous=NORMAL made one-row commits (a chat line) about 3× faster;
foreign keys are off by default in SQLite and we rely on them. SQLite
connections are aiosqlite's, with one thread hop per statement
(`sqlite_driver`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from lifeline.store.sqlite_driver import async_creator
from lifeline.store.sqlite_writer_lock import writer_lock_for
from lifeline.store.units import SQLiteBatches, run_reads_here, run_through_session, run_units_here

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000  # two server processes may share one SQLite file in tests
#: Connections kept open. Each SQLite connection is a thread and a sqlite3 handle; SQLAlchemy's default (5)
#: made 16 concurrent API clients open and close overflow connections all the time: a thread start, a
#: connect and the pragmas for most requests, ~40 % of the server's CPU (docs/performance.md).
SQLITE_POOL_SIZE = 32
SQLITE_POOL_OVERFLOW = 32


def make_engine(database_url: str) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        engine = create_async_engine(database_url, async_creator=_sqlite_creator(database_url),
                                     pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_POOL_OVERFLOW)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.close()

        return engine
    return create_async_engine(database_url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_creator(database_url: str) -> Callable[[], Any]:
    """Connections of the URL's database (the dialect's own reading of it) through `sqlite_driver`."""
    url = make_url(database_url)
    args, options = url.get_dialect()().create_connect_args(url)
    return async_creator(*args, **options, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)


class Database:
    """Owns the engine and hands out sessions; one per server process."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = asyncio.Lock() if database_url.startswith("sqlite") else None
        sqlite = self._writer is not None
        self._processes_lock = writer_lock_for(database_url) if sqlite else None
        lock = self._processes_lock.hold if self._processes_lock else nullcontext
        run_units = partial(run_units_here, writer_lock=lock)
        self._units = SQLiteBatches(self.engine, self.writer_turn, run_units) if sqlite else None
        self._reads = SQLiteBatches(self.engine, nullcontext, run_reads_here) if sqlite else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def writer_turn(self) -> AsyncIterator[None]:
        """Wait, in order, for this process's turn to run a writing transaction (SQLite only; else a no-op).

        SQLite has one writer at a time. Concurrent writers of one process otherwise meet in SQLite's
        busy handler, which sleeps 1 → 100 ms between retries: 16 concurrent `generate_session_key`
        calls ran at ~22 req/s with a p99 near 1 s (bench/api.py, docs/performance.md). Queueing them
        here costs nothing while the lock is free. Batched units also take the processes' lock
        (`sqlite_writer_lock.py`); other writers of other processes still meet in the busy handler.
        """
        if self._writer is None:
            yield
            return
        async with self._writer:
            yield

    async def run_unit(self, work: Callable[[Session], T]) -> T:
        """`work(session)` committed as one unit (`store/units.py`): on SQLite batched with the units of
        concurrent requests into one hop and one COMMIT, in the writer turn (do not hold it around this)."""
        if self._units is not None:
            return await self._units.run(work)
        return await run_through_session(self.sessionmaker, work)

    async def read(self, work: Callable[[Session], T]) -> T:
        """`work(session)`, reading only, nothing committed; on SQLite batched with concurrent reads (one hop)."""
        if self._reads is not None:
            return await self._reads.run(work)
        return await run_through_session(self.sessionmaker, work, commit=False)

    async def dispose(self) -> None:
        for batches in (self._units, self._reads):
            if batches is not None:
                await batches.close()
        await self.engine.dispose()
        if self._processes_lock is not None:
            self._processes_lock.close()
