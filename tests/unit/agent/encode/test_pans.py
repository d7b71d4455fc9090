"""PASS 1b: 2-D move detection (lifeline/agent/encode/passes/pans.py) and its place in the encoder."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.agent.encode import Pacer, ScreenEncoder
from lifeline.agent.encode.passes.copies import apply_copy, remaining_after_copy
from lifeline.agent.encode.passes.pans import find_pan, largest_true_rectangle
from lifeline.agent.encode.plan import Frame, Op, OpKind, dirty_cells
from lifeline.protocol import Encoding
from tests.unit.agent.encode.frames_helper import blank, max_error, render, text_lines

HEIGHT, WIDTH = 360, 640
#: Extra pixels of the panned source picture beyond the screen, both axes.
MARGIN = 96


def photo_field(height: int, width: int, seed: int = 7) -> Frame:
    """A smooth colour field with grain, like bench/screen_x.py's picture: a hard case for profiles."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = np.random.default_rng(seed).integers(-10, 11, (height, width, 3))
    field = np.stack([
        128 + 100 * np.sin((xx + yy) / 113.0),
        128 + 100 * np.sin(yy / 71.0 + 0.6 * np.cos(xx / 173.0)),
        128 + 100 * np.sin(xx / 89.0 + 0.8 * np.sin(yy / 131.0)),
    ], axis=-1)
    frame = blank(height, width)
    frame[..., :3] = np.clip(field + grain, 0, 255).astype(np.uint8)
    return frame


def _pan(source: Frame, ox: int, oy: int) -> Frame:
    return np.ascontiguousarray(source[oy : oy + HEIGHT, ox : ox + WIDTH])


def _exact_after(reference: Frame, frame: Frame, op: Op) -> bool:
    """Applying the COPY to the reference makes its box equal the new frame, pixel for pixel."""
    screen = reference.copy()
    apply_copy(screen, op)
    b = op.box
    return bool(np.array_equal(screen[b.y : b.bottom, b.x : b.right], frame[b.y : b.bottom, b.x : b.right]))


PANS = [(14, 6), (-14, 6), (14, -6), (-14, -6), (21, 0), (-33, 0), (0, 17), (3, -40), (28, 12),
        (-45, 30)]


@pytest.mark.parametrize("dx, dy", PANS)
def test_a_pan_in_any_direction_becomes_one_exact_copy_of_nearly_the_whole_screen(dx: int, dy: int) -> None:
    source = photo_field(HEIGHT + MARGIN, WIDTH + MARGIN)
    start = MARGIN // 2
    before, after = _pan(source, start, start), _pan(source, start + dx, start + dy)
    op = find_pan(before, after, dirty_cells(before, after))
    assert op is not None and op.kind is OpKind.COPY and op.src is not None
    assert (op.src[0] - op.box.x, op.src[1] - op.box.y) == (dx, dy)
    assert op.box.area == (WIDTH - abs(dx)) * (HEIGHT - abs(dy))  # all but the uncovered strips
    assert _exact_after(before, after, op)


@pytest.mark.parametrize("background", ["flat", "noise"])
def test_a_dragged_window_becomes_a_copy_of_the_window(background: str) -> None:
    desk = blank(HEIGHT, WIDTH, (80, 90, 100))
    if background == "noise":
        desk[..., :3] = np.random.default_rng(3).integers(0, 256, (HEIGHT, WIDTH, 3))
    window = text_lines(blank(200, 300, (240, 240, 240)), seed=9, right=290)
    before, after = desk.copy(), desk.copy()
    before[100:300, 200:500] = window
    after[130:330, 170:470] = window  # dragged 30 px left and 30 px down
    op = find_pan(before, after, dirty_cells(before, after))
    assert op is not None and op.src is not None
    assert (op.src[0] - op.box.x, op.src[1] - op.box.y) == (30, -30)
    assert op.box.area >= 200 * 300 // 2
    assert _exact_after(before, after, op)


def test_copy_covers_the_move_and_the_encoder_sends_only_the_uncovered_strips_exactly() -> None:
    source = text_lines(blank(HEIGHT + MARGIN, WIDTH + MARGIN), seed=4, right=WIDTH + MARGIN - 8)
    encoder = ScreenEncoder(Pacer(), clock=lambda: 100.0, wall_clock=lambda: 1.0)
    before = _pan(source, 40, 40)
    screen, _ = render(None, encoder.next_update(before) or b"")
    encoder.ack(1)
    after = _pan(source, 47, 43)
    data = encoder.next_update(after)
    assert data is not None
    screen, update = render(screen, data)
    assert update.rects[0].encoding is Encoding.COPY
    assert max_error(screen, after) == 0
    assert len(data) < 0.1 * len(encoder_full_size(after))


def encoder_full_size(frame: Frame) -> bytes:
    return ScreenEncoder(Pacer()).next_update(frame) or b""


def test_remaining_after_a_2d_copy_equals_a_full_rediff() -> None:
    source = photo_field(HEIGHT + MARGIN, WIDTH + MARGIN)
    before, after = _pan(source, 10, 50), _pan(source, 27, 41)
    after[300:310, 5:20, :3] = 0  # something else changed too
    mask = dirty_cells(before, after)
    op = find_pan(before, after, mask)
    assert op is not None
    apply_copy(before, op)
    assert np.array_equal(remaining_after_copy(mask, before, after, op), dirty_cells(before, after))


