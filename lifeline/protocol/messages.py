"""JSON control messages for screen and input: pure builders and a validator.

See docs/protocol.md, "Control messages". Screen pixels travel as binary
frames (``frames.py``); everything else is one JSON object per websocket text
message with a ``type`` field. Builders here are pure functions returning a
validated ``dict`` (so a relay can route it before serialising); use
``encode_message`` for the wire text and ``decode_message`` for anything that
arrives from a peer, which is untrusted: unknown types, unknown fields, wrong
JSON types and out-of-range numbers are all rejected with a message that names
the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lifeline.protocol.errors import MessageError

__all__ = [
    "AGENT_TO_VIEWER",
    "MESSAGE_TYPES",
    "VIEWER_TO_AGENT",
    "Message",
    "Motion",
    "ack",
    "clipboard",
    "cursor_position",
    "cursor_shape",
    "decode_message",
    "encode_message",
    "encodings",
    "hello",
    "key_event",
    "monitor_list",
    "monitor_select",
    "mouse_button",
    "mouse_move",
    "quality_hint",
    "refresh",
    "release_all",
    "validate_message",
    "welcome",
    "wheel",
]

Message = dict[str, Any]

#: Largest JSON text accepted (bytes/chars): a full clipboard plus envelope.
MAX_MESSAGE_CHARS = 1_100_000
#: Clipboard text is capped (characters) so one paste cannot stall the input path.
MAX_CLIPBOARD_CHARS = 1_000_000
#: Screen coordinates are uint16 on the wire, as in frames.py.
MAX_COORD = 0xFFFF
#: DOM MouseEvent.button numbering: 0 left, 1 middle, 2 right, 3 back, 4 forward.
MAX_MOUSE_BUTTON = 4
#: Wheel deltas are whole notches; more than this per event is a broken client.
MAX_WHEEL_STEPS = 100
#: KeyboardEvent.code values are short ASCII identifiers ("KeyA", "ShiftLeft").
KEY_CODE_PATTERN = re.compile(r"[A-Za-z0-9]{1,32}")
#: KeyboardEvent.key is a character or a named key ("a", "Enter"); cap its length.
MAX_KEY_CHARS = 32
#: Cursor images are capped at 256x256 px (Xcursor's largest standard size).
MAX_CURSOR_PX = 256
#: A base64 PNG of a 256x256 RGBA cursor stays well under this many characters.
MAX_CURSOR_PNG_CHARS = 400_000
#: Monitors per machine; more is not a real desktop.
MAX_MONITORS = 16
#: JPEG quality a viewer may request (simplejpeg's useful range).
MIN_JPEG_QUALITY, MAX_JPEG_QUALITY = 10, 95
#: Frame-rate cap a viewer may request (updates per second).
MIN_FPS, MAX_FPS = 1, 60


class Motion(StrEnum):
    """The technician's choice for sustained full-screen motion (``quality`` message ``motion``).

    AUTO (also: field absent) leaves it to the agent, which sends VP8 only when the
    measured link is too slow for JPEG full frames; SHARP never sends VP8; VIDEO sends
    VP8 for every run of motion the viewer can decode (a slow link the agent cannot see).
    """

    AUTO = "auto"
    SHARP = "sharp"
    VIDEO = "video"


MAX_UINT32 = 0xFFFFFFFF
MAX_VERSIONS = 32
#: Longest decode-and-draw time (ms) an ack may report: past the agent's ack timeout (10 s)
#: the update counts as lost anyway.
MAX_DRAW_MS = 60_000
#: Encoding ids are a u8 on the wire (frames.py); a list of them cannot be longer.
MAX_ENCODING_ID = 0xFF
MAX_ENCODINGS = 32


@dataclass(frozen=True, slots=True)
class _Field:
    """Constraints on one field; ``kind`` is the Python type JSON decodes it to."""

    kind: type
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    choices: frozenset[str] | None = None
    items: _Field | None = None
    fields: Mapping[str, _Field] | None = None


def _int(lo: int, hi: int, required: bool = True) -> _Field:
    return _Field(int, required, minimum=lo, maximum=hi)


_COORD = _int(0, MAX_COORD)
_BOOL = _Field(bool)
_MONITOR = _Field(
    dict,
    fields={
        "index": _int(0, MAX_MONITORS - 1),
        "x": _int(-MAX_COORD, MAX_COORD),
        "y": _int(-MAX_COORD, MAX_COORD),
        "width": _int(1, MAX_COORD),
        "height": _int(1, MAX_COORD),
        "primary": _BOOL,
    },
)

#: type -> allowed fields. ``type`` itself is implicit.
_SCHEMAS: dict[str, dict[str, _Field]] = {
    "hello": {
        "versions": _Field(list, max_length=MAX_VERSIONS, items=_int(1, 0xFFFF)),
        "role": _Field(str, choices=frozenset({"agent", "viewer"})),
    },
    "welcome": {"version": _int(1, 0xFFFF)},
    "key": {
        "code": _Field(str, pattern=KEY_CODE_PATTERN),
        "down": _BOOL,
        "key": _Field(str, required=False, max_length=MAX_KEY_CHARS),
    },
    "mouse_move": {"x": _COORD, "y": _COORD},
    "mouse_button": {"button": _int(0, MAX_MOUSE_BUTTON), "down": _BOOL, "x": _COORD, "y": _COORD},
    "wheel": {
        "x": _COORD,
        "y": _COORD,
        "dx": _int(-MAX_WHEEL_STEPS, MAX_WHEEL_STEPS),
        "dy": _int(-MAX_WHEEL_STEPS, MAX_WHEEL_STEPS),
    },
    "release_all": {},
    "ack": {"seq": _int(0, MAX_UINT32), "draw_ms": _int(0, MAX_DRAW_MS, required=False)},
    "clipboard": {"text": _Field(str, max_length=MAX_CLIPBOARD_CHARS)},
    "cursor": {"x": _int(-MAX_COORD, MAX_COORD), "y": _int(-MAX_COORD, MAX_COORD), "visible": _BOOL},
    "cursor_shape": {
        "width": _int(1, MAX_CURSOR_PX),
        "height": _int(1, MAX_CURSOR_PX),
        "hot_x": _int(0, MAX_CURSOR_PX - 1),
        "hot_y": _int(0, MAX_CURSOR_PX - 1),
        "png": _Field(str, max_length=MAX_CURSOR_PNG_CHARS),
    },
    "monitors": {
        "monitors": _Field(list, max_length=MAX_MONITORS, items=_MONITOR),
        "selected": _int(0, MAX_MONITORS - 1),
    },
    "monitor_select": {"index": _int(0, MAX_MONITORS - 1)},
    "quality": {
        "jpeg_quality": _int(MIN_JPEG_QUALITY, MAX_JPEG_QUALITY, required=False),
        "max_fps": _int(MIN_FPS, MAX_FPS, required=False),
        "motion": _Field(str, required=False, choices=frozenset(Motion)),
    },
    "refresh": {},
    "encodings": {"encodings": _Field(list, max_length=MAX_ENCODINGS, items=_int(0, MAX_ENCODING_ID))},
}

MESSAGE_TYPES: frozenset[str] = frozenset(_SCHEMAS)
#: What an agent accepts from a viewer (through the relay). Anything else is refused.
VIEWER_TO_AGENT: frozenset[str] = frozenset(
    {"key", "mouse_move", "mouse_button", "wheel", "release_all", "ack", "clipboard",
     "monitor_select", "quality", "refresh", "encodings"}
)
#: What a viewer accepts from an agent (through the relay).
AGENT_TO_VIEWER: frozenset[str] = frozenset({"clipboard", "cursor", "cursor_shape", "monitors", "encodings"})


# ===== VALIDATION =====


def decode_message(text: str | bytes, *, allowed: Iterable[str] = MESSAGE_TYPES) -> Message:
    """Parse and validate one untrusted JSON control message."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise MessageError(f"message of {len(text)} characters exceeds {MAX_MESSAGE_CHARS}")
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MessageError(f"message is not valid JSON: {exc}") from exc
    return validate_message(obj, allowed=allowed)


