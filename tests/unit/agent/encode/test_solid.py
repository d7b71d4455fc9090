"""PASS 1: single-colour cells become fills (lifeline/agent/encode/passes/solid.py)."""

from __future__ import annotations

from lifeline.agent.encode.passes.solid import rewrite_solid
from lifeline.agent.encode.plan import Box, Op, OpKind
from tests.unit.agent.encode.frames_helper import blank


def test_uniform_cell_becomes_fill_with_rgb_colour() -> None:
    frame = blank(bgr=(30, 20, 10))  # B, G, R
    ops = rewrite_solid([Op(OpKind.IMAGE, Box(0, 0, 64, 64))], frame)
    assert ops == [Op(OpKind.FILL, Box(0, 0, 64, 64), rgb=(10, 20, 30))]


def test_cell_with_one_odd_pixel_stays_an_image() -> None:
    frame = blank()
    frame[63, 63, 2] = 1
    ops = rewrite_solid([Op(OpKind.IMAGE, Box(0, 0, 64, 64))], frame)
    assert [op.kind for op in ops] == [OpKind.IMAGE]


def test_non_image_ops_pass_through() -> None:
    copy = Op(OpKind.COPY, Box(0, 0, 64, 64), src=(0, 64))
    assert rewrite_solid([copy], blank()) == [copy]
