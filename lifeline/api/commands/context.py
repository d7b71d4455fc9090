"""What every Command API handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.services.context import Services
from lifeline.store.api_accounts import ApiAccount


@dataclass(frozen=True)
class CommandContext:
    services: Services
    db: AsyncSession
    account: ApiAccount
    hostname: str  # this installation's public hostname (the only public site)
    now: datetime

    async def release_connection(self) -> None:
        """End the request's read transaction before a unit of work (`Database.run_unit`) takes its own.

        A unit runs on a connection of its own: a handler still holding the request's connection while
        waiting for a second one could starve the pool when every request in the writer queue did the
        same. Committing (not rolling back) keeps what the request loaded, such as `account`, readable.
        """
        await self.db.commit()


Handler = Callable[[CommandContext, Any], Awaitable[etree._Element]]
Handlers = Mapping[str, Handler]
