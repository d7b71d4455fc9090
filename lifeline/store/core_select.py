"""Column queries of a unit of work on the session's connection, without the ORM's statement layer.

Also the hot path's one entity, the API account of a bearer token, read as columns (`detached`).

`Session.execute` of a `select()` of columns (not entities) runs the ORM's compile state, loading
and result set-up: ~70 µs of CPU per query more than the same statement on the session's
connection, whose rows are identical (the column types' result processing is Core's). Two such
queries sit on `generate_session_key`'s hot path (docs/performance.md, Integration APIs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Result, Select, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from lifeline.store.base import Base

E = TypeVar("E", bound=Base)


def select_columns(db: Session, statement: Select[Any], params: Mapping[str, Any]) -> Result[Any]:
    """`db.execute(statement, params)` for a column query; pending changes flushed first, as by autoflush."""
    db.flush()
    return db.connection().execute(statement, dict(params))


def entity_columns(model: type[Base]) -> list[Any]:
    """The model's mapped columns labelled with their attribute names: the query `detached` reads."""
    return [prop.columns[0].label(prop.key) for prop in inspect(model).column_attrs]


def detached(model: type[E], row: Mapping[str, Any]) -> E:
    """The instance a session would have loaded from `row` (an `entity_columns` query) and then closed over.

    Loading an entity through the ORM (identity map, loader state) cost ~3× building it from a column
    row; the result is the same detached, clean object, so nothing later can tell them apart.
    """
    obj = model(**{prop.key: row[prop.key] for prop in inspect(model).column_attrs})
    make_transient_to_detached(obj)
    return obj
