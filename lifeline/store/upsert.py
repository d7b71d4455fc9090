"""Insert-if-missing that two transactions can run at once, on SQLite and PostgreSQL.

"Read, then add if absent" loses a race: both transactions read nothing and the
second insert fails on the primary key. `insert_if_missing` asks the database to
skip a conflicting row (`INSERT … ON CONFLICT DO NOTHING`, the dialect's own
insert construct), so the caller simply reads the row afterwards.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.store.base import Base
from lifeline.store.driver_insert import execute_insert


@cache
def _statement(dialect: str, model: type[Base], key: str) -> Any:
    """Built once per (dialect, table, key): a statement keeps its cache key; values come per execution."""
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=[key])
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing(index_elements=[key])
    raise ValueError(f"insert_if_missing does not support the {dialect} database")


async def insert_if_missing(db: AsyncSession, model: type[Base], key: str, values: dict[str, Any]) -> bool:
    """Insert `values` unless a row with the same `key` (unique or primary) exists or is being inserted.

    True when the row was inserted, so a caller drawing random unique values can draw again in one statement
    per attempt instead of a look-up and an insert (and no race between them).
    """
    return await db.run_sync(insert_if_missing_sync, model, key, values)


def insert_if_missing_sync(db: Session, model: type[Base], key: str, values: dict[str, Any]) -> bool:
    """`insert_if_missing` inside a synchronous unit of work (`store/units.py`)."""
    # On the session's connection, as Core: the session would run a bare ORM insert with its values
    # as an ORM bulk insert, whose result has no row count. Pending objects go first, as autoflush would.
    # One `run_sync` for the three steps: one greenlet switch instead of three.
    db.flush()
    connection = db.connection()
    return bool(execute_insert(connection, _statement(connection.dialect.name, model, key), values).rowcount)
