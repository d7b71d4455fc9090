"""The whole pipeline on synthetic frames (lifeline/agent/encode/encoder.py).

Every test renders the produced frames with the reference renderer and checks
the viewer's screen against the captured one: the encoder's contract.
"""

from __future__ import annotations

import numpy as np

from lifeline.agent.encode import Pacer, ScreenEncoder
from lifeline.agent.encode.codecs.deflate import FLAG_RESET, HEADER
from lifeline.agent.encode.constants import LOSSLESS_REFRESH_AFTER_S
from lifeline.agent.encode.plan import Box
from lifeline.protocol import Encoding, messages, parse_frame
from tests.unit.agent.encode.frames_helper import blank, max_error, photo, render, text_lines


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _encoder(max_unacked: int = 2) -> tuple[ScreenEncoder, Clock]:
    clock = Clock()
    return ScreenEncoder(Pacer(max_unacked), clock=clock, wall_clock=lambda: 1.0), clock


def test_first_update_is_full_and_lossless_for_text() -> None:
    encoder, _ = _encoder()
    frame = text_lines(blank())
    data = encoder.next_update(frame)
    assert data is not None
    screen, update = render(None, data)
    assert update.full and update.seq == 1
    assert max_error(screen, frame) == 0


def test_unchanged_screen_sends_nothing() -> None:
    encoder, _ = _encoder()
    frame = blank()
    encoder.next_update(frame)
    encoder.ack(1)
    assert encoder.next_update(frame.copy()) is None


def test_typing_sends_only_the_changed_pixels_as_one_small_deflate_rect() -> None:
    encoder, clock = _encoder()
    frame = text_lines(blank())
    screen, _ = render(None, encoder.next_update(frame) or b"")
    encoder.ack(1)
    typed = frame.copy()
    glyph = (np.indices((9, 6)).sum(axis=0) % 2 * 150 + 50).astype(np.uint8)  # two colours no text has
    typed[300:309, 100:106, :3] = glyph[..., None]
    clock.now += 0.2
    data = encoder.next_update(typed)
    assert data is not None and len(data) < 100  # was ~1,900 B: the whole 64x64 cell as PNG
    screen, update = render(screen, data)
    assert [r.encoding for r in update.rects] == [Encoding.DEFLATE]
    changed = update.rects[0]
    assert (changed.x, changed.y, changed.width, changed.height) == (100, 300, 6, 9)
    assert max_error(screen, typed) == 0


def test_scroll_sends_a_copy_and_stays_exact() -> None:
    encoder, clock = _encoder()
    frame = text_lines(blank())
    screen, _ = render(None, encoder.next_update(frame) or b"")
    encoder.ack(1)
    scrolled = blank()
    scrolled[:-26] = frame[26:]
    scrolled[-20:-11, 8:200, :3] = 220
    clock.now += 0.1
    data = encoder.next_update(scrolled)
    assert data is not None
    screen, update = render(screen, data)
    assert update.rects[0].encoding is Encoding.COPY
    assert max_error(screen, scrolled) == 0
    assert len(data) < 0.2 * len(encoder_full_size(scrolled))


def encoder_full_size(frame: np.ndarray) -> bytes:
    encoder, _ = _encoder()
    return encoder.next_update(frame) or b""


def test_changes_coalesce_while_the_window_is_full() -> None:
    encoder, clock = _encoder(max_unacked=1)
    frame = text_lines(blank())
    screen, _ = render(None, encoder.next_update(frame) or b"")
    changed = frame.copy()
    for i in range(5):  # five changes while the viewer has not acked
        changed = changed.copy()
        changed[10 + i * 64 : 20 + i * 64, 450:460, :3] = 99
        clock.now += 0.05
        assert encoder.next_update(changed) is None
    encoder.handle_control(messages.ack(1))
    data = encoder.next_update(changed)
    assert data is not None
    screen, update = render(screen, data)
    assert update.seq == 2
    assert max_error(screen, changed) == 0


def test_photo_goes_jpeg_then_is_refreshed_lossless_once_still() -> None:
    encoder, clock = _encoder()
    frame = blank()
    screen, _ = render(None, encoder.next_update(frame) or b"")
    encoder.ack(1)
    pic = frame.copy()
    pic[64:192, 64:320, :3] = photo(128, 256)
    clock.now += 0.1
    screen, update = render(screen, encoder.next_update(pic) or b"")
    encoder.ack(update.seq)
    assert [r.encoding for r in update.rects] == [Encoding.JPEG]
    assert max_error(screen, pic) > 0
    clock.now += LOSSLESS_REFRESH_AFTER_S / 2
    assert encoder.next_update(pic) is None  # not still long enough yet
    clock.now += LOSSLESS_REFRESH_AFTER_S / 2 - 0.01  # the loop's tick, a few ms short of the second
    screen, update = render(screen, encoder.next_update(pic) or b"")
    assert {r.encoding for r in update.rects} == {Encoding.PNG}
    assert max_error(screen, pic) == 0


