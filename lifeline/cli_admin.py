"""`lifeline admin …` and `lifeline demo seed`: organization set-up from the command line.

Every command runs the same `do_*` action as the JSON API, as the System
actor (full rights) and audited as "System (CLI)". `--json` prints a machine-
readable answer; errors print the message and exit with status 1 (as JSON
with `--json`). Passwords can come from LIFELINE_NEW_PASSWORD instead of the
command line, which other local users could read from the process list.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus, make_bus
from lifeline.config import Config
from lifeline.domain.roles import Role
from lifeline.errors import LifelineError
from lifeline.services.context import system_clock
from lifeline.services.org import admins, channels, tech_groups, technicians
from lifeline.services.org.common import CLI_ACTING, SYSTEM_ACTOR
from lifeline.services.org.users import Profile
from lifeline.store.engine import Database
from lifeline.store.org import TechGroup, User

admin_app = typer.Typer(
    help="Create and list organization entries (acts as the System).", no_args_is_help=True
)
demo_app = typer.Typer(help="A demo organization to try Lifeline with.", no_args_is_help=True)

T = TypeVar("T")
JSON_OPT = typer.Option(False, "--json", help="Print JSON.")
PASSWORD_OPT = typer.Option(
    ...,
    envvar="LIFELINE_NEW_PASSWORD",
    prompt=True,
    hide_input=True,
    help="Initial password (or LIFELINE_NEW_PASSWORD).",
)
ACT = CLI_ACTING


def _run(work: Callable[[AsyncSession, Bus], Awaitable[T]], as_json: bool) -> T:
    """Open the database and bus, run one action, translate Lifeline errors into exit status 1."""

    async def main() -> T:
        config = Config.from_env()
        db = Database(config.database_url)
        bus = make_bus(config.bus_url, config.bus_prefix)
        await bus.start()
        try:
            async with db.session() as session:
                return await work(session, bus)
        finally:
            await bus.close()
            await db.dispose()

    try:
        return asyncio.run(main())
    except LifelineError as problem:
        if as_json:
            typer.echo(json.dumps(problem.as_dict()))
        else:
            typer.echo(f"error: {problem.message}", err=True)
        raise typer.Exit(1) from problem


def _emit(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, default=str) if as_json else text)


def _user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "role": user.role,
        "name": user.name,
        "email": user.email,
        "enabled": user.enabled,
        "tech_group_id": user.tech_group_id,
    }


def _create_admin(role: str, name: str, email: str, password: str, as_json: bool, **extra: Any) -> None:
    user = _run(
        lambda s, bus: admins.do_create_admin(
            s,
            bus,
            role=role,
            profile=Profile(name=name, email=email),
            password=password,
            now=system_clock(),
            **extra,
            **ACT,
        ),
        as_json,
    )
    _emit(_user(user), as_json, f"created {role} {user.id} <{user.email}>")


@admin_app.command("create-master-admin")
def create_master_admin(
    name: str = typer.Option(...),
    email: str = typer.Option(...),
    password: str = PASSWORD_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Create a Master Administrator (the first one is how a new server gets its administrator)."""
    _create_admin(Role.MASTER_ADMIN.value, name, email, password, as_json)


@admin_app.command("create-admin")
def create_admin(
    name: str = typer.Option(...),
    email: str = typer.Option(...),
    password: str = PASSWORD_OPT,
    admin_group_id: int | None = typer.Option(None),
    technician_seat: bool = typer.Option(False),
    as_json: bool = JSON_OPT,
) -> None:
    """Create an Administrator, optionally in an Administrator Group."""
    _create_admin(
        Role.ADMIN.value,
        name,
        email,
        password,
        as_json,
        admin_group_id=admin_group_id,
        has_technician_seat=technician_seat,
    )


@admin_app.command("create-tech-group")
def create_tech_group(
    name: str = typer.Option(...),
    parent_id: int | None = typer.Option(None),
    description: str = typer.Option(""),
    as_json: bool = JSON_OPT,
) -> None:
    """Create a Technician Group at the root or under --parent-id."""
    group = _run(
        lambda s, bus: tech_groups.do_create_tech_group(
            s, bus, name=name, parent_id=parent_id, description=description, **ACT
        ),
        as_json,
    )
    _emit(
        {"id": group.id, "name": group.name, "parent_id": group.parent_id},
        as_json,
        f"created Technician Group {group.id} {group.name!r}",
    )


