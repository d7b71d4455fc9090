"""Insert a new ORM object with one Core INSERT, then attach it to the session as if it had been flushed.

An ORM flush of one new object runs the unit of work (dependency sort, per-mapper save plan, bulk
insert bookkeeping): ~0.3 ms more CPU than the same INSERT as a Core statement, measured on the
`generate_session_key` hot path (docs/performance.md). `insert_object` writes the object's columns
as a Core INSERT (the table's statement, built once, so its compiled form is cached), sets the
primary key the database chose, and attaches the object to the session as persistent and clean: later
changes to it flush as UPDATEs (with the version check of a versioned table), exactly as for an object
the ORM inserted itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached

from lifeline.store.base import Base
from lifeline.store.driver_insert import execute_insert


@cache
def _insert(mapper: Mapper[Any]) -> Insert:
    """Built once per mapped table: a statement keeps its cache key; values come per execution."""
    return mapper.local_table.insert()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _ColumnFill:
    """How one mapped column gets its INSERT value when the object does not set it."""

    attribute: str  # the ORM attribute (may differ from the column's key)
    column: str
    default: Any  # a scalar, a no-argument callable, or NO_DEFAULT
    callable_default: bool
    primary_key: bool


NO_DEFAULT = object()


@cache
def _column_fills(mapper: Mapper[Any]) -> tuple[_ColumnFill, ...]:
    """Read once per mapper: walking `column_attrs` and their defaults cost ~0.1 ms per inserted object."""
    fills = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        default = column.default
        if default is not None and default.is_scalar:
            fills.append(_ColumnFill(prop.key, column.key, default.arg, False, column.primary_key))
        elif default is not None and default.is_callable:
            fills.append(_ColumnFill(prop.key, column.key, default.arg, True, column.primary_key))
        else:
            fills.append(_ColumnFill(prop.key, column.key, NO_DEFAULT, False, column.primary_key))
    return tuple(fills)


def _fill_defaults(obj: Base, mapper: Mapper[Any]) -> dict[str, Any]:
    """Every column's value: as set on the object, else the column's Python default (also set on the object).

    The ORM sets these defaults on the object when it flushes; doing the same keeps the object the caller
    holds identical to one the ORM inserted (e.g. `summary()` reads `customer_name`, default ""). They go
    straight into the instance's state: `insert_object` marks every attribute committed right after, so
    the change events an instrumented `setattr` fires (~5 µs each, a dozen per session row) serve nothing.
    (No column of this project uses mutation tracking, which only an instrumented set would install.)
    """
    values: dict[str, Any] = {}
    given = inspect(obj).dict
    for fill in _column_fills(mapper):
        if fill.attribute in given:
            values[fill.column] = given[fill.attribute]
            continue
        if fill.default is NO_DEFAULT:
            if fill.primary_key:
                continue
            value = None
        else:
            # SQLAlchemy wraps a no-argument default to take an execution context, which it ignores.
            value = fill.default(None) if fill.callable_default else fill.default
        values[fill.column] = value
        given[fill.attribute] = value
    return values


async def insert_object(db: AsyncSession, obj: Base) -> None:
    """INSERT a new (transient) object as Core and attach it to `db`, persistent, with its primary key.

    Pending objects are flushed first, as the ORM's own flush would, so statement order is unchanged.
    Errors are the database's (`IntegrityError`), as from a flush. Only for single-column primary keys.
    The steps run in one `run_sync` (one greenlet switch instead of one per awaited session call).
    """
    await db.run_sync(insert_object_sync, obj)


def insert_object_sync(db: Session, obj: Base) -> None:
    """`insert_object` inside a synchronous unit of work (`store/units.py`)."""
    mapper = inspect(type(obj))
    values = _fill_defaults(obj, mapper)
    db.flush()
    outcome = execute_insert(db.connection(), _insert(mapper), values)
    (key_column,) = mapper.primary_key
    if key_column.key not in values:
        setattr(obj, mapper.get_property_by_column(key_column).key, outcome.new_id)
    make_transient_to_detached(obj)
    db.add(obj)
