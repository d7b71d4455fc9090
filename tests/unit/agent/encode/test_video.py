"""When the encoder sends VP8 (choose.should_use_video, MotionRun, Pacer.video_quantizer) and
that the viewer's screen stays right across a run of motion and after it."""

from __future__ import annotations

import pytest

from lifeline.agent.encode import Pacer, ScreenEncoder
from lifeline.agent.encode.choose import MotionRun, should_use_video
from lifeline.agent.encode.codecs import vp8
from lifeline.agent.encode.constants import (
    JPEG_QUALITY_MAX,
    JPEG_QUALITY_MIN,
    LOSSLESS_REFRESH_AFTER_S,
    VIDEO_MAX_GAP_S,
    VIDEO_MIN_RUN,
    VIDEO_QUANTIZER_BEST,
    VIDEO_QUANTIZER_RESTART_STEPS,
    VIDEO_QUANTIZER_WORST,
)
from lifeline.protocol import Encoding, messages
from tests.unit.agent.encode.frames_helper import blank, max_error, psnr, render, smooth_picture, text_lines

pytest.importorskip("av")

#: Frame interval of the synthetic motion (s): 30 fps.
STEP_S = 1 / 30
#: Smallest PSNR (dB) of the viewer's screen while VP8 runs on the smooth test picture.
MIN_PSNR_DB = 36.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _encoder(video: bool = True) -> tuple[ScreenEncoder, Clock]:
    clock = Clock()
    encoder = ScreenEncoder(Pacer(), clock=clock, wall_clock=lambda: 1.0)
    if video:
        assert encoder.handle_control(messages.encodings([Encoding.VP8]))
    return encoder, clock


def _send(encoder: ScreenEncoder, screen: object, frame: object) -> tuple[object, list[Encoding]]:
    data = encoder.next_update(frame)  # type: ignore[arg-type]
    assert data is not None
    screen, update = render(screen, data)  # type: ignore[arg-type]
    encoder.ack(update.seq)
    return screen, [r.encoding for r in update.rects]


def test_sustained_motion_goes_vp8_after_one_jpeg_then_ends_exact() -> None:
    encoder, clock = _encoder()
    screen, kinds = _send(encoder, None, smooth_picture(320, 512))
    assert kinds == [Encoding.JPEG]  # FULL: the lossless/JPEG path as before
    sent = []
    for k in range(1, 6):
        clock.now += STEP_S
        frame = smooth_picture(320, 512, shift=5 * k)
        data = encoder.next_update(frame)
        assert data is not None
        screen, update = render(screen, data)
        encoder.ack(update.seq)
        sent.append([r.encoding for r in update.rects])
        if update.rects[0].encoding is Encoding.VP8:
            assert psnr(screen, frame) > MIN_PSNR_DB
            assert vp8.is_key_frame(update.rects[0].payload) == (len(sent) == VIDEO_MIN_RUN)
    assert sent[: VIDEO_MIN_RUN - 1] == [[Encoding.JPEG]] * (VIDEO_MIN_RUN - 1)
    assert sent[VIDEO_MIN_RUN - 1 :] == [[Encoding.VP8]] * (5 - VIDEO_MIN_RUN + 1)
    clock.now += LOSSLESS_REFRESH_AFTER_S + STEP_S  # the motion stops: the still picture becomes exact
    screen, kinds = _send(encoder, screen, frame)
    assert set(kinds) == {Encoding.PNG}
    assert max_error(screen, frame) == 0  # type: ignore[arg-type]


def test_without_negotiation_motion_stays_jpeg() -> None:
    encoder, clock = _encoder(video=False)
    screen, _ = _send(encoder, None, smooth_picture(320, 512))
    for k in range(1, 5):
        clock.now += STEP_S
        screen, kinds = _send(encoder, screen, smooth_picture(320, 512, shift=5 * k))
        assert kinds == [Encoding.JPEG]
    assert encoder.offered_encodings() == []


def test_typing_during_a_video_session_is_not_video() -> None:
    encoder, clock = _encoder()
    frame = text_lines(blank())
    screen, _ = _send(encoder, None, frame)
    for row in range(4):
        clock.now += STEP_S
        frame = frame.copy()
        frame[20 + 13 * row : 29 + 13 * row, 410:418, :3] = 220
        screen, kinds = _send(encoder, screen, frame)
        assert Encoding.VP8 not in kinds
    assert max_error(screen, frame) == 0  # type: ignore[arg-type]