def validate_message(obj: object, *, allowed: Iterable[str] = MESSAGE_TYPES) -> Message:
    """Check ``obj`` against its type's schema; return it unchanged if valid."""
    if not isinstance(obj, dict):
        raise MessageError(f"message must be a JSON object, got {type(obj).__name__}")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise MessageError('message needs a string "type"', field="type")
    if kind not in _SCHEMAS:
        raise MessageError(f"unknown message type {kind!r}", field="type")
    allowed_set = allowed if isinstance(allowed, (set, frozenset)) else frozenset(allowed)
    if kind not in allowed_set:
        raise MessageError(f"message type {kind!r} is not allowed here", field="type")
    _check_object(obj, _SCHEMAS[kind], prefix=f"{kind}.", skip={"type"})
    return obj


def _check_object(obj: Mapping[str, Any], schema: Mapping[str, _Field], prefix: str, skip: set[str]) -> None:
    unknown = sorted(set(obj) - set(schema) - skip)
    if unknown:
        raise MessageError(f"unknown field {prefix}{unknown[0]}", field=prefix + unknown[0])
    for name, spec in schema.items():
        if name in obj:
            _check_value(obj[name], spec, prefix + name)
        elif spec.required:
            raise MessageError(f"missing field {prefix}{name}", field=prefix + name)


