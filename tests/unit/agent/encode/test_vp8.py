"""VP8 codec (codecs/vp8.py): PyAV round trip, key frames, picture quality, restarts."""

from __future__ import annotations

import pytest

from lifeline.agent.encode.codecs import vp8
from lifeline.agent.encode.constants import VIDEO_QUANTIZER_BEST
from tests.unit.agent.encode.frames_helper import Vp8Decoder, psnr, smooth_picture

pytest.importorskip("av")

#: Smallest RGB PSNR (dB) accepted at the best quantizer on the smooth test picture:
#: JPEG q80 4:2:0 gives ~38 dB on it; VP8 must not be visibly worse.
MIN_PSNR_DB = 36.0


def test_round_trip_is_a_key_frame_then_small_inter_frames_above_the_psnr_bound() -> None:
    encoder, decoder = vp8.Vp8Encoder(), Vp8Decoder()
    sizes = []
    for k in range(4):
        frame = smooth_picture(240, 320, shift=3 * k)
        payload = encoder.encode(frame, VIDEO_QUANTIZER_BEST)
        assert vp8.is_key_frame(payload) == (k == 0)
        assert psnr(decoder.decode(payload), frame) > MIN_PSNR_DB
        sizes.append(len(payload))
    assert max(sizes[2:]) < sizes[0] / 2  # motion compensation: inter frames are much cheaper


def test_reset_size_and_quantizer_changes_restart_with_a_key_frame() -> None:
    encoder = vp8.Vp8Encoder()
    frame = smooth_picture(120, 160)
    assert vp8.is_key_frame(encoder.encode(frame, 10))
    assert not vp8.is_key_frame(encoder.encode(frame, 10))
    assert encoder.quantizer == 10
    encoder.reset()
    assert encoder.quantizer is None
    assert vp8.is_key_frame(encoder.encode(frame, 10))
    assert vp8.is_key_frame(encoder.encode(frame, 20))
    assert vp8.is_key_frame(encoder.encode(smooth_picture(121, 161), 20))  # a new, odd size


def test_a_higher_quantizer_sends_fewer_bytes() -> None:
    frame = smooth_picture(240, 320)
    assert len(vp8.Vp8Encoder().encode(frame, 40)) < len(vp8.Vp8Encoder().encode(frame, 4))
