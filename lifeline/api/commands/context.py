"""What every Command API handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

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


P = TypeVar("P")
R = TypeVar("R")

#: A unit of work (`Database.run_unit`) that takes the calling account as well as the session.
AccountWork = Callable[[Session, ApiAccount], R]


@dataclass(frozen=True)
class AccountUnit(Generic[P, R]):
    """An action whose whole work is one unit of work for the calling account, then an answer built from
    its result: `command_endpoint` can then check the bearer token inside that same unit (one hop and one
    transaction on SQLite instead of a read first), and the action's handler runs it for `ctx.account`.

    `prepare(services, hostname, now, params)` makes the checks that need no database (raising
    `CommandApiError`) and returns the work; `answer(result)` is the XML answer.
    """

    prepare: Callable[[Services, str, datetime, P], AccountWork[R]]
    answer: Callable[[R], etree._Element]
