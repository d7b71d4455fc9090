"""`lifeline admin api-account create|list|regenerate`: integration accounts from the command line.

Runs the same actions as `/api/admin/api-accounts`, as the System actor and
audited as "System (CLI)". The client secret is printed once, at create and
regenerate; it cannot be shown again.
"""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.cli_admin import ACT, JSON_OPT, _emit, _run
from lifeline.services.api_accounts import (
    FLAG_PERMISSIONS,
    describe,
    do_create_api_account,
    do_regenerate_secret,
    list_api_accounts,
)
from lifeline.services.context import system_clock

api_account_app = typer.Typer(help="OAuth2 API accounts of the integration APIs.", no_args_is_help=True)


ALLOW_HELP = f"Other APIs to allow, repeatable: {', '.join(FLAG_PERMISSIONS)}."


@api_account_app.command("create")
def create(
    name: str = typer.Option(..., help="Account name."),
    command: str = typer.Option("read_only", help="Command API: none | read_only | full."),
    allow: list[str] = typer.Option([], help=ALLOW_HELP),
    disabled: bool = typer.Option(False, help="Create it disabled."),
    as_json: bool = JSON_OPT,
) -> None:
    """Create an account and print its client id and (once) its secret."""
    permissions: dict[str, Any] = {"command": command, **dict.fromkeys(allow, True)}

    async def work(session: AsyncSession, bus: Bus) -> dict[str, Any]:
        created = await do_create_api_account(session, bus, name=name, enabled=not disabled,
                                              permissions=permissions, now=system_clock(), **ACT)
        return {**describe(created.account), "client_secret": created.client_secret}

    data = _run(work, as_json)
    _emit(data, as_json, f"API account {data['id']} {data['name']}\nclient_id: {data['client_id']}\n"
                         f"client_secret: {data['client_secret']}\n(the secret is shown only now)")


@api_account_app.command("list")
def list_(as_json: bool = JSON_OPT) -> None:
    """List accounts with their permissions (never their secrets)."""

    async def work(session: AsyncSession, bus: Bus) -> list[dict[str, Any]]:
        return [describe(a) for a in await list_api_accounts(session, actor=ACT["actor"])]

    rows = _run(work, as_json)
    text = "\n".join(f"{r['id']}\t{r['name']}\t{'enabled' if r['enabled'] else 'disabled'}\t{r['client_id']}\t"
                     f"command={r['permissions']['command']}" for r in rows) or "no API accounts"
    _emit(rows, as_json, text)


@api_account_app.command("regenerate")
def regenerate(account_id: int = typer.Argument(..., help="Account id."), as_json: bool = JSON_OPT) -> None:
    """Regenerate the client secret; every token of the account stops working at once."""

    async def work(session: AsyncSession, bus: Bus) -> dict[str, Any]:
        renewed = await do_regenerate_secret(session, bus, account_id, now=system_clock(), **ACT)
        return {**describe(renewed.account), "client_secret": renewed.client_secret}

    data = _run(work, as_json)
    _emit(data, as_json, f"client_id: {data['client_id']}\nclient_secret: {data['client_secret']}\n"
                         "(the secret is shown only now; the old secret and its tokens no longer work)")
