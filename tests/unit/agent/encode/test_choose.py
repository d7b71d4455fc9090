"""Codec choice (lifeline/agent/encode/choose.py)."""

from __future__ import annotations

import pytest

from lifeline.agent.encode.choose import choose_encoding, colour_count, should_use_deflate, should_use_jpeg
from lifeline.agent.encode.constants import (
    COLOUR_SAMPLE_MAX_PX,
    DEFLATE_MAX_AREA_PX,
    JPEG_MIN_AREA_PX,
    JPEG_MIN_FPS,
    PALETTE_MAX_COLOURS,
    PNG_MAX_COLOURS,
)
from lifeline.protocol import Encoding
from tests.unit.agent.encode.frames_helper import blank, photo, text_lines


def test_text_is_lossless_deflate_even_when_changing_fast() -> None:
    region = text_lines(blank(128, 256), right=250)
    assert colour_count(region) <= 2
    assert choose_encoding(region, change_fps=30.0) is Encoding.DEFLATE


def test_tiny_rects_are_deflate_whatever_their_colours() -> None:
    region = blank(13, 12)
    region[..., :3] = photo(13, 12)
    assert choose_encoding(region, change_fps=30.0) is Encoding.DEFLATE


def test_photographic_region_is_jpeg() -> None:
    region = blank(128, 256)
    region[..., :3] = photo(128, 256)
    assert choose_encoding(region, change_fps=0.0) is Encoding.JPEG


def test_lossless_photo_is_png() -> None:
    region = blank(128, 256)
    region[..., :3] = photo(128, 256)
    assert choose_encoding(region, change_fps=0.0, lossless=True) is Encoding.PNG


def test_rule_table() -> None:
    big, small = JPEG_MIN_AREA_PX, JPEG_MIN_AREA_PX - 1
    assert should_use_jpeg(big, PNG_MAX_COLOURS + 1, 0.0)
    assert not should_use_jpeg(small, PNG_MAX_COLOURS + 1, 0.0)  # JPEG header tax
    assert should_use_jpeg(big, 100, JPEG_MIN_FPS)  # moderate colours, changing fast
    assert not should_use_jpeg(big, 100, JPEG_MIN_FPS / 2)  # moderate colours, slow: PNG
    assert not should_use_jpeg(big, 8, 60.0)  # flat text: always lossless
    assert should_use_deflate(DEFLATE_MAX_AREA_PX, PALETTE_MAX_COLOURS)
    assert not should_use_deflate(DEFLATE_MAX_AREA_PX + 1, 2)  # big: PNG, the exact palette costs too much
    assert not should_use_deflate(big, PALETTE_MAX_COLOURS + 1)  # no palette: PNG's filters do better


def test_a_full_hd_photo_is_counted_on_a_bounded_sample_and_still_jpeg() -> None:
    """Large regions widen the sample stride (COLOUR_SAMPLE_MAX_PX) but still look photographic."""
    region = blank(1080, 1920)
    region[..., :3] = photo(1080, 1920)
    assert PNG_MAX_COLOURS < colour_count(region) <= COLOUR_SAMPLE_MAX_PX
    assert choose_encoding(region, change_fps=0.0) is Encoding.JPEG
    text = text_lines(blank(1080, 1920), right=1900)
    assert choose_encoding(text, change_fps=30.0) is Encoding.PNG  # above DEFLATE_MAX_AREA_PX


def test_the_colour_count_stops_at_a_sparse_probe_only_above_every_threshold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A probe of the sample that already shows more colours than any rule tells apart is enough."""
    import numpy as np

    from lifeline.agent.encode import choose

    counted: list[int] = []
    unique = np.unique

    def counting(values: np.ndarray) -> np.ndarray:
        counted.append(values.size)
        return unique(values)

    monkeypatch.setattr(choose.np, "unique", counting)
    region = blank(1080, 1920)
    region[..., :3] = photo(1080, 1920)
    assert colour_count(region) > choose.DECISIVE_COLOURS
    assert len(counted) == 1 and counted[0] < COLOUR_SAMPLE_MAX_PX // 8  # the probe alone
    counted.clear()
    moderate = blank(512, 512)  # 200 colours: below the thresholds, so counted in full after the probe
    moderate[..., 0] = np.random.default_rng(3).integers(0, 200, (512, 512)).astype(np.uint8)
    assert colour_count(moderate) == 200 and len(counted) == 2
