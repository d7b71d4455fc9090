"""When the encoder sends VP8 (choose.should_use_video, MotionRun, Pacer.video_quantizer) and
that the viewer's screen stays right across a run of motion and after it."""

from __future__ import annotations

import pytest

from lifeline.agent.encode import Pacer, ScreenEncoder
from lifeline.agent.encode.choose import MotionRun, link_too_slow_for_jpeg, should_use_video
from lifeline.agent.encode.codecs import vp8
from lifeline.agent.encode.constants import (
    JPEG_QUALITY_MAX,
    JPEG_QUALITY_MIN,
    LOSSLESS_REFRESH_AFTER_S,
    VIDEO_JPEG_BYTES_PER_PX,
    VIDEO_LINK_HYSTERESIS,
    VIDEO_LINK_MAX_JPEG_FPS,
    VIDEO_LINK_SAMPLE_MAX_AGE_S,
    VIDEO_MAX_GAP_S,
    VIDEO_MIN_RUN,
    VIDEO_QUANTIZER_BEST,
    VIDEO_QUANTIZER_RESTART_STEPS,
    VIDEO_QUANTIZER_WORST,
)
from lifeline.protocol import Encoding, messages
from lifeline.protocol.messages import Motion
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


def _encoder(video: bool = True, motion: Motion | None = Motion.VIDEO) -> tuple[ScreenEncoder, Clock]:
    """An encoder on a test clock; ``video``: the viewer negotiated VP8; ``motion``: the
    technician's choice (Low bandwidth unless said otherwise: acks here come at once, a link
    Automatic would call fast)."""
    clock = Clock()
    encoder = ScreenEncoder(Pacer(), clock=clock, wall_clock=lambda: 1.0)
    if video:
        assert encoder.handle_control(messages.encodings([Encoding.VP8]))
    assert encoder.handle_control(messages.quality_hint(motion=motion))
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


def test_should_use_video_needs_negotiation_a_run_and_a_slow_link_or_the_technician() -> None:
    assert should_use_video(VIDEO_MIN_RUN, True, Motion.AUTO, slow_link=True)
    assert not should_use_video(VIDEO_MIN_RUN, True, Motion.AUTO, slow_link=False)
    assert not should_use_video(VIDEO_MIN_RUN - 1, True, Motion.AUTO, slow_link=True)
    assert not should_use_video(VIDEO_MIN_RUN + 5, False, Motion.VIDEO, slow_link=True)
    assert should_use_video(VIDEO_MIN_RUN, True, Motion.VIDEO, slow_link=False)
    assert not should_use_video(VIDEO_MIN_RUN, True, Motion.SHARP, slow_link=True)


def test_link_too_slow_for_jpeg_below_the_frame_rate_with_hysteresis() -> None:
    px = 1920 * 1080
    threshold = VIDEO_LINK_MAX_JPEG_FPS * px * VIDEO_JPEG_BYTES_PER_PX  # bytes/s
    assert link_too_slow_for_jpeg(threshold * 0.9, px, on_video=False)
    assert not link_too_slow_for_jpeg(threshold * 1.1, px, on_video=False)
    assert link_too_slow_for_jpeg(threshold * 1.1, px, on_video=True)  # hysteresis keeps VP8
    assert not link_too_slow_for_jpeg(threshold * VIDEO_LINK_HYSTERESIS * 1.1, px, on_video=True)
    assert not link_too_slow_for_jpeg(None, px, on_video=True)  # no estimate: JPEG
    assert not link_too_slow_for_jpeg(threshold * 0.9, px // 4, on_video=False)  # smaller frames fit


class Link:
    """A link of ``bytes_per_s`` behind the encoder: an update is acked once its bytes (queued
    behind the earlier ones) got through, and the viewer drew it at once."""

    def __init__(self, encoder: ScreenEncoder, clock: Clock, bytes_per_s: float) -> None:
        self.encoder, self.clock, self.bytes_per_s = encoder, clock, bytes_per_s
        self._busy_until = clock.now
        self._acks: list[tuple[float, int]] = []

    def tick(self, frame: object) -> list[Encoding]:
        """One capture at the current time: deliver due acks, then offer ``frame``; what went out."""
        for at, seq in [a for a in self._acks if a[0] <= self.clock.now]:
            self._acks.remove((at, seq))
            self.encoder.ack(seq)
        data = self.encoder.next_update(frame)  # type: ignore[arg-type]
        if data is None:
            return []
        self._busy_until = max(self._busy_until, self.clock.now) + len(data) / self.bytes_per_s
        self._acks.append((self._busy_until, self.encoder.seq))
        return [Encoding[name] for name in self.encoder.last_update]

    def play(self, seconds: float, start_shift: int = 0) -> list[Encoding]:
        """Motion at 30 fps for ``seconds``: the encodings of every full-frame update sent."""
        sent: list[Encoding] = []
        for k in range(round(seconds / STEP_S)):
            self.clock.now += STEP_S
            sent += self.tick(smooth_picture(320, 512, shift=start_shift + 5 * k))
        return sent


#: The 320x512 test screen's JPEG threshold (bytes/s) at which Automatic picks VP8.
SMALL_SCREEN_THRESHOLD = VIDEO_LINK_MAX_JPEG_FPS * 320 * 512 * VIDEO_JPEG_BYTES_PER_PX


def test_automatic_sends_vp8_once_a_saturated_slow_link_is_measured() -> None:
    encoder, clock = _encoder(motion=None)
    link = Link(encoder, clock, SMALL_SCREEN_THRESHOLD / 4)
    sent = link.play(2.0)
    assert sent[0] is Encoding.JPEG and sent[-5:] == [Encoding.VP8] * 5
    assert encoder.pacer.link.bytes_per_s(clock.now) < SMALL_SCREEN_THRESHOLD


def test_automatic_keeps_jpeg_on_a_fast_link() -> None:
    encoder, clock = _encoder(motion=None)
    sent = Link(encoder, clock, SMALL_SCREEN_THRESHOLD * 100).play(2.0)
    assert len(sent) > 30 and set(sent) == {Encoding.JPEG}


def test_sharp_never_sends_vp8_even_on_a_slow_link() -> None:
    encoder, clock = _encoder(motion=Motion.SHARP)
    sent = Link(encoder, clock, SMALL_SCREEN_THRESHOLD / 4).play(2.0)
    assert Encoding.VP8 not in sent


def test_automatic_reprobes_with_jpeg_once_the_link_stops_being_the_limit() -> None:
    """On VP8 over a link that got fast, nothing saturates it: the estimate lapses after
    VIDEO_LINK_SAMPLE_MAX_AGE_S and motion goes back to JPEG, which the fast link then carries."""
    encoder, clock = _encoder(motion=None)
    link = Link(encoder, clock, SMALL_SCREEN_THRESHOLD / 4)
    assert link.play(2.0)[-1] is Encoding.VP8
    link.bytes_per_s = SMALL_SCREEN_THRESHOLD * 100
    sent = link.play(VIDEO_LINK_SAMPLE_MAX_AGE_S + 1.0, start_shift=300)
    assert sent[0] is Encoding.VP8 and sent[-10:] == [Encoding.JPEG] * 10
    assert encoder.pacer.link.bytes_per_s(clock.now) is None


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