def test_a_pause_or_a_full_update_restarts_video_with_a_key_frame() -> None:
    encoder, clock = _encoder()
    screen, _ = _send(encoder, None, smooth_picture(320, 512))
    shift = 0

    def motion(frames: int) -> list[list[Encoding]]:
        nonlocal screen, shift
        out = []
        for _ in range(frames):
            clock.now += STEP_S
            shift += 5
            screen, kinds = _send(encoder, screen, smooth_picture(320, 512, shift=shift))
            out.append(kinds)
        return out

    assert motion(VIDEO_MIN_RUN)[-1] == [Encoding.VP8]
    clock.now += VIDEO_MAX_GAP_S * 2
    assert motion(VIDEO_MIN_RUN) == [[Encoding.JPEG]] * (VIDEO_MIN_RUN - 1) + [[Encoding.VP8]]
    encoder.request_refresh()
    clock.now += STEP_S
    screen, _ = _send(encoder, screen, smooth_picture(320, 512, shift=shift))
    data = None
    for _ in range(VIDEO_MIN_RUN):
        clock.now += STEP_S
        shift += 5
        data = encoder.next_update(smooth_picture(320, 512, shift=shift))
        assert data is not None
        screen, update = render(screen, data)  # type: ignore[arg-type]
        encoder.ack(update.seq)
    assert update.rects[0].encoding is Encoding.VP8 and vp8.is_key_frame(update.rects[0].payload)


def test_negotiation_offers_vp8_only_when_pyav_is_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    encoder, _ = _encoder()
    assert encoder.offered_encodings() == [Encoding.VP8]
    encoder.handle_control(messages.encodings([]))  # the viewer lost its decoder
    assert encoder.offered_encodings() == []
    monkeypatch.setattr(vp8, "available", lambda: False)
    encoder.handle_control(messages.encodings([Encoding.VP8]))
    assert encoder.offered_encodings() == []


def test_should_use_video_needs_negotiation_and_a_run() -> None:
    assert should_use_video(VIDEO_MIN_RUN, viewer_accepts=True)
    assert not should_use_video(VIDEO_MIN_RUN - 1, viewer_accepts=True)
    assert not should_use_video(VIDEO_MIN_RUN + 5, viewer_accepts=False)


def test_motion_run_counts_until_a_gap_or_end() -> None:
    run = MotionRun()
    assert [run.extend(t * STEP_S) for t in range(3)] == [1, 2, 3]
    assert run.extend(2 * STEP_S + VIDEO_MAX_GAP_S * 2) == 1
    run.end()
    assert run.extend(10.0) == 1


def test_video_quantizer_follows_quality_with_hysteresis() -> None:
    pacer = Pacer()
    assert pacer.video_quantizer() == VIDEO_QUANTIZER_BEST
    pacer.fixed_quality = JPEG_QUALITY_MIN
    assert pacer.video_quantizer() == VIDEO_QUANTIZER_WORST
    pacer.fixed_quality = JPEG_QUALITY_MAX - 1  # a small change keeps the running stream's quantizer
    assert pacer.video_quantizer(current=VIDEO_QUANTIZER_BEST) == VIDEO_QUANTIZER_BEST
    pacer.fixed_quality = JPEG_QUALITY_MIN
    assert pacer.video_quantizer(current=VIDEO_QUANTIZER_BEST) == VIDEO_QUANTIZER_WORST
    assert VIDEO_QUANTIZER_WORST - VIDEO_QUANTIZER_BEST >= VIDEO_QUANTIZER_RESTART_STEPS


def test_a_viewer_that_withdraws_vp8_gets_jpeg_for_the_rest_of_the_motion() -> None:
    encoder, clock = _encoder()
    screen, _ = _send(encoder, None, smooth_picture(320, 512))
    kinds: list[Encoding] = []
    for k in range(1, 2 * VIDEO_MIN_RUN + 1):
        if k == VIDEO_MIN_RUN + 1:  # its decoder failed (viewer.js falls back)
            encoder.handle_control(messages.encodings([]))
            encoder.handle_control(messages.refresh())
        clock.now += STEP_S
        screen, sent = _send(encoder, screen, smooth_picture(320, 512, shift=5 * k))
        kinds += sent
    assert kinds[VIDEO_MIN_RUN - 1] is Encoding.VP8
    assert Encoding.VP8 not in kinds[VIDEO_MIN_RUN:]
