"""bench/screen_x.py's video workload helpers: the frame order and the picture-quality score."""

from __future__ import annotations

import numpy as np
import pytest

from bench.screen_x import best_match_mse, photographic_pixels, ping_pong

BLOCK = 8


def test_ping_pong_plays_forwards_then_backwards_without_a_jump() -> None:
    assert [ping_pong(k, 4) for k in range(9)] == [0, 1, 2, 3, 2, 1, 0, 1, 2]


def test_each_block_is_scored_against_the_frame_it_shows() -> None:
    frames = [photographic_pixels(32, 16, zoom=1.0 + 0.05 * k, grain_channels=1) for k in range(3)]
    shown = np.empty((16, 16, 4), dtype=np.uint8)
    shown[:, :8, :3] = frames[1][:, 8:16, 2::-1]  # left half shows frame 1, right half frame 2 (RGB)
    shown[:, 8:, :3] = frames[2][:, 16:24, 2::-1]
    shown[4, 4, 0] ^= 0x10  # one pixel of coding error
    errors = best_match_mse(shown, frames, 8, 0, BLOCK)
    assert len(errors) == 4
    assert errors[0] == pytest.approx((0x10**2) / (BLOCK * BLOCK * 3))
    assert errors[1:] == [0.0, 0.0, 0.0]


def test_zoomed_frames_differ_in_place_and_monochrome_grain_is_grey() -> None:
    a = photographic_pixels(64, 48, zoom=1.0, grain_channels=1).astype(int)
    b = photographic_pixels(64, 48, zoom=1.05, grain_channels=1).astype(int)
    assert (a != b).mean() > 0.5
    # Monochrome grain: channel differences are smooth, with no per-channel noise.
    assert np.abs(np.diff(a[..., 0] - a[..., 1], axis=1)).max() < 2 * 10
