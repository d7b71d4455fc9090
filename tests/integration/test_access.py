"""services.access against a real (migrated) database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lifeline.domain.authorization import Action, decide, visible_admin_tabs
from lifeline.domain.roles import Role
from lifeline.services.access import load_actor
from lifeline.store.engine import Database
from lifeline.store.migrate import upgrade
from lifeline.store.org import AdminAssignment, AdminGroup, TechGroup, User


async def test_member_of_disabled_admin_group_keeps_no_admin_rights(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'access.db'}"
    await asyncio.to_thread(upgrade, url)  # Alembic's env runs its own event loop
    db = Database(url)
    try:
        async with db.session() as session:
            group = TechGroup(name="Support")
            admins = AdminGroup(name="Night shift", rights_mode="restricted", grants=["reports"], enabled=False)
            session.add_all([group, admins])
            await session.flush()
            admin = User(role=Role.ADMIN.value, name="Ada", email="ada@example.com", admin_group_id=admins.id)
            session.add(admin)
            await session.flush()
            session.add(AdminAssignment(admin_id=admin.id, tech_group_id=group.id))
            await session.commit()

            actor = await load_actor(session, admin)

            assert visible_admin_tabs(actor) == []
            assert not decide(actor, Action.EDIT_TECH_GROUP, group_id=group.id)
            assert not decide(actor, Action.MANAGE_TECHNICIANS, group_id=group.id)
            assert not decide(actor, Action.VIEW_REPORTS)
    finally:
        await db.dispose()
