"""Column queries of a unit of work on the session's connection, without the ORM's statement layer.

`Session.execute` of a `select()` of columns (not entities) runs the ORM's compile state, loading
and result set-up: ~70 µs of CPU per query more than the same statement on the session's
connection, whose rows are identical (the column types' result processing is Core's). Two such
queries sit on `generate_session_key`'s hot path (docs/performance.md, Integration APIs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Result, Select
from sqlalchemy.orm import Session


def select_columns(db: Session, statement: Select[Any], params: Mapping[str, Any]) -> Result[Any]:
    """`db.execute(statement, params)` for a column query: pending changes are flushed first, as autoflush would."""
    db.flush()
    return db.connection().execute(statement, dict(params))