@admin_app.command("create-technician")
def create_technician(
    group_id: int = typer.Option(...),
    name: str = typer.Option(...),
    email: str = typer.Option(...),
    password: str = PASSWORD_OPT,
    nickname: str = typer.Option(""),
    as_json: bool = JSON_OPT,
) -> None:
    """Create a technician in a Technician Group."""
    user = _run(
        lambda s, bus: technicians.do_create_technician(
            s,
            bus,
            group_id=group_id,
            profile=Profile(name=name, email=email, nickname=nickname),
            password=password,
            now=system_clock(),
            **ACT,
        ),
        as_json,
    )
    _emit(_user(user), as_json, f"created technician {user.id} <{user.email}>")


@admin_app.command("assign-channel")
def assign_channel(
    channel_id: int = typer.Option(...),
    group_id: int = typer.Option(...),
    unassign: bool = typer.Option(False),
    as_json: bool = JSON_OPT,
) -> None:
    """Assign a channel (1-10) to a Technician Group, or take it away with --unassign."""
    changed = _run(
        lambda s, bus: channels.do_assign_channel(
            s, bus, channel_id, group_id=group_id, assigned=not unassign, **ACT
        ),
        as_json,
    )
    _emit({"changed": changed}, as_json, "done" if changed else "already so")


@admin_app.command("assign-admin")
def assign_admin(
    admin_id: int = typer.Option(...),
    group_id: int = typer.Option(...),
    unassign: bool = typer.Option(False),
    as_json: bool = JSON_OPT,
) -> None:
    """Make an Administrator responsible for a Technician Group (and its sub-groups)."""
    _run(
        lambda s, bus: admins.do_assign_admin(
            s, bus, admin_id, group_id=group_id, assigned=not unassign, **ACT
        ),
        as_json,
    )
    _emit({"admin_id": admin_id, "group_id": group_id, "assigned": not unassign}, as_json, "done")


def _list_users(roles: tuple[str, ...], as_json: bool) -> None:
    async def load(session: AsyncSession, _bus: Bus) -> list[User]:
        return list(await session.scalars(select(User).where(User.role.in_(roles)).order_by(User.id)))

    users = _run(load, as_json)
    _emit(
        [_user(u) for u in users],
        as_json,
        "\n".join(
            f"{u.id}\t{u.role}\t{u.name}\t{u.email}\t{'enabled' if u.enabled else 'disabled'}" for u in users
        ),
    )


@admin_app.command("list-admins")
def list_admins(as_json: bool = JSON_OPT) -> None:
    """Every Master Account Holder, Master Administrator and Administrator."""
    _list_users(admins.ADMIN_ROLES, as_json)


@admin_app.command("list-technicians")
def list_technicians(as_json: bool = JSON_OPT) -> None:
    _list_users((Role.TECHNICIAN.value,), as_json)


@admin_app.command("list-tech-groups")
def list_tech_groups(as_json: bool = JSON_OPT) -> None:
    async def load(session: AsyncSession, _bus: Bus) -> list[TechGroup]:
        return list(await session.scalars(select(TechGroup).order_by(TechGroup.id)))

    groups = _run(load, as_json)
    rows = [{"id": g.id, "name": g.name, "parent_id": g.parent_id, "enabled": g.enabled} for g in groups]
    _emit(rows, as_json, "\n".join(f"{g['id']}\t{g['name']}\tparent={g['parent_id']}" for g in rows))


@admin_app.command("list-channels")
def list_channels(as_json: bool = JSON_OPT) -> None:
    rows = _run(lambda s, _bus: channels.list_channels(s, SYSTEM_ACTOR), as_json)
    data = [
        {"id": c.id, "number": c.number, "name": c.name, "tech_group_ids": groups} for c, groups, _ in rows
    ]
    _emit(data, as_json, "\n".join(f"{c['number']}\t{c['name']}\tgroups={c['tech_group_ids']}" for c in data))


@demo_app.command("seed")
def demo_seed(as_json: bool = JSON_OPT) -> None:
    """Create the demo organization once and print where and how to sign in."""
    from lifeline.services.demo import seed_demo

    result = _run(lambda s, bus: seed_demo(s, bus, system_clock()), as_json)
    base = Config.from_env().public_url
    urls = {
        "admin_center": f"{base}/admin",
        "technician_console": f"{base}/console",
        "sign_in": f"{base}/login",
    }
    lines = ["demo organization " + ("created" if result.created else "already present")]
    lines += [f"{name}: {url}" for name, url in urls.items()]
    lines += [f"{login.role:>14}  {login.email}  password: {result.password}" for login in result.logins]
    _emit({**asdict(result), "urls": urls}, as_json, "\n".join(lines))
