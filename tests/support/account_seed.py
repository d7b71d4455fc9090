"""Test-only writer of accounts and settings, run as `python -m tests.support.account_seed '<json>'`.

It runs in a subprocess with the server's environment, so it writes to the
same database the server under test reads (SQLite file or PostgreSQL), and
uses the services layer where one exists (settings) so the values are
validated exactly as the Administration Center would validate them. The
caller is `tests/support/accounts.py`; each command prints one JSON result.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.config import Config
from lifeline.domain.authorization import Actor
from lifeline.domain.roles import Role
from lifeline.services.audit import AuditActor
from lifeline.services.auth import end_all_sessions
from lifeline.services.passwords import hash_password
from lifeline.services.settings import do_save_settings, get_setting
from lifeline.store.engine import Database
from lifeline.store.org import TechGroup, User
from lifeline.store.sessions import SupportSession
from lifeline.store.settings import GLOBAL_OWNER_ID

TEST_AUDIT_ACTOR = AuditActor(user_id=None, name="System (tests)")
SYSTEM_ACTOR = Actor(user_id=0, role=Role.MASTER_ACCOUNT_HOLDER)  # full rights, as the CLI acts


async def _user(session: AsyncSession, email: str) -> User:
    user = await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        raise SystemExit(f"no user {email}")
    return user


async def create_user(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    user = User(
        role=Role(args["role"]).value, name=args.get("name", args["email"]), email=args["email"].lower(),
        password_hash=hash_password(args["password"]), enabled=True,
        has_technician_seat=bool(args.get("has_technician_seat", False)),
        tech_group_id=args.get("tech_group_id"),
        must_change_password=bool(args.get("must_change_password", False)),
        password_changed_at=None,
    )
    session.add(user)
    await session.commit()
    return {"id": user.id}


async def create_tech_group(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    group = TechGroup(name=args["name"], parent_id=args.get("parent_id"))
    session.add(group)
    await session.commit()
    return {"id": group.id}


async def save_settings(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    owner_id = args.get("owner_id", GLOBAL_OWNER_ID)
    await do_save_settings(
        session, actor=SYSTEM_ACTOR, owner=args["owner"], owner_id=owner_id, values=args["values"],
        audit_actor=TEST_AUDIT_ACTOR,
    )
    return {"saved": sorted(args["values"])}


async def admin_set_password(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    """What an administrator's password reset does to the user row (§9: forced change per the setting)."""
    user = await _user(session, args["email"])
    user.password_hash = hash_password(args["password"])
    user.must_change_password = bool(await get_setting(session, "global", GLOBAL_OWNER_ID,
                                                       "admin_password_change_forces_reset"))
    await end_all_sessions(session, user.id)
    await session.commit()
    return {"must_change_password": user.must_change_password}


async def update_user(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    """Set plain columns (enabled, password_changed_at as ISO text, the 2SV reset flags)."""
    user = await _user(session, args["email"])
    for column, value in args["values"].items():
        if column == "password_changed_at" and value is not None:
            value = datetime.fromisoformat(value)
        setattr(user, column, value)
    await session.commit()
    return {"id": user.id}


async def read_user(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    user = await _user(session, args["email"])
    return {"id": user.id, "totp_enrolled": user.totp_enrolled, "totp_secret": user.totp_secret,
            "totp_last_step": user.totp_last_step, "must_change_password": user.must_change_password}


async def count_sessions(session: AsyncSession, args: dict[str, Any]) -> dict[str, Any]:
    """How many support sessions exist in any state: refused API calls must have made none."""
    return {"sessions": await session.scalar(select(func.count()).select_from(SupportSession))}


COMMANDS: dict[str, Callable[[AsyncSession, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "create_user": create_user,
    "create_tech_group": create_tech_group,
    "save_settings": save_settings,
    "admin_set_password": admin_set_password,
    "update_user": update_user,
    "read_user": read_user,
    "count_sessions": count_sessions,
}


async def run(command: dict[str, Any]) -> dict[str, Any]:
    database = Database(Config.from_env().database_url)
    try:
        async with database.session() as session:
            return await COMMANDS[command["command"]](session, command)
    finally:
        await database.dispose()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(json.loads(sys.argv[1])))))
