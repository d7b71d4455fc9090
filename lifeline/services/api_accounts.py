"""API accounts: create, update, regenerate the secret, delete (spec api-command §3.1, §3.4).

Only Master Administrators manage them (`Action.MANAGE_API_ACCOUNTS` in the §31
matrix): an API account with full Command API access can act on every
session, so it is an organization-wide key. The client secret is returned
once by `do_create_api_account` / `do_regenerate_secret` and only its hash is
kept. Regenerating the secret, disabling and deleting all invalidate the
account's tokens in the same transaction (seed L162, D-19), so a leaked token
dies the moment the administrator reacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.api.command_params import CommandPermission
from lifeline.api.oauth_tokens import hash_secret, new_client_id, new_client_secret
from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.errors import InvalidInput, NotFound
from lifeline.services.access import require
from lifeline.services.audit import AuditActor, record_audit, record_changes
from lifeline.services.events import publish_on_commit
from lifeline.store.api_accounts import API_NAME_MAX, ApiAccount, ApiToken

ENTITY = "API Account"
SECTION = "API Configuration"
#: Subject of `{"type": "api_account", "op": …, "id": …}` events; the real-time hub drops the
#: integrations of a revoked account when it hears one.
API_ACCOUNTS_SUBJECT = "api.accounts"

#: Boolean permissions, by the name the admin API and the CLI use.
FLAG_PERMISSIONS: Mapping[str, str] = {
    "reporting_support": "perm_reporting_support",
    "reporting_presentation": "perm_reporting_presentation",
    "reporting_license": "perm_reporting_license",
    "reporting_archive": "perm_reporting_archive",
    "backup": "perm_backup",
    "realtime": "perm_realtime",
    "configuration": "perm_config_api",
}
#: `command` accepts the wire words and the short ones the CLI offers.
COMMAND_LEVELS: Mapping[str, CommandPermission] = {
    "deny": CommandPermission.DENY,
    "none": CommandPermission.DENY,
    "read_only": CommandPermission.READ_ONLY,
    "full_access": CommandPermission.FULL_ACCESS,
    "full": CommandPermission.FULL_ACCESS,
}


@dataclass(frozen=True)
class NewSecret:
    """An account and its clear secret; the secret exists only in this object, once."""

    account: ApiAccount
    client_secret: str


def permissions_of(account: ApiAccount) -> dict[str, Any]:
    """The account's permissions under the admin API's names."""
    perms: dict[str, Any] = {"command": account.perm_command}
    perms.update({name: bool(getattr(account, column)) for name, column in FLAG_PERMISSIONS.items()})
    return perms


def describe(account: ApiAccount) -> dict[str, Any]:
    """What the admin API returns and the audit log compares (never the secret or its hash)."""
    return {
        "id": account.id, "name": account.name, "enabled": account.enabled, "client_id": account.client_id,
        "permissions": permissions_of(account), "created_at": account.created_at.isoformat(),
        "secret_rotated_at": account.secret_rotated_at.isoformat(),
    }


def _audit_fields(account: ApiAccount) -> dict[str, Any]:
    return {"Name": account.name, "Status": "Enabled" if account.enabled else "Disabled",
            **{f"Permission {k}": v for k, v in permissions_of(account).items()}}


def _clean_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise InvalidInput("Name must not be empty.", field="name")
    if len(text) > API_NAME_MAX or any(ord(c) < 32 for c in text):
        raise InvalidInput(f"Name must be at most {API_NAME_MAX} printable characters.", field="name")
    return text


def _apply_permissions(account: ApiAccount, permissions: Mapping[str, Any]) -> None:
    """Validate everything first, then write: a bad value changes nothing."""
    unknown = set(permissions) - {"command", *FLAG_PERMISSIONS}
    if unknown:
        raise InvalidInput(f"Unknown permission(s): {', '.join(sorted(unknown))}.", field="permissions")
    level: CommandPermission | None = None
    if "command" in permissions:
        level = COMMAND_LEVELS.get(str(permissions["command"]))
        if level is None:
            raise InvalidInput("command must be deny, read_only or full_access.", field="permissions.command")
    for name in FLAG_PERMISSIONS:
        if name in permissions and not isinstance(permissions[name], bool):
            raise InvalidInput(f"{name} must be true or false.", field=f"permissions.{name}")
    if level is not None:
        account.perm_command = level.value
    for name, column in FLAG_PERMISSIONS.items():
        if name in permissions:
            setattr(account, column, permissions[name])


async def revoke_tokens(session: AsyncSession, account_id: int) -> None:
    """Invalidate every token of the account (expired ones too: they are dead either way)."""
    await session.execute(
        update(ApiToken).where(ApiToken.account_id == account_id, ApiToken.revoked.is_(False)).values(revoked=True)
    )


async def _get(session: AsyncSession, account_id: int) -> ApiAccount:
    account = await session.get(ApiAccount, account_id)
    if account is None:
        raise NotFound(f"API account {account_id} not found.")
    return account


async def _commit(session: AsyncSession, bus: Bus | None, op: str, account_id: int) -> None:
    if bus is not None:
        publish_on_commit(session, bus, API_ACCOUNTS_SUBJECT, {"type": "api_account", "op": op, "id": account_id})
    await session.commit()


async def list_api_accounts(session: AsyncSession, *, actor: Actor) -> list[ApiAccount]:
    require(actor, Action.MANAGE_API_ACCOUNTS)
    return list((await session.scalars(select(ApiAccount).order_by(ApiAccount.id))).all())


async def get_api_account(session: AsyncSession, account_id: int, *, actor: Actor) -> ApiAccount:
    require(actor, Action.MANAGE_API_ACCOUNTS)
    return await _get(session, account_id)


async def do_create_api_account(
    session: AsyncSession,
    bus: Bus | None,
    *,
    name: str,
    enabled: bool = True,
    permissions: Mapping[str, Any] | None = None,
    now: datetime,
    actor: Actor,
    audit_actor: AuditActor,
) -> NewSecret:
    require(actor, Action.MANAGE_API_ACCOUNTS)
    secret = new_client_secret()
    account = ApiAccount(
        name=_clean_name(name), enabled=bool(enabled), client_id=new_client_id(), secret_hash=hash_secret(secret),
        perm_command=CommandPermission.DENY.value, created_at=now, secret_rotated_at=now,
        **dict.fromkeys(FLAG_PERMISSIONS.values(), False),
    )
    _apply_permissions(account, permissions or {})
    session.add(account)
    await session.flush()
    record_audit(session, audit_actor, entity_type=ENTITY, entity_id=account.id, entity_name=account.name,
                 change_type="Add", section=SECTION, new=_audit_fields(account))
    await _commit(session, bus, "add", account.id)
    return NewSecret(account, secret)


async def do_update_api_account(
    session: AsyncSession,
    bus: Bus | None,
    account_id: int,
    *,
    name: str | None = None,
    enabled: bool | None = None,
    permissions: Mapping[str, Any] | None = None,
    actor: Actor,
    audit_actor: AuditActor,
) -> ApiAccount:
    """Fields left `None` keep their value. Permissions apply to existing tokens at once (D-20)."""
    require(actor, Action.MANAGE_API_ACCOUNTS)
    account = await _get(session, account_id)
    before = _audit_fields(account)
    if name is not None:
        account.name = _clean_name(name)
    if permissions is not None:
        _apply_permissions(account, permissions)
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise InvalidInput("enabled must be true or false.", field="enabled")
        if account.enabled and not enabled:
            await revoke_tokens(session, account.id)  # D-19: a disabled account's tokens are refused
        account.enabled = enabled
    record_changes(session, audit_actor, entity_type=ENTITY, entity_id=account.id, entity_name=account.name,
                   section=SECTION, before=before, after=_audit_fields(account))
    await _commit(session, bus, "change", account.id)
    return account


async def do_regenerate_secret(
    session: AsyncSession,
    bus: Bus | None,
    account_id: int,
    *,
    now: datetime,
    actor: Actor,
    audit_actor: AuditActor,
) -> NewSecret:
    """New secret, old one refused from now on, every token invalidated in the same commit (L162)."""
    require(actor, Action.MANAGE_API_ACCOUNTS)
    account = await _get(session, account_id)
    secret = new_client_secret()
    account.secret_hash = hash_secret(secret)
    account.secret_rotated_at = now
    await revoke_tokens(session, account.id)
    record_audit(session, audit_actor, entity_type=ENTITY, entity_id=account.id, entity_name=account.name,
                 change_type="Change", section=SECTION, field="Client secret", detail="regenerated")
    await _commit(session, bus, "secret", account.id)
    return NewSecret(account, secret)


async def do_delete_api_account(
    session: AsyncSession,
    bus: Bus | None,
    account_id: int,
    *,
    actor: Actor,
    audit_actor: AuditActor,
) -> None:
    require(actor, Action.MANAGE_API_ACCOUNTS)
    account = await _get(session, account_id)
    record_audit(session, audit_actor, entity_type=ENTITY, entity_id=account.id, entity_name=account.name,
                 change_type="Delete", section=SECTION, old=_audit_fields(account))
    await session.delete(account)  # tokens go with it (ON DELETE CASCADE)
    await _commit(session, bus, "delete", account_id)
