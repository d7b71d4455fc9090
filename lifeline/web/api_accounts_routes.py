"""JSON admin API of the integration settings (Administration Center › API accounts).

- `/api/admin/api-accounts`: list, create (answers the client secret once),
  change name/status/permissions, regenerate the secret (answers it once),
  delete. Master Administrators only (`Action.MANAGE_API_ACCOUNTS`).
- `/api/admin/api-custom-attributes`: the `session.custom.<code_name>`
  attributes integrations may set (spec api-command §2.7).
- `/api/admin/unattended-shortcuts`: shortcuts imported by `import_jump_shortcut`.

Handlers are thin: parse, call the service, shape the answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field

from lifeline.domain.authorization import Action
from lifeline.services.access import require
from lifeline.services.api_accounts import (
    describe,
    do_create_api_account,
    do_delete_api_account,
    do_regenerate_secret,
    do_update_api_account,
    get_api_account,
    list_api_accounts,
)
from lifeline.services.audit import AuditActor
from lifeline.services.integration import attributes
from lifeline.services.integration.shortcuts import list_shortcuts
from lifeline.web.deps import DbDep, ServicesDep, SignedIn, SignedInDep

TAG = "api-accounts"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Permissions(_Body):
    command: str | None = Field(default=None, description="deny | read_only | full_access (also none | full)")
    reporting_support: bool | None = None
    reporting_presentation: bool | None = None
    reporting_license: bool | None = None
    reporting_archive: bool | None = None
    backup: bool | None = None
    realtime: bool | None = None
    configuration: bool | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class AccountCreate(_Body):
    name: str
    enabled: bool = True
    permissions: Permissions = Field(default_factory=Permissions)


class AccountUpdate(_Body):
    name: str | None = None
    enabled: bool | None = None
    permissions: Permissions | None = None


class AttributeCreate(_Body):
    code_name: str
    display_name: str


def audit_actor(signed: SignedIn) -> AuditActor:
    return AuditActor(user_id=signed.user.id, name=signed.user.name, ip=signed.ip)


async def list_accounts(db: DbDep, signed: SignedInDep) -> list[dict[str, Any]]:
    return [describe(a) for a in await list_api_accounts(db, actor=signed.actor)]


async def create_account(body: AccountCreate, db: DbDep, services: ServicesDep, signed: SignedInDep) -> dict[str, Any]:
    """Answers `client_secret` this once; only its hash is kept."""
    created = await do_create_api_account(
        db, services.bus, name=body.name, enabled=body.enabled, permissions=body.permissions.given(),
        now=services.now(), actor=signed.actor, audit_actor=audit_actor(signed))
    return {**describe(created.account), "client_secret": created.client_secret}


async def get_account(account_id: int, db: DbDep, signed: SignedInDep) -> dict[str, Any]:
    return describe(await get_api_account(db, account_id, actor=signed.actor))


async def update_account(account_id: int, body: AccountUpdate, db: DbDep, services: ServicesDep,
                         signed: SignedInDep) -> dict[str, Any]:
    account = await do_update_api_account(
        db, services.bus, account_id, name=body.name, enabled=body.enabled,
        permissions=body.permissions.given() if body.permissions else None,
        actor=signed.actor, audit_actor=audit_actor(signed))
    return describe(account)


async def regenerate_secret(account_id: int, db: DbDep, services: ServicesDep, signed: SignedInDep) -> dict[str, Any]:
    """A new secret, answered once; every token of the account stops working now."""
    renewed = await do_regenerate_secret(db, services.bus, account_id, now=services.now(), actor=signed.actor,
                                         audit_actor=audit_actor(signed))
    return {**describe(renewed.account), "client_secret": renewed.client_secret}


async def delete_account(account_id: int, db: DbDep, services: ServicesDep, signed: SignedInDep) -> dict[str, bool]:
    await do_delete_api_account(db, services.bus, account_id, actor=signed.actor, audit_actor=audit_actor(signed))
    return {"deleted": True}


async def list_attributes(db: DbDep, signed: SignedInDep) -> list[dict[str, Any]]:
    require(signed.actor, Action.MANAGE_API_ACCOUNTS)
    return [{"id": a.id, "code_name": a.code_name, "display_name": a.display_name}
            for a in await attributes.definitions(db)]


async def create_attribute(body: AttributeCreate, db: DbDep, signed: SignedInDep) -> dict[str, Any]:
    a = await attributes.do_define_attribute(db, code_name=body.code_name, display_name=body.display_name,
                                             actor=signed.actor, audit_actor=audit_actor(signed))
    return {"id": a.id, "code_name": a.code_name, "display_name": a.display_name}


async def delete_attribute(attribute_id: int, db: DbDep, signed: SignedInDep) -> dict[str, bool]:
    await attributes.do_delete_attribute(db, attribute_id, actor=signed.actor, audit_actor=audit_actor(signed))
    return {"deleted": True}


async def list_unattended_shortcuts(db: DbDep, signed: SignedInDep,
                                    computer_group_id: int | None = None) -> list[dict[str, Any]]:
    require(signed.actor, Action.MANAGE_COMPUTERS)
    return [{"id": s.id, "computer_group_id": s.computer_group_id, "kind": s.kind, "name": s.name,
             "hostname": s.hostname, "tag": s.tag, "comments": s.comments, "port": s.port, "options": s.options,
             "created_at": s.created_at.isoformat()}
            for s in await list_shortcuts(db, computer_group_id)]


def include_routes(app: FastAPI) -> None:
    router = APIRouter(prefix="/api/admin", tags=[TAG])
    router.add_api_route("/api-accounts", list_accounts, methods=["GET"])
    router.add_api_route("/api-accounts", create_account, methods=["POST"], status_code=201)
    router.add_api_route("/api-accounts/{account_id}", get_account, methods=["GET"])
    router.add_api_route("/api-accounts/{account_id}", update_account, methods=["PATCH"])
    router.add_api_route("/api-accounts/{account_id}/regenerate-secret", regenerate_secret, methods=["POST"])
    router.add_api_route("/api-accounts/{account_id}", delete_account, methods=["DELETE"])
    router.add_api_route("/api-custom-attributes", list_attributes, methods=["GET"])
    router.add_api_route("/api-custom-attributes", create_attribute, methods=["POST"], status_code=201)
    router.add_api_route("/api-custom-attributes/{attribute_id}", delete_attribute, methods=["DELETE"])
    router.add_api_route("/unattended-shortcuts", list_unattended_shortcuts, methods=["GET"])
    app.include_router(router)