def test_refresh_request_and_resize_send_full_frames() -> None:
    encoder, _ = _encoder(max_unacked=10)
    frame = blank()
    encoder.next_update(frame)
    encoder.handle_control(messages.refresh())
    data = encoder.next_update(frame)
    assert data is not None and render(None, data)[1].full
    bigger = blank(400, 600)
    data = encoder.next_update(bigger)
    assert data is not None
    _, update = render(None, data)
    assert update.full and (update.screen_width, update.screen_height) == (600, 400)


def test_quality_hint_is_applied() -> None:
    encoder, _ = _encoder()
    assert encoder.handle_control(messages.quality_hint(jpeg_quality=33, max_fps=5))
    assert encoder.pacer.jpeg_quality() == 33 and encoder.pacer.max_fps == 5
    assert not encoder.handle_control(messages.mouse_move(1, 1))


def test_damage_limits_the_diff_and_is_remembered_while_the_window_is_full() -> None:
    """Only damaged boxes are compared (X DAMAGE said nothing else changed); None compares all."""
    encoder, clock = _encoder(max_unacked=1)
    frame = text_lines(blank())
    screen, _ = render(None, encoder.next_update(frame) or b"")
    changed = frame.copy()
    changed[10:20, 450:460, :3] = (9, 99, 199)
    clock.now += 0.05
    assert encoder.next_update(changed, [Box(448, 8, 16, 16)]) is None  # window full: remembered
    encoder.ack(1)
    unreported = changed.copy()
    unreported[200:210, 20:30, :3] = (1, 2, 3)  # drawn without damage
    screen, update = render(screen, encoder.next_update(unreported, []) or b"")
    assert [(r.x, r.y, r.width, r.height) for r in update.rects] == [(450, 10, 10, 10)]
    encoder.ack(update.seq)
    assert max_error(screen, changed) == 0
    screen, update = render(screen, encoder.next_update(unreported, None) or b"")  # safety refresh
    assert max_error(screen, unreported) == 0


def test_window_open_and_waiting_tell_the_capture_loop_when_to_grab_and_when_an_ack_matters() -> None:
    """The loop grabs only when an update may go out, and an ack wakes it only over unsent changes."""
    encoder, clock = _encoder(max_unacked=1)
    frame = text_lines(blank())
    assert encoder.window_open() and encoder.waiting  # a new viewer: the whole screen is due
    encoder.next_update(frame)
    assert not encoder.window_open() and not encoder.waiting  # window full, nothing noted since
    assert encoder.next_update(frame, [Box(0, 0, 8, 8)]) is None
    assert encoder.waiting  # damage noted while the window was full
    encoder.ack(1)
    assert encoder.window_open()
    encoder.next_update(frame, [])
    assert not encoder.waiting
    changed = frame.copy()
    changed[0:8, 0:8, :3] = 200
    assert encoder.next_update(changed, [Box(0, 0, 8, 8)]) is not None
    assert not encoder.window_open()
    clock.now += 11.0  # no ack for ACK_TIMEOUT_S: the window reopens with a full update due
    assert encoder.window_open() and encoder.needs_full_frame


def test_the_fps_cap_leaves_the_window_open_so_the_loop_is_not_held_waiting_for_an_ack() -> None:
    """No ack ends a viewer's fps cap: the loop must keep grabbing, and next_update declines until it allows."""
    encoder, clock = _encoder(max_unacked=2)
    encoder.set_quality_hint(max_fps=10)
    frame = text_lines(blank())
    encoder.next_update(frame)
    changed = frame.copy()
    changed[0:8, 0:8, :3] = 200
    clock.now += 0.05
    assert encoder.window_open() and encoder.next_update(changed, [Box(0, 0, 8, 8)]) is None
    clock.now += 0.06
    assert encoder.next_update(changed, []) is not None  # the damage noted meanwhile goes out


def test_a_full_update_restarts_the_deflate_stream() -> None:
    """The relay drops frames after a lost bus part until the next FULL: DEFLATE must restart there."""
    encoder, clock = _encoder(max_unacked=10)
    frame = text_lines(blank())
    encoder.next_update(frame)

    def reset_flag_of_a_small_change(row: int) -> int:
        nonlocal frame
        frame = frame.copy()
        frame[row, 30:40, :3] = (row, 50, 90)
        frame[row, 41, :3] = 7
        clock.now += 0.1
        (rect,) = parse_frame(encoder.next_update(frame) or b"").rects
        assert rect.encoding is Encoding.DEFLATE
        return int(HEADER.unpack_from(rect.payload)[0] & FLAG_RESET)

    assert reset_flag_of_a_small_change(100) == FLAG_RESET  # the first DEFLATE rect starts the stream
    assert reset_flag_of_a_small_change(101) == 0
    encoder.request_refresh()
    assert parse_frame(encoder.next_update(frame) or b"").full
    assert reset_flag_of_a_small_change(102) == FLAG_RESET
