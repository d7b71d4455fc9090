"""What every Command API handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.services.context import Services
from lifeline.store.api_accounts import ApiAccount


@dataclass
class CommandContext:
    """The request's account and clock, and an `AsyncSession` opened only if the handler uses `db`.

    The hot handlers (`generate_session_key`, `get_logged_in_reps`) run units and batched reads of
    their own (`Database.run_unit`, `Database.read`) and never touch `db`; creating, committing and
    closing a session they never used cost ~50 µs of CPU per call. `close` must follow (the endpoint does).
    """

    services: Services
    account: ApiAccount
    hostname: str  # this installation's public hostname (the only public site)
    now: datetime
    _db: AsyncSession | None = field(default=None, init=False, repr=False)

    @property
    def db(self) -> AsyncSession:
        if self._db is None:
            self._db = self.services.db.sessionmaker()
        return self._db

    async def release_connection(self) -> None:
        """End the request's read transaction before a unit of work (`Database.run_unit`) takes its own.

        A unit runs on a connection of its own: a handler still holding the request's connection while
        waiting for a second one could starve the pool when every request in the writer queue did the
        same. Committing (not rolling back) keeps what the request loaded readable.
        """
        if self._db is not None:
            await self._db.commit()

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()


Handler = Callable[[CommandContext, Any], Awaitable[etree._Element]]
Handlers = Mapping[str, Handler]
