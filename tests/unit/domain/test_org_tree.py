from __future__ import annotations

import pytest

from lifeline.domain.org_tree import (
    ancestors,
    check_move,
    children_map,
    depth,
    descendants,
    expand_subtrees,
    subtree,
)
from lifeline.errors import InvalidInput

#        1           5
#       / \          |
#      2   3         6
#      |
#      4
TREE: dict[int, int | None] = {1: None, 2: 1, 3: 1, 4: 2, 5: None, 6: 5}


def test_children_map():
    assert children_map(TREE) == {None: [1, 5], 1: [2, 3], 2: [4], 5: [6]}


def test_descendants_breadth_first_excluding_root():
    assert descendants(1, TREE) == [2, 3, 4]
    assert descendants(4, TREE) == []


def test_subtree_includes_root():
    assert subtree(2, TREE) == {2, 4}


def test_ancestors_nearest_first():
    assert ancestors(4, TREE) == [2, 1]
    assert ancestors(1, TREE) == []
    assert depth(4, TREE) == 2


def test_expand_subtrees_unions_and_skips_deleted_groups():
    assert expand_subtrees([2, 5, 99], TREE) == {2, 4, 5, 6}
    assert expand_subtrees([], TREE) == frozenset()


@pytest.mark.parametrize(("node", "parent"), [(4, 3), (3, 2), (2, None), (6, 1), (2, 1), (1, 5)])
def test_legal_moves(node, parent):
    check_move(node, parent, TREE)


def test_move_under_itself_is_refused():
    with pytest.raises(InvalidInput, match="under itself"):
        check_move(2, 2, TREE)


@pytest.mark.parametrize(("node", "parent"), [(1, 2), (1, 4), (2, 4)])
def test_move_under_own_descendant_is_refused(node, parent):
    with pytest.raises(InvalidInput, match="own sub-group"):
        check_move(node, parent, TREE)


def test_unknown_nodes_are_refused():
    with pytest.raises(InvalidInput):
        check_move(42, 1, TREE)
    with pytest.raises(InvalidInput):
        check_move(1, 42, TREE)
    with pytest.raises(InvalidInput):
        descendants(42, TREE)
    with pytest.raises(InvalidInput):
        ancestors(42, TREE)


def test_cycles_in_stored_data_are_reported_not_looped():
    corrupt = {1: 2, 2: 1, 3: None}
    with pytest.raises(InvalidInput, match="cycle"):
        ancestors(1, corrupt)


def test_self_parent_in_stored_data_is_reported():
    with pytest.raises(InvalidInput, match="cycle"):
        ancestors(7, {7: 7})
    with pytest.raises(InvalidInput, match="cycle"):
        descendants(7, {7: 7})


def test_dangling_parent_is_reported():
    with pytest.raises(InvalidInput, match="unknown parent"):
        ancestors(1, {1: 9})
