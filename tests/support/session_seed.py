"""Test-only writer for session set-ups the admin API does not cover yet, run like account_seed.

`python -m tests.support.session_seed '<json>'` in the server's environment:
channel assignments and exclusions, raw permission rows, the Post-to-URL
setting, channel tokens, and event counts and stored presence for assertions.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.config import Config
from lifeline.domain.post_to_url_config import parse_post_to_url_config
from lifeline.store.engine import Database
from lifeline.store.org import Channel, ChannelAssignment, ChannelExclusion
from lifeline.store.sessions import PostToUrlDelivery, SessionEvent, SupportSession, TechnicianPresence
from lifeline.store.settings import PermissionValue, SettingValue


async def assign_channel(db: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    db.add(ChannelAssignment(channel_id=args["channel_id"], tech_group_id=args["group_id"]))
    await db.commit()
    token = await db.scalar(select(Channel.public_token).where(Channel.id == args["channel_id"]))
    return {"public_token": token}


async def exclude(db: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    db.add(ChannelExclusion(channel_id=args["channel_id"], technician_id=args["technician_id"]))
    await db.commit()
    return {"ok": True}


async def set_permission(db: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    db.add(PermissionValue(tech_group_id=args["group_id"], key=args["key"], allowed=args["allowed"],
                           option=args.get("option"), targets=args.get("targets"), locked=False))
    await db.commit()
    return {"ok": True}


async def set_post_to_url(db: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    value = parse_post_to_url_config(args["value"]).as_value()
    db.add(SettingValue(owner_type="tech_group", owner_id=args["group_id"], key="post_to_url", value=value))
    await db.commit()
    return {"ok": True}


async def count_events(db: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    session_id = await db.scalar(select(SupportSession.id).where(SupportSession.lsid == args["lsid"]))
    rows = (await db.execute(
        select(SessionEvent.type, SessionEvent.op, SessionEvent.data).where(SessionEvent.session_id == session_id)
        .order_by(SessionEvent.id))).all()
    deliveries = (await db.scalar(
        select(func.count()).select_from(PostToUrlDelivery).where(PostToUrlDelivery.session_id == session_id)))
    return {"events": [[t, o, d.get("status"), d.get("close_reason")] for t, o, d in rows], "deliveries": deliveries}


async def presence(db: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    """The stored effective status, read without counting as the technician's console activity."""
    row = await db.get(TechnicianPresence, args["technician_id"])
    return {"status": row.status if row else None,
            "logged_in": bool(row and row.logged_in_at is not None)}


COMMANDS: dict[str, Callable[[AsyncSession, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "assign_channel": assign_channel, "exclude": exclude, "set_permission": set_permission,
    "set_post_to_url": set_post_to_url, "count_events": count_events, "presence": presence,
}


async def run(command: dict[str, Any]) -> dict[str, Any]:
    database = Database(Config.from_env().database_url)
    try:
        async with database.session() as db:
            return await COMMANDS[command["command"]](db, command)
    finally:
        await database.dispose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(sys.argv[1])))))
