"""PASS 5, cropping images to their changed pixels (lifeline/agent/encode/passes/crop.py)."""

from __future__ import annotations

from lifeline.agent.encode.passes.crop import crop_to_changes
from lifeline.agent.encode.plan import Box, Op, OpKind
from tests.unit.agent.encode.frames_helper import blank


def test_an_image_shrinks_to_the_bounding_box_of_its_changes() -> None:
    reference, frame = blank(128, 128), blank(128, 128)
    frame[70:75, 10:12, :3] = (200, 10, 10)
    frame[72, 20, :3] = (10, 200, 10)
    (op,) = crop_to_changes([Op(OpKind.IMAGE, Box(0, 64, 64, 64))], reference, frame)
    assert op.kind is OpKind.IMAGE and op.box == Box(10, 70, 11, 5)


def test_a_crop_of_one_colour_becomes_a_fill_and_an_unchanged_image_is_dropped() -> None:
    reference, frame = blank(128, 128), blank(128, 128)
    frame[5:9, 5:9, :3] = (1, 2, 3)  # BGR
    ops = crop_to_changes([Op(OpKind.IMAGE, Box(0, 0, 64, 64)), Op(OpKind.IMAGE, Box(64, 64, 64, 64))],
                          reference, frame)
    assert [(op.kind, op.box, op.rgb) for op in ops] == [(OpKind.FILL, Box(5, 5, 4, 4), (3, 2, 1))]


def test_copies_fills_lossless_refreshes_and_uncropped_images_pass_through() -> None:
    reference, frame = blank(64, 64), blank(64, 64)
    frame[0, 0, :3] = 9
    frame[63, 63, :3] = 9
    ops = [
        Op(OpKind.COPY, Box(0, 0, 8, 8), src=(0, 8)),
        Op(OpKind.FILL, Box(8, 8, 8, 8), rgb=(1, 1, 1)),
        Op(OpKind.IMAGE, Box(0, 0, 32, 32), lossless=True),
        Op(OpKind.IMAGE, Box(0, 0, 64, 64)),
    ]
    assert crop_to_changes(ops, reference, frame) == ops
