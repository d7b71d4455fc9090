"""Tree search: find a group, technician "or any other unit" by name or email (spec §1).

Searches the actor's own view of the tree (`tree.org_tree`), so it can never
reveal a node the tree would hide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Actor
from lifeline.errors import InvalidInput
from lifeline.services.org.tree import Node, org_tree

QUERY_MAX = 128
RESULTS_MAX = 100


def _walk(tree: Node) -> Iterator[tuple[str, Node, list[str]]]:
    """Every (kind, node, path of group names) in the tree."""

    def groups(
        nodes: list[Node], kind: str, members: str, member_kind: str, path: list[str]
    ) -> Iterator[Any]:
        for node in nodes:
            yield kind, node, path
            for member in node.get(members, []):
                yield member_kind, member, [*path, node["name"]]
            for cg in node.get("computer_groups", []):
                yield "computer_group", cg, [*path, node["name"]]
            yield from groups(node.get("children", []), kind, members, member_kind, [*path, node["name"]])

    yield from groups(tree["tech_groups"] or [], "tech_group", "technicians", "technician", [])
    yield from groups(tree["admin_groups"] or [], "admin_group", "administrators", "admin", [])
    for user in tree["master_admins"] or []:
        yield "master_admin", user, []
    for user in tree["ungrouped_admins"] or []:
        yield "admin", user, []
    for channel in tree["channels"] or []:
        yield "channel", channel, []
    yield from groups(tree["external_groups"] or [], "external_group", "members", "external_technician", [])


async def search_org(session: AsyncSession, actor: Actor, query: str) -> list[dict[str, Any]]:
    text = query.strip().lower() if isinstance(query, str) else ""
    if not text or len(text) > QUERY_MAX:
        raise InvalidInput(f"Search for 1 to {QUERY_MAX} characters.", field="q")
    found = []
    for kind, node, path in _walk(await org_tree(session, actor)):
        if text in str(node.get("name", "")).lower() or text in str(node.get("email", "")).lower():
            found.append(
                {
                    "kind": kind,
                    "id": node["id"],
                    "name": node["name"],
                    "email": node.get("email"),
                    "path": path,
                }
            )
            if len(found) >= RESULTS_MAX:
                break
    return found
