"""The server processes of this installation, for `get_appliances`, `check_health` and `/check_health`.

Each `lifeline serve` process upserts its `server_nodes` row at start-up and
refreshes `last_seen_at` every `HEARTBEAT_S`; a node not seen for
`NODE_STALE_S` is considered gone (crashed or stopped), and a clean shutdown
deletes its row at once. The table is the cluster membership: every node
reads the same database, so every node answers `get_appliances` alike.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline import __version__
from lifeline.services.context import Services
from lifeline.store.api_accounts import ServerNode

log = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
NODE_STALE_S = 3 * HEARTBEAT_S  # three missed heartbeats
#: Namespace of node GUIDs: a node keeps its GUID across restarts as long as it keeps its name.
NODE_GUID_NAMESPACE = uuid.UUID("6f1c0f53-3a4e-4d3b-9d43-2b6f7b0b8c11")


def node_guid(node_name: str) -> str:
    return uuid.uuid5(NODE_GUID_NAMESPACE, node_name).hex


def public_hostname(services: Services) -> str:
    return urlsplit(services.config.public_url).hostname or services.config.host


async def register_node(services: Services) -> None:
    async with services.db.session() as db:
        now = services.now()
        row = await db.scalar(select(ServerNode).where(ServerNode.name == services.config.node_name))
        if row is None:
            row = ServerNode(name=services.config.node_name, guid=node_guid(services.config.node_name))
            db.add(row)
        row.public_hostname = public_hostname(services)
        row.version = __version__
        row.started_at = now
        row.last_seen_at = now
        await db.commit()


async def heartbeat_forever(services: Services) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_S)
        try:
            await register_node(services)
        except SQLAlchemyError as exc:  # the database is down: check_health reports it, keep trying
            log.warning("node heartbeat failed: %s", exc)


async def unregister_node(services: Services) -> None:
    async with services.db.session() as db:
        await db.execute(delete(ServerNode).where(ServerNode.name == services.config.node_name))
        await db.commit()


async def live_nodes(db: AsyncSession, now: datetime) -> list[ServerNode]:
    """Nodes seen recently, oldest start first (the first one is the cluster's master)."""
    return list((await db.scalars(
        select(ServerNode).where(ServerNode.last_seen_at >= now - timedelta(seconds=NODE_STALE_S))
        .order_by(ServerNode.started_at, ServerNode.id)
    )).all())


@dataclass(frozen=True)
class Health:
    ok: bool
    problem: str | None


async def check_health(services: Services) -> Health:
    """Healthy iff the database answers. The bus is checked by whoever uses it (it reconnects itself)."""
    try:
        async with services.db.session() as db:
            await db.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        return Health(False, f"The database is unreachable: {type(exc).__name__}")
    return Health(True, None)


class NodeHeartbeat:
    """Start-up/shutdown hooks that keep this node's row fresh."""

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None

    async def start(self, services: Services) -> None:
        await register_node(services)
        self.task = asyncio.create_task(heartbeat_forever(services))

    async def stop(self, services: Services) -> None:
        if self.task is not None:
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task
        with suppress(SQLAlchemyError):
            await unregister_node(services)
