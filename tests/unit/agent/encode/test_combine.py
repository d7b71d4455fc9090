"""PASS 3: cost-based merging (lifeline/agent/encode/passes/combine.py)."""

from __future__ import annotations

from lifeline.agent.encode.passes.combine import combine, should_combine
from lifeline.agent.encode.plan import Box, Op, OpKind


def _img(col: int, row: int = 0) -> Op:
    return Op(OpKind.IMAGE, Box(col * 64, row * 64, 64, 64))


def test_adjacent_cells_in_a_row_merge_into_a_band() -> None:
    assert [op.box for op in combine([_img(0), _img(1), _img(2)])] == [Box(0, 0, 192, 64)]


def test_one_cell_gap_merges_but_distant_cells_do_not() -> None:
    assert should_combine(Box(0, 0, 64, 64), Box(128, 0, 64, 64))
    assert not should_combine(Box(0, 0, 64, 64), Box(640, 0, 64, 64))
    assert len(combine([_img(0), _img(10)])) == 2


def test_stacked_bands_with_the_same_span_merge() -> None:
    ops = combine([_img(0, 0), _img(1, 0), _img(0, 1), _img(1, 1)])
    assert [op.box for op in ops] == [Box(0, 0, 128, 128)]


def test_fills_merge_only_with_the_same_colour_and_stay_before_images() -> None:
    red = [Op(OpKind.FILL, Box(c * 64, 0, 64, 64), rgb=(255, 0, 0)) for c in range(2)]
    blue = Op(OpKind.FILL, Box(128, 0, 64, 64), rgb=(0, 0, 255))
    copy = Op(OpKind.COPY, Box(0, 64, 64, 64), src=(0, 128))
    ops = combine([_img(5), *red, blue, copy])
    assert [op.kind for op in ops] == [OpKind.COPY, OpKind.FILL, OpKind.FILL, OpKind.IMAGE]
    assert ops[1].box == Box(0, 0, 128, 64) and ops[1].rgb == (255, 0, 0)


def test_lossless_refresh_ops_do_not_merge_with_ordinary_ones() -> None:
    lossless = Op(OpKind.IMAGE, Box(64, 0, 64, 64), lossless=True)
    assert len(combine([_img(0), lossless])) == 2
