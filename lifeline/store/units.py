"""Run a unit of work, a synchronous function of an ORM `Session`, as one transaction in one round trip.

Through SQLAlchemy's asyncio layer a statement costs ~0.2 ms of CPU on SQLite (a greenlet switch, a
hop to aiosqlite's thread and back, the awaitable result plumbing) against ~0.03–0.06 ms for the same
statement through the synchronous engine (docs/performance.md, Integration APIs). A hot path of several
statements is therefore written once, as a function of a synchronous `Session`, and handed to `run_unit`:

- on SQLite the whole function and its commit run on the pooled connection's own thread in ONE hop,
  through a synchronous engine over that very sqlite3 connection (built once per connection, see
  `_sync_engine`);
- on PostgreSQL through `AsyncSession.run_sync`: asyncpg has no thread to move to, so each statement
  stays one awaited round trip, as everywhere else.

The unit's session carries the caller's event loop under `CALLER_LOOP_KEY`: after-commit hooks that run
on the database thread (`services/events.py` publishes queued events there) hand their work back to it.
An exception rolls the unit back and reaches the caller unchanged (`IntegrityError`, `StaleDataError`, …).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from lifeline.store.sqlite_driver import OneHopConnection

T = TypeVar("T")

#: `Session.info` key of the event loop that started the unit (for hooks running on the database thread).
CALLER_LOOP_KEY = "lifeline_caller_loop"

#: One synchronous engine per aiosqlite connection, dropped with it. Building an engine costs ~1 ms and
#: its first connect initialises the dialect: far too much per unit, nothing once per pooled connection.
_SYNC_ENGINES: WeakKeyDictionary[OneHopConnection, Engine] = WeakKeyDictionary()


async def run_unit(engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession],
                   work: Callable[[Session], T]) -> T:
    """`work(session)`, then COMMIT; `work`'s result. Rolled back, and the exception re-raised, on error."""
    loop = asyncio.get_running_loop()
    if engine.dialect.name != "sqlite":
        async with sessions() as db:
            db.info[CALLER_LOOP_KEY] = loop
            result = await db.run_sync(work)
            await db.commit()
            return result
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        if not isinstance(driver, OneHopConnection):  # every SQLite engine of ours is made by store/engine.py
            raise TypeError(f"run_unit needs the one-hop SQLite driver, not {type(driver).__name__}")
        return await driver.run_on_thread(partial(_run_here, _sync_engine(driver), work, loop))


def _sync_engine(driver: OneHopConnection) -> Engine:
    engine = _SYNC_ENGINES.get(driver)
    if engine is None:
        # The creator runs only on the database thread (first checkout inside `_run_here`), where sqlite3
        # allows the connection to be used; StaticPool hands out that one connection and never closes it
        # (aiosqlite owns it and closes it with the pooled async connection).
        engine = create_engine("sqlite://", creator=lambda: driver._conn, poolclass=StaticPool)
        _SYNC_ENGINES[driver] = engine
    return engine


def _run_here(engine: Engine, work: Callable[[Session], T], loop: asyncio.AbstractEventLoop,
              _connection: sqlite3.Connection) -> T:
    """On the sqlite3 connection's thread: the whole unit, commit included."""
    with Session(engine, expire_on_commit=False, info={CALLER_LOOP_KEY: loop}) as db:
        result = work(db)
        db.commit()
        return result
