"""Insert-if-missing that two transactions can run at once, on SQLite and PostgreSQL.

"Read, then add if absent" loses a race: both transactions read nothing and the
second insert fails on the primary key. `insert_if_missing` asks the database to
skip a conflicting row (`INSERT … ON CONFLICT DO NOTHING`, the dialect's own
insert construct), so the caller simply reads the row afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.store.base import Base


async def insert_if_missing(db: AsyncSession, model: type[Base], key: str, values: dict[str, Any]) -> None:
    """Insert `values` unless a row with the same `key` (unique or primary) exists or is being inserted."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=[key])
    elif dialect == "sqlite":
        statement = sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=[key])
    else:
        raise ValueError(f"insert_if_missing does not support the {dialect} database")
    await db.execute(statement)
