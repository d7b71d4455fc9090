"""Framing round-trips and the resumable reader (lifeline/protocol/frames.py)."""

from __future__ import annotations

import struct

import pytest

from lifeline.protocol import Encoding, FrameError, FrameReader, Rect, ScreenUpdate, build_frame, parse_frame
from lifeline.protocol.frames import FLAG_FULL, FRAME_HEADER_SIZE, RECT_HEADER_SIZE


def _update() -> ScreenUpdate:
    return ScreenUpdate(
        seq=7,
        timestamp_ms=1_700_000_000_123.5,
        screen_width=1280,
        screen_height=800,
        rects=(
            Rect.copy(0, 0, 640, 700, 0, 39),
            Rect.fill(0, 700, 64, 64, (10, 20, 30)),
            Rect(64, 700, 128, 64, Encoding.PNG, b"\x89PNG fake"),
            Rect(0, 764, 1280, 36, Encoding.JPEG, b"\xff\xd8 fake"),
        ),
        flags=FLAG_FULL,
    )


def test_round_trip_preserves_every_field() -> None:
    update = _update()
    assert parse_frame(build_frame(update)) == update


def test_frame_length_is_header_plus_rect_headers_plus_payloads() -> None:
    update = _update()
    payloads = sum(len(r.payload) for r in update.rects)
    assert len(build_frame(update)) == FRAME_HEADER_SIZE + len(update.rects) * RECT_HEADER_SIZE + payloads


def test_header_layout_is_big_endian_and_documented() -> None:
    data = build_frame(_update())
    kind, flags, seq, ts, w, h, count = struct.unpack_from(">BBIdHHH", data)
    assert (kind, flags, seq, ts, w, h, count) == (1, FLAG_FULL, 7, 1_700_000_000_123.5, 1280, 800, 4)


def test_reader_resumes_across_single_byte_chunks() -> None:
    data = build_frame(_update()) * 2
    reader = FrameReader()
    updates = []
    for i in range(len(data)):
        reader.feed(data[i : i + 1])
        while (u := reader.next()) is not None:
            updates.append(u)
    assert updates == [_update(), _update()]
    assert reader.buffered == 0


def test_reader_labels_what_it_waits_for() -> None:
    data = build_frame(_update())
    reader = FrameReader()
    reader.feed(data[: FRAME_HEADER_SIZE + 3])
    assert reader.next() is None
    assert reader.waiting_for.startswith("rect 0 header: need 13 bytes, have 3")


def test_zero_rect_update_is_valid() -> None:
    update = ScreenUpdate(1, 0.0, 10, 10)
    assert parse_frame(build_frame(update)) == update


@pytest.mark.parametrize(
    ("rect", "message"),
    [
        (Rect(0, 0, 0, 5, Encoding.PNG, b"x"), "empty 0x5"),
        (Rect(90, 0, 20, 5, Encoding.PNG, b"x"), "outside screen"),
        (Rect(0, 0, 5, 5, Encoding.FILL, b"\x00\x00"), "FILL payload must be 3 bytes"),
        (Rect.copy(0, 0, 50, 50, 60, 0), "COPY source"),
        (Rect(0, 0, 5, 5, Encoding.JPEG, b""), "empty JPEG payload"),
    ],
)
def test_invalid_rects_are_refused_on_build(rect: Rect, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        build_frame(ScreenUpdate(1, 0.0, 100, 100, (rect,)))


def test_unknown_encoding_is_refused_on_parse() -> None:
    good = build_frame(ScreenUpdate(1, 0.0, 100, 100, (Rect.fill(0, 0, 1, 1, (0, 0, 0)),)))
    bad = bytearray(good)
    bad[FRAME_HEADER_SIZE + 8] = 99  # the encoding byte of rect 0
    with pytest.raises(FrameError, match="unsupported encoding 99"):
        parse_frame(bytes(bad))


def test_unknown_kind_and_flags_are_refused() -> None:
    good = bytearray(build_frame(ScreenUpdate(1, 0.0, 10, 10)))
    with pytest.raises(FrameError, match="unknown frame kind 0x02"):
        parse_frame(bytes([2]) + good[1:])
    with pytest.raises(FrameError, match="unknown flag bits"):
        parse_frame(good[:1] + bytes([0x80]) + good[2:])


def test_truncated_and_trailing_bytes_are_errors_for_whole_frames() -> None:
    data = build_frame(_update())
    with pytest.raises(FrameError, match="truncated frame"):
        parse_frame(data[:-1])
    with pytest.raises(FrameError, match="1 trailing bytes"):
        parse_frame(data + b"\x00")


def test_huge_payload_claim_is_refused_before_buffering() -> None:
    header = struct.pack(">BBIdHHH", 1, 0, 1, 0.0, 100, 100, 1)
    rect = struct.pack(">HHHHBI", 0, 0, 10, 10, Encoding.PNG, 0xFFFFFFFF)
    reader = FrameReader()
    reader.feed(header + rect)
    with pytest.raises(FrameError, match="exceeds"):
        reader.next()
