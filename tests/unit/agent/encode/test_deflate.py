"""The DEFLATE codec (lifeline/agent/encode/codecs/deflate.py) on synthetic regions."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from lifeline.agent.encode.codecs import png
from lifeline.agent.encode.codecs.deflate import (
    FLAG_RESET,
    HEADER,
    SYNC_FLUSH_TAIL,
    DeflateDecoder,
    DeflateEncoder,
    index_bits,
)
from tests.unit.agent.encode.frames_helper import blank, photo, text_lines


def _with_colours(count: int, height: int = 13, width: int = 37) -> np.ndarray:
    """A region using exactly ``count`` distinct colours, in a pseudo-random layout."""
    rng = np.random.default_rng(count)
    palette = rng.choice(1 << 24, size=count, replace=False)
    index = rng.integers(0, count, (height, width))
    index.flat[:count] = np.arange(count)  # every colour appears at least once
    region = blank(height, width)
    chosen = palette[index]
    region[..., 0], region[..., 1], region[..., 2] = chosen & 0xFF, (chosen >> 8) & 0xFF, chosen >> 16
    return region


@pytest.mark.parametrize(
    ("colours", "bits"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 4), (16, 4), (17, 8), (256, 8)]
)
def test_palette_sizes_round_trip_at_their_index_width(colours: int, bits: int) -> None:
    region = _with_colours(colours, width=37 if colours < 256 else 301)  # odd widths: padded rows
    payload = DeflateEncoder().encode(region)
    assert HEADER.unpack_from(payload) == (FLAG_RESET, colours)
    assert index_bits(colours) == bits
    decoded = DeflateDecoder().decode(payload, region.shape[1], region.shape[0])
    assert np.array_equal(decoded, region[..., 2::-1])


def test_more_colours_than_a_palette_go_as_rgb_and_round_trip() -> None:
    region = blank(40, 50)
    region[..., :3] = photo(40, 50)
    payload = DeflateEncoder().encode(region)
    assert HEADER.unpack_from(payload)[1] == 0
    assert np.array_equal(DeflateDecoder().decode(payload, 50, 40), region[..., 2::-1])


def test_a_non_contiguous_slice_encodes_like_a_copy() -> None:
    frame = text_lines(blank(64, 128), right=120)
    assert DeflateEncoder().encode(frame[3:20, 5:70]) == DeflateEncoder().encode(frame[3:20, 5:70].copy())


def test_the_stream_remembers_earlier_updates_and_a_reset_starts_over() -> None:
    """Typing the same glyph again costs a back-reference, not the glyph: the reason for the codec."""
    glyph = text_lines(blank(13, 12), seed=3, right=12, glyph_rows=9)
    glyph[2:8, 2:4, :3] = (40, 80, 200)  # three colours: 2-bit indices
    encoder, decoder = DeflateEncoder(), DeflateDecoder()
    first, second = encoder.encode(glyph), encoder.encode(glyph)
    assert HEADER.unpack_from(second)[0] & FLAG_RESET == 0
    assert len(second) < len(first)
    for payload in (first, second):
        assert np.array_equal(decoder.decode(payload, 12, 13), glyph[..., 2::-1])
    encoder.reset()
    third = encoder.encode(glyph)
    assert third == first and HEADER.unpack_from(third)[0] & FLAG_RESET


def test_a_typed_character_is_far_smaller_than_its_png() -> None:
    glyph = text_lines(blank(13, 12), seed=5, right=12, glyph_rows=9)
    assert len(DeflateEncoder().encode(glyph)) * 3 < len(png.encode(glyph))


def test_the_constant_sync_flush_tail_is_left_off_the_wire() -> None:
    """Each payload ends where the sync flush's 00 00 FF FF would: appending it inflates everything."""
    region = _with_colours(3)
    payload = DeflateEncoder().encode(region)
    inflater = zlib.decompressobj(-15)
    raw = inflater.decompress(payload[HEADER.size :] + SYNC_FLUSH_TAIL)
    assert len(raw) == 3 * 3 + region.shape[0] * -(-region.shape[1] * 2 // 8)  # palette + 2-bit rows
    assert inflater.unconsumed_tail == b"" and not inflater.eof


def test_a_continuation_without_a_started_stream_is_refused() -> None:
    encoder = DeflateEncoder()
    encoder.encode(blank(4, 4))
    continuation = encoder.encode(blank(4, 4, (1, 2, 3)))
    with pytest.raises(ValueError, match="never started"):
        DeflateDecoder().decode(continuation, 4, 4)