def test_near_misses_are_not_copied() -> None:
    source = photo_field(HEIGHT + MARGIN, WIDTH + MARGIN)
    before = _pan(source, 20, 20)
    brighter = _pan(source, 27, 23)
    brighter[..., :3] = np.minimum(brighter[..., :3], 254) + 1  # moved, and one level brighter everywhere
    noisy = _pan(source, 27, 23)
    flips = np.random.default_rng(5).integers(0, 2, (HEIGHT, WIDTH), dtype=np.uint8)
    noisy[..., 0] ^= flips  # moved, and noise in the lowest bit
    unrelated = photo_field(HEIGHT, WIDTH, seed=8)
    for after in (brighter, noisy, unrelated):
        assert find_pan(before, after, dirty_cells(before, after)) is None


def test_a_small_or_unchanged_area_is_not_searched() -> None:
    frame = text_lines(blank())
    assert find_pan(frame, frame.copy(), dirty_cells(frame, frame)) is None
    typed = frame.copy()
    typed[10:20, 10:16, :3] = 99
    assert find_pan(frame, typed, dirty_cells(frame, typed)) is None


def test_largest_true_rectangle_is_all_true_and_grows_past_whole_tiles() -> None:
    flags = np.ones((300, 500), dtype=bool)
    flags[:7] = False
    flags[:, 470:] = False
    flags[150, 20] = False
    box = largest_true_rectangle(flags)
    assert box is not None and flags[box.y : box.bottom, box.x : box.right].all()
    assert (box.y, box.right) == (7, 470)  # the partial tiles at the edges were grown into
    rng = np.random.default_rng(1)
    for _ in range(20):
        flags = rng.random((200, 260)) > 0.001
        box = largest_true_rectangle(flags)
        assert box is None or flags[box.y : box.bottom, box.x : box.right].all()


def test_a_move_covering_little_of_the_change_is_not_worth_a_copy() -> None:
    """A block that moved amid a much larger repaint (or matched by chance, as blank text does): images."""
    before = photo_field(HEIGHT, WIDTH, seed=1)
    after = photo_field(HEIGHT, WIDTH, seed=2)  # everything repainted...
    after[100:164, 100:228] = before[110:174, 90:218]  # ...except one block that moved
    assert find_pan(before, after, dirty_cells(before, after)) is None


def test_moves_beyond_the_searched_range_are_not_searched() -> None:
    from lifeline.agent.encode.constants import PAN_MAX_SHIFT_PX, PAN_REFINE_PX

    limit = PAN_MAX_SHIFT_PX + PAN_REFINE_PX  # the farthest seed, refined outwards
    source = photo_field(HEIGHT, 2 * WIDTH + limit + 1)
    before = np.ascontiguousarray(source[:, : 2 * WIDTH])
    for dx, found in [(PAN_MAX_SHIFT_PX, True), (limit + 1, False)]:
        after = np.ascontiguousarray(source[:, dx : dx + 2 * WIDTH])
        op = find_pan(before, after, dirty_cells(before, after))
        assert (op is not None and op.src is not None and op.src[0] - op.box.x == dx) == found


@pytest.mark.parametrize("dx, dy", [(72, 112), (-94, 117), (202, 206), (-180, -60)])
def test_large_moves_of_a_smooth_diagonal_picture_are_found(dx: int, dy: int) -> None:
    """Far-off profile seeds (its diagonal structure shifts the row profile by dx too) still converge."""
    height, width, margin = 720, 1280, 256
    source = photo_field(height + margin, width + margin)
    x, y = max(0, -dx), max(0, -dy)
    before = np.ascontiguousarray(source[y : y + height, x : x + width])
    after = np.ascontiguousarray(source[y + dy : y + dy + height, x + dx : x + dx + width])
    op = find_pan(before, after, dirty_cells(before, after))
    assert op is not None and op.src is not None
    assert (op.src[0] - op.box.x, op.src[1] - op.box.y) == (dx, dy)
    assert _exact_after(before, after, op)


def test_the_predicted_move_is_verified_and_skips_the_search_and_a_wrong_one_falls_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lifeline.agent.encode.passes import pans

    source = photo_field(HEIGHT + MARGIN, WIDTH + MARGIN)
    reference, frame = _pan(source, 40, 40), _pan(source, 47, 43)  # the content moved by (-7, -3)
    mask = dirty_cells(reference, frame)
    searched: list[int] = []
    original = pans._candidates

    def counting(*args: object) -> object:
        searched.append(1)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pans, "_candidates", counting)
    op = find_pan(reference, frame, mask, predicted=[(14, 6), (7, 3)])
    assert op is not None and op.src == (op.box.x + 7, op.box.y + 3) and not searched
    assert _exact_after(reference, frame, op)
    wrong = find_pan(reference, frame, mask, predicted=[(14, 6)])  # the move changed: searched as before
    assert wrong is not None and wrong.src == op.src and wrong.box == op.box and searched


def test_both_move_searches_back_off_while_changes_are_not_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    from lifeline.agent.encode.constants import MOVE_MISSES_BEFORE_BACKOFF, MOVE_PROBE_INTERVAL
    from lifeline.agent.encode.passes import copies

    scrolls: list[int] = []
    original = copies.find_scroll
    update = 0

    def counting(*args: object) -> Op | None:
        scrolls.append(update)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(copies, "find_scroll", counting)
    search = copies.CopySearch()
    before, unrelated = text_lines(blank(), seed=5), text_lines(blank(), seed=6)
    first = MOVE_MISSES_BEFORE_BACKOFF + MOVE_PROBE_INTERVAL
    probes = [first, first + 2 * MOVE_PROBE_INTERVAL]  # each probe that finds nothing doubles the interval
    for update in range(1, probes[-1] + 1):  # noqa: B007 - the spy above records it
        assert search.find(before, unrelated, dirty_cells(before, unrelated)) is None
    assert scrolls == list(range(1, MOVE_MISSES_BEFORE_BACKOFF + 1)) + probes
