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


Handler = Callable[[CommandContext, Any], Awaitable[etree._Element]]
Handlers = Mapping[str, Handler]
