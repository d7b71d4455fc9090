"""Pure walks over a parent map: sub-trees, ancestor chains and legal moves.

Technician Groups and Administrator Groups nest (spec §1, §3, §4). Admins are
assigned to a group and, by our reading of gap §32.5, to its whole sub-tree;
"Apply to subgroups" copies settings to every descendant (§28); drag-and-drop
re-parents a group, which must never create a cycle. All of that needs the
same three walks, done here once over a plain ``{node_id: parent_id}`` map
(``None`` = directly under the root) so the store can load the map in one
query and the rules stay testable without a database.

The functions refuse data that already contains a cycle instead of looping
forever: a corrupt map is reported as :class:`InvalidInput` naming the node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lifeline.errors import InvalidInput

ParentMap = Mapping[int, int | None]


def _require_known(node_id: int, parent_of: ParentMap, what: str) -> None:
    if node_id not in parent_of:
        raise InvalidInput(f"Unknown {what} {node_id}.", field=what.replace(" ", "_"))


def children_map(parent_of: ParentMap) -> dict[int | None, list[int]]:
    """Invert the parent map: parent id (``None`` = root) to its sorted child ids."""
    children: dict[int | None, list[int]] = {}
    for node, parent in parent_of.items():
        children.setdefault(parent, []).append(node)
    for kids in children.values():
        kids.sort()
    return children


def ancestors(node_id: int, parent_of: ParentMap) -> list[int]:
    """The chain of parents of ``node_id``, nearest first, root-level group last.

    The node itself is not included. Raises :class:`InvalidInput` for an unknown
    node, a parent that is not in the map, or a cycle in the data.
    """
    _require_known(node_id, parent_of, "node")
    chain: list[int] = []
    seen = {node_id}
    parent = parent_of[node_id]
    while parent is not None:
        if parent in seen:
            raise InvalidInput(f"The tree contains a cycle through node {parent}.", field="parent_id")
        if parent not in parent_of:
            raise InvalidInput(f"Node {chain[-1] if chain else node_id} has an unknown parent {parent}.")
        chain.append(parent)
        seen.add(parent)
        parent = parent_of[parent]
    return chain


def descendants(root_id: int, parent_of: ParentMap) -> list[int]:
    """Every node below ``root_id`` (not ``root_id`` itself), breadth first, children sorted."""
    _require_known(root_id, parent_of, "node")
    children = children_map(parent_of)
    found: list[int] = []
    seen = {root_id}
    frontier = [root_id]
    while frontier:
        next_frontier: list[int] = []
        for node in frontier:
            for child in children.get(node, ()):
                if child in seen:
                    raise InvalidInput(f"The tree contains a cycle through node {child}.", field="parent_id")
                seen.add(child)
                found.append(child)
                next_frontier.append(child)
        frontier = next_frontier
    return found


def subtree(root_id: int, parent_of: ParentMap) -> frozenset[int]:
    """``root_id`` together with all its descendants."""
    return frozenset([root_id, *descendants(root_id, parent_of)])


def expand_subtrees(root_ids: Iterable[int], parent_of: ParentMap) -> frozenset[int]:
    """The union of the sub-trees of ``root_ids``.

    This is what an Administrator's ``assigned_group_ids`` should be before it
    reaches :mod:`lifeline.domain.authorization`: assignment to a group covers
    its sub-groups (gap §32.5). Ids no longer in the map (a group deleted since
    the assignment was read) are skipped rather than rejected.
    """
    result: set[int] = set()
    for root in root_ids:
        if root in parent_of and root not in result:
            result |= subtree(root, parent_of)
    return frozenset(result)


def check_move(node_id: int, new_parent_id: int | None, parent_of: ParentMap) -> None:
    """Raise :class:`InvalidInput` unless ``node_id`` may be re-parented under ``new_parent_id``.

    ``None`` moves the node to the root. A node may not move under itself or
    under any of its descendants, since that would detach a loop from the tree.
    Moving to the current parent is allowed (a no-op).
    """
    _require_known(node_id, parent_of, "node")
    if new_parent_id is None:
        return
    _require_known(new_parent_id, parent_of, "new parent")
    if new_parent_id == node_id:
        raise InvalidInput(f"Group {node_id} cannot be moved under itself.", field="parent_id")
    if new_parent_id in descendants(node_id, parent_of):
        raise InvalidInput(
            f"Group {node_id} cannot be moved under its own sub-group {new_parent_id}.", field="parent_id"
        )


def depth(node_id: int, parent_of: ParentMap) -> int:
    """0 for a root-level node, 1 for its children, and so on."""
    return len(ancestors(node_id, parent_of))
