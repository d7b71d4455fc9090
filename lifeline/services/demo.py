"""`lifeline demo seed`: a small organization to try Lifeline with, created once.

It goes through the same `do_*` actions as the Administration Center (so the
audit log shows it, as "System (CLI)"). Running it again changes nothing: the
demo master administrator's email marks an already-seeded database. The demo
accounts are not forced to change their password at first sign-in (their
passwords are printed and documented; this is a try-out organization), and
their passwords must still pass the current password policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.services.auth import find_user_by_email
from lifeline.services.org import admins, channels, tech_groups, technicians
from lifeline.services.org.common import CLI_ACTING
from lifeline.services.org.users import Profile
from lifeline.store.org import User

DEMO_PASSWORD = "Demo-Lifeline-42"  # Strong under §9: four classes, some repeats
MASTER_EMAIL = "master@demo.lifeline.test"
ADMIN_EMAIL = "admin@demo.lifeline.test"
GROUPS = {
    "First Line": [("Ada Tech", "ada@demo.lifeline.test"), ("Ben Tech", "ben@demo.lifeline.test")],
    "Second Line": [("Cleo Tech", "cleo@demo.lifeline.test"), ("Dan Tech", "dan@demo.lifeline.test")],
}
DEMO_CHANNELS = (1, 2)


@dataclass
class DemoLogin:
    role: str
    name: str
    email: str


@dataclass
class DemoResult:
    created: bool
    password: str = DEMO_PASSWORD
    logins: list[DemoLogin] = field(default_factory=list)


def _login(user: User) -> DemoLogin:
    return DemoLogin(role=user.role, name=user.name, email=user.email)


async def seed_demo(session: AsyncSession, bus: Bus | None, now: datetime) -> DemoResult:
    """Create the demo organization unless it exists; return its logins either way."""
    existing = await find_user_by_email(session, MASTER_EMAIL)
    if existing is not None:
        emails = [MASTER_EMAIL, ADMIN_EMAIL, *(email for members in GROUPS.values() for _, email in members)]
        users = [await find_user_by_email(session, email) for email in emails]
        return DemoResult(created=False, logins=[_login(u) for u in users if u is not None])
    act = CLI_ACTING
    master = await admins.do_create_admin(
        session,
        bus,
        role="master_admin",
        password=DEMO_PASSWORD,
        now=now,
        profile=Profile(name="Demo Master", email=MASTER_EMAIL),
        **act,
    )
    admin = await admins.do_create_admin(
        session,
        bus,
        role="admin",
        password=DEMO_PASSWORD,
        now=now,
        profile=Profile(name="Demo Admin", email=ADMIN_EMAIL),
        **act,
    )
    created: list[User] = [master, admin]
    group_ids = []
    for group_name, members in GROUPS.items():
        group = await tech_groups.do_create_tech_group(session, bus, name=group_name, **act)
        group_ids.append(group.id)
        for name, email in members:
            created.append(
                await technicians.do_create_technician(
                    session,
                    bus,
                    group_id=group.id,
                    profile=Profile(name=name, email=email, nickname=name.split()[0]),
                    password=DEMO_PASSWORD,
                    now=now,
                    **act,
                )
            )
    for channel_id in DEMO_CHANNELS:
        await channels.do_assign_channel(
            session, bus, channel_id, group_id=group_ids[0], assigned=True, **act
        )
    await admins.do_assign_admin(session, bus, admin.id, group_id=group_ids[0], assigned=True, **act)
    for user in created:
        user.must_change_password = False
    await session.commit()
    return DemoResult(created=True, logins=[_login(u) for u in created])
