"""GET /api/admin/tree and /api/admin/search: the Organization Tree the caller may see, and search in it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel

from lifeline.services.org.search import QUERY_MAX, search_org
from lifeline.services.org.tree import org_tree
from lifeline.web.admin_api.common import Out, TreeTab
from lifeline.web.deps import DbDep


class UserNode(BaseModel):
    id: int
    name: str
    email: str
    enabled: bool
    role: str
    has_technician_seat: bool | None = None


class ComputerGroupNode(BaseModel):
    id: int
    name: str
    enabled: bool


class TechGroupNode(BaseModel):
    id: int
    name: str
    description: str
    enabled: bool
    parent_id: int | None
    member_count: int
    manageable: bool
    assigned_admin_ids: list[int]
    technicians: list[UserNode]
    computer_groups: list[ComputerGroupNode]
    children: list[TechGroupNode]


class AdminGroupNode(BaseModel):
    id: int
    name: str
    description: str
    enabled: bool
    parent_id: int | None
    rights_mode: str
    grants: list[str]
    command_center_only: bool
    member_count: int
    administrators: list[UserNode]
    children: list[AdminGroupNode]


class ChannelNode(BaseModel):
    id: int
    number: int
    name: str
    description: str
    tech_group_ids: list[int]
    configurable: bool


class ExternalMemberNode(BaseModel):
    id: int
    name: str
    email: str
    enabled: bool


class ExternalGroupNode(BaseModel):
    id: int
    name: str
    description: str
    enabled: bool
    member_count: int
    members: list[ExternalMemberNode]


class TreeOut(Out):
    """Sections the caller may not see are null."""

    master_admins: list[UserNode] | None
    admin_groups: list[AdminGroupNode] | None
    ungrouped_admins: list[UserNode] | None
    tech_groups: list[TechGroupNode] | None
    channels: list[ChannelNode] | None
    external_groups: list[ExternalGroupNode] | None


class SearchHit(Out):
    kind: str
    id: int
    name: str
    email: str | None
    path: list[str]


async def read_tree(signed: TreeTab, db: DbDep) -> TreeOut:
    return TreeOut.model_validate(await org_tree(db, signed.actor))


async def search(
    signed: TreeTab, db: DbDep, q: Annotated[str, Query(min_length=1, max_length=QUERY_MAX)]
) -> list[SearchHit]:
    return [SearchHit.model_validate(hit) for hit in await search_org(db, signed.actor, q)]