def _check_value(value: object, spec: _Field, where: str) -> None:
    # bool is a subclass of int in Python but a different JSON type: keep them apart.
    if isinstance(value, bool) != (spec.kind is bool) or not isinstance(value, spec.kind):
        raise MessageError(f"{where} must be {spec.kind.__name__}, got {type(value).__name__}", field=where)
    if isinstance(value, int) and not isinstance(value, bool) and (
        (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum)
    ):
        raise MessageError(f"{where}={value} outside {spec.minimum}..{spec.maximum}", field=where)
    if isinstance(value, (str, list)) and spec.max_length is not None and len(value) > spec.max_length:
        raise MessageError(f"{where} longer than {spec.max_length}", field=where)
    if isinstance(value, str):
        if spec.pattern is not None and not spec.pattern.fullmatch(value):
            raise MessageError(f"{where}={value[:40]!r} is not a valid value", field=where)
        if spec.choices is not None and value not in spec.choices:
            raise MessageError(f"{where}={value!r} not one of {sorted(spec.choices)}", field=where)
    if isinstance(value, list) and spec.items is not None:
        for i, item in enumerate(value):
            _check_value(item, spec.items, f"{where}[{i}]")
    if isinstance(value, dict) and spec.fields is not None:
        _check_object(value, spec.fields, prefix=where + ".", skip=set())


def encode_message(message: Message) -> str:
    """Validate and serialise for a websocket text message (compact JSON)."""
    validate_message(message)
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


# ===== BUILDERS =====


def _build(kind: str, **fields: Any) -> Message:
    return validate_message({"type": kind, **{k: v for k, v in fields.items() if v is not None}})


def hello(versions: Iterable[int], role: str) -> Message:
    """First message of a connecting agent or viewer: the versions it speaks."""
    return _build("hello", versions=list(versions), role=role)


def welcome(version: int) -> Message:
    """The relay's answer to ``hello``: the negotiated version."""
    return _build("welcome", version=version)


def key_event(code: str, down: bool, key: str | None = None) -> Message:
    """A physical key (``KeyboardEvent.code``) going down or up; ``key`` helps layout translation."""
    return _build("key", code=code, down=down, key=key)


def mouse_move(x: int, y: int) -> Message:
    """Pointer moved to (x, y) in pixels of the selected monitor."""
    return _build("mouse_move", x=x, y=y)


def mouse_button(button: int, down: bool, x: int, y: int) -> Message:
    """A button (DOM numbering) pressed or released at (x, y)."""
    return _build("mouse_button", button=button, down=down, x=x, y=y)


def wheel(x: int, y: int, dx: int, dy: int) -> Message:
    """Wheel notches at (x, y); positive dy scrolls down, positive dx right."""
    return _build("wheel", x=x, y=y, dx=dx, dy=dy)


def release_all() -> Message:
    """The viewer lost focus: release every held key and button now."""
    return _build("release_all")


def ack(seq: int, draw_ms: int | None = None) -> Message:
    """The viewer has drawn update ``seq`` (and all before it); ``draw_ms``: how long it held the update,
    from its arrival to drawn, which the agent's link-rate estimate leaves out (a busy viewer is not a slow link)."""
    return _build("ack", seq=seq, draw_ms=draw_ms)


def clipboard(text: str) -> Message:
    """Clipboard text, in either direction."""
    return _build("clipboard", text=text)


def cursor_position(x: int, y: int, visible: bool = True) -> Message:
    """Where the remote pointer is, so the viewer can draw it locally."""
    return _build("cursor", x=x, y=y, visible=visible)


def cursor_shape(width: int, height: int, hot_x: int, hot_y: int, png_base64: str) -> Message:
    """The remote pointer's image (base64 PNG) and hotspot."""
    return _build("cursor_shape", width=width, height=height, hot_x=hot_x, hot_y=hot_y, png=png_base64)


def monitor_list(monitors: Iterable[Mapping[str, Any]], selected: int) -> Message:
    """The agent's monitors (dicts with index, x, y, width, height, primary) and which is shown."""
    return _build("monitors", monitors=[dict(m) for m in monitors], selected=selected)


def monitor_select(index: int) -> Message:
    """The viewer asks to see another monitor."""
    return _build("monitor_select", index=index)


def quality_hint(jpeg_quality: int | None = None, max_fps: int | None = None,
                 motion: Motion | None = None) -> Message:
    """Viewer preferences; an absent field means "let the agent adapt"."""
    return _build("quality", jpeg_quality=jpeg_quality, max_fps=max_fps,
                  motion=None if motion is None else str(motion))


def refresh() -> Message:
    """The viewer asks for a full-screen update (it lost its canvas or just joined)."""
    return _build("refresh")


def encodings(ids: Iterable[int]) -> Message:
    """Encoding ids beyond the baseline: viewer → agent, the ones it can decode;
    agent → viewer, the ones it will send that viewer (see docs/protocol.md)."""
    return _build("encodings", encodings=sorted(ids))
