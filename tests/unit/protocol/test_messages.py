"""Control-message builders and validation of untrusted input (lifeline/protocol/messages.py)."""

from __future__ import annotations

import json

import pytest

from lifeline.protocol import VIEWER_TO_AGENT, MessageError, decode_message, encode_message, messages


def test_builders_produce_messages_that_decode_to_themselves() -> None:
    built = [
        messages.key_event("KeyA", True, "a"),
        messages.key_event("ShiftLeft", False),
        messages.mouse_move(10, 20),
        messages.mouse_button(2, True, 5, 6),
        messages.wheel(1, 2, 0, -3),
        messages.release_all(),
        messages.ack(42),
        messages.ack(43, draw_ms=17),
        messages.clipboard("héllo\n"),
        messages.cursor_position(3, 4),
        messages.cursor_shape(16, 16, 1, 1, "iVBORw0KGgo="),
        messages.monitor_list([{"index": 0, "x": 0, "y": 0, "width": 1280, "height": 800, "primary": True}], 0),
        messages.monitor_select(1),
        messages.quality_hint(jpeg_quality=50),
        messages.quality_hint(),
        messages.quality_hint(motion=messages.Motion.VIDEO),
        messages.refresh(),
        messages.encodings([6]),
        messages.encodings([]),
        messages.hello([1], "agent"),
        messages.welcome(1),
    ]
    for message in built:
        assert decode_message(encode_message(message)) == message


def test_optional_fields_are_omitted_not_null() -> None:
    assert messages.key_event("Enter", True) == {"type": "key", "code": "Enter", "down": True}
    assert messages.quality_hint() == {"type": "quality"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1]", "must be a JSON object"),
        ("{", "not valid JSON"),
        ('{"code": "KeyA"}', 'needs a string "type"'),
        ('{"type": "launch_missiles"}', "unknown message type 'launch_missiles'"),
        ('{"type": "ack"}', "missing field ack.seq"),
        ('{"type": "ack", "seq": 1, "extra": 2}', "unknown field ack.extra"),
        ('{"type": "ack", "seq": -1}', "ack.seq=-1 outside 0..4294967295"),
        ('{"type": "ack", "seq": 1.5}', "ack.seq must be int, got float"),
        ('{"type": "ack", "seq": true}', "ack.seq must be int, got bool"),
        ('{"type": "key", "code": "Key A", "down": true}', "key.code='Key A' is not a valid value"),
        ('{"type": "key", "code": "KeyA", "down": 1}', "key.down must be bool, got int"),
        ('{"type": "mouse_button", "button": 9, "down": true, "x": 0, "y": 0}', "mouse_button.button=9"),
        ('{"type": "hello", "versions": [1], "role": "admin"}', "hello.role='admin' not one of"),
        ('{"type": "encodings", "encodings": [256]}', r"encodings.encodings\[0\]=256 outside 0..255"),
        (
            (
                '{"type": "monitors", "selected": 0, "monitors": [{"index": 0, "x": 0, "y": 0, "width": 0,'
                ' "height": 1, "primary": true}]}'
            ),
            r"monitors.monitors\[0\].width=0",
        ),
    ],
)
def test_invalid_messages_are_rejected_with_the_field_named(text: str, message: str) -> None:
    with pytest.raises(MessageError, match=message):
        decode_message(text)


def test_direction_filter_refuses_agent_messages_from_a_viewer() -> None:
    text = json.dumps({"type": "monitors", "monitors": [], "selected": 0})
    with pytest.raises(MessageError, match="not allowed here"):
        decode_message(text, allowed=VIEWER_TO_AGENT)


def test_error_carries_the_field_for_clients() -> None:
    with pytest.raises(MessageError) as info:
        decode_message('{"type": "wheel", "x": 0, "y": 0, "dx": 0, "dy": 1000}')
    assert info.value.field == "wheel.dy"


def test_oversized_clipboard_is_rejected() -> None:
    with pytest.raises(MessageError, match="longer than"):
        messages.clipboard("x" * (messages.MAX_CLIPBOARD_CHARS + 1))


def test_quality_motion_is_one_of_the_technicians_choices() -> None:
    assert messages.quality_hint(motion=messages.Motion.SHARP) == {"type": "quality", "motion": "sharp"}
    assert decode_message('{"type": "quality", "motion": "auto"}')["motion"] == messages.Motion.AUTO
    with pytest.raises(MessageError):
        decode_message('{"type": "quality", "motion": "h264"}')
