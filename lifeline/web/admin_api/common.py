"""What every admin API handler shares: request bodies, the tab gate, the audit name of the caller.

Every handler is thin: parse (pydantic, with the same limits as the store),
gate on the Administration Center tab the endpoint belongs to (a restricted
administrator gets 403 for tabs not granted), call the service, respond.
Object-level checks (assigned groups, 404 for the not-allowed) are the
services' job, so the CLI gets them too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypedDict

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field

from lifeline.domain.authorization import Actor
from lifeline.domain.roles import AdminTab
from lifeline.services.audit import AuditActor
from lifeline.services.org.common import require_tab
from lifeline.store.org import DESCRIPTION_MAX, EMAIL_MAX, NAME_MAX
from lifeline.web.deps import SignedIn, SignedInDep

PASSWORD_MAX = 256

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX)]
Email = Annotated[str, Field(min_length=3, max_length=EMAIL_MAX)]
Password = Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Body(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error instead of a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Changed(Out):
    changed: bool


def audit_actor(signed: SignedIn) -> AuditActor:
    return AuditActor(user_id=signed.user.id, name=signed.user.name, ip=signed.ip)


class Acting(TypedDict):
    actor: Actor
    audit_actor: AuditActor


def acting(signed: SignedIn) -> Acting:
    """The caller as every `do_*` action takes it (who decides, who is audited): `**acting(signed)`."""
    return {"actor": signed.actor, "audit_actor": audit_actor(signed)}


def tab_gate(*tabs: AdminTab) -> Callable[[SignedIn], Awaitable[SignedIn]]:
    """A dependency that signs the caller in and checks that one of `tabs` is theirs."""

    async def gate(signed: SignedInDep) -> SignedIn:
        require_tab(signed.actor, *tabs)
        return signed

    return gate


OrgTab = Annotated[SignedIn, Depends(tab_gate(AdminTab.ORGANIZATION))]
TreeTab = Annotated[SignedIn, Depends(tab_gate(AdminTab.ORGANIZATION, AdminTab.CHANNELS))]
ChannelsTab = Annotated[SignedIn, Depends(tab_gate(AdminTab.CHANNELS))]
ComputersTab = Annotated[SignedIn, Depends(tab_gate(AdminTab.COMPUTERS, AdminTab.ORGANIZATION))]
ImportTab = Annotated[SignedIn, Depends(tab_gate(AdminTab.ORGANIZATION, AdminTab.ACCOUNT))]
AuditTab = Annotated[SignedIn, Depends(tab_gate(AdminTab.REPORTS))]
