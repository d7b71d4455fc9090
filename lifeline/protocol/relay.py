"""Relay messages: what an agent and a viewer say to the *server* around the screen stream.

docs/protocol.md ("Relay and agent connection") is the reference. The screen
and input messages of ``messages.py`` pass through the relay unchanged; the
messages here open the connections (authentication, session facts),
address one viewer among several, carry the customer's consent and revoke
state, and start or stop a viewer's stream. They are validated with the same
field rules as ``messages.py`` (unknown types and fields refused, ranges
checked) because every one of them arrives from an untrusted peer.

Binary messages on the agent's websocket carry the viewer they are for:
``viewer_id_len u8 | viewer_id ASCII | screen-update frame``
(``address_frame`` / ``split_addressed_frame``). Viewers receive plain frames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from lifeline.protocol.errors import FrameError, MessageError
from lifeline.protocol.messages import (
    _BOOL,
    AGENT_TO_VIEWER,
    VIEWER_TO_AGENT,
    Message,
    _check_object,
    _Field,
    validate_message,
)

__all__ = [
    "AGENT_TO_RELAY",
    "CONSENT_CHANGES",
    "CONSENT_VIA",
    "MODES",
    "RELAY_TO_AGENT",
    "RELAY_TO_VIEWER",
    "VIEWER_TO_RELAY",
    "address_frame",
    "build",
    "decode_relay_message",
    "split_addressed_frame",
]

#: Viewer ids are short random tokens chosen by the relay (url-safe base64).
VIEWER_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: "control": see the screen and send input; "view": see the screen only.
MODES = ("control", "view")
MAX_NAME_CHARS = 128
#: A screenshot travels as one base64 PNG; 1920x1080 desktops stay far below this.
MAX_SCREENSHOT_CHARS = 40_000_000
#: The largest text message a relay accepts (a screenshot plus envelope).
MAX_RELAY_MESSAGE_CHARS = MAX_SCREENSHOT_CHARS + 1024
_LSID = _Field(str, pattern=re.compile(r"[0-9a-f]{32}"))
_TOKEN = _Field(str, pattern=re.compile(r"[A-Za-z0-9_-]{16,128}"))
_VIEWER = _Field(str, pattern=VIEWER_ID_PATTERN)
_MODE = _Field(str, choices=frozenset(MODES))
_NAME = _Field(str, max_length=MAX_NAME_CHARS)
_INNER = _Field(dict)  # validated separately against the direction's allowed set
_OPT_BOOL = _Field(bool, required=False)
_POLICY = _Field(
    dict,
    fields={
        "single_prompt": _BOOL,
        "prompt_at_start": _BOOL,
        "pause_break_revokes": _BOOL,
        "input_priority": _Field(str, choices=frozenset({"technician", "customer"})),
        "clipboard_mode": _Field(str, choices=frozenset({"universal", "per_session"})),
        "disable_wallpaper": _BOOL,
    },
)
_CONSENT = _Field(dict, fields={"view": _BOOL, "control": _BOOL, "pending": _BOOL})
#: What the customer just did, when a ``consent`` message reports an action (for the session's event log).
CONSENT_CHANGES = ("granted", "denied", "revoked")
#: How the customer did it: the prompt's buttons, the Pause/Break hotkey, the indicator's revoke button.
CONSENT_VIA = ("prompt", "hotkey", "button")

_SCHEMAS: dict[str, dict[str, _Field]] = {
    # agent -> relay
    "agent_auth": {"lsid": _LSID, "token": _TOKEN},
    "to_viewer": {"viewer": _Field(str, required=False, pattern=VIEWER_ID_PATTERN), "message": _INNER},
    "consent": {
        "view": _BOOL,
        "control": _BOOL,
        "pending": _BOOL,
        "denied": _OPT_BOOL,
        "change": _Field(str, required=False, choices=frozenset(CONSENT_CHANGES)),
        "via": _Field(str, required=False, choices=frozenset(CONSENT_VIA)),
    },
    "screenshot": {"viewer": _VIEWER, "png": _Field(str, max_length=MAX_SCREENSHOT_CHARS)},
    # relay -> agent
    "session_info": {
        "lsid": _LSID,
        "status": _Field(str, max_length=32),
        "customer_name": _NAME,
        "policy": _POLICY,
    },
    "session_closed": {"reason": _Field(str, max_length=64)},
    "viewer_join": {"viewer": _VIEWER, "mode": _MODE, "technician": _NAME},
    "viewer_leave": {"viewer": _VIEWER},
    "from_viewer": {"viewer": _VIEWER, "message": _INNER},
    "screenshot_request": {"viewer": _Field(str, required=False, pattern=VIEWER_ID_PATTERN)},
    # viewer -> relay
    "start": {"mode": _MODE},
    "stop": {},
    # relay -> viewer
    "state": {
        "agent_online": _BOOL,
        "mode": _Field(str, required=False, choices=frozenset(MODES)),
        "consent": _CONSENT,
        "denied": _OPT_BOOL,
        "allowed": _Field(dict, fields={"control": _BOOL, "view": _BOOL, "clipboard": _BOOL, "screenshot": _BOOL}),
        "clipboard_mode": _Field(str, choices=frozenset({"universal", "per_session"})),
    },
    "refused": {"reason": _Field(str, max_length=256)},
    "screenshot_png": {"png": _Field(str, max_length=MAX_SCREENSHOT_CHARS)},
}

#: What an agent may send the relay, besides ``hello``.
AGENT_TO_RELAY = frozenset({"agent_auth", "to_viewer", "consent", "screenshot"})
#: What the relay sends an agent, besides ``welcome``.
RELAY_TO_AGENT = frozenset(
    {"session_info", "session_closed", "viewer_join", "viewer_leave", "from_viewer", "screenshot_request"}
)
#: What a viewer may send the relay: stream control plus the screen/input messages for the agent.
VIEWER_TO_RELAY = frozenset({"start", "stop", "screenshot_request"}) | VIEWER_TO_AGENT
#: What the relay sends a viewer: its state plus what agents send viewers.
RELAY_TO_VIEWER = frozenset({"state", "refused", "screenshot_png"}) | AGENT_TO_VIEWER


def decode_relay_message(text: str | bytes, *, allowed: Iterable[str]) -> Message:
    """Parse and validate one untrusted relay-level message (or a screen/input one in ``allowed``).

    ``to_viewer`` / ``from_viewer`` envelopes have their inner message checked
    against the direction's screen/input set too.
    """
    if len(text) > MAX_RELAY_MESSAGE_CHARS:
        raise MessageError(f"message of {len(text)} characters exceeds {MAX_RELAY_MESSAGE_CHARS}")
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MessageError(f"message is not valid JSON: {exc}") from exc
    return validate_relay_message(obj, allowed=allowed)


def validate_relay_message(obj: object, *, allowed: Iterable[str]) -> Message:
    allowed_set = frozenset(allowed)
    if not isinstance(obj, dict) or obj.get("type") not in _SCHEMAS:
        return validate_message(obj, allowed=allowed_set)
    kind = obj["type"]
    if kind not in allowed_set:
        raise MessageError(f"message type {kind!r} is not allowed here", field="type")
    _check_object(obj, _SCHEMAS[kind], prefix=f"{kind}.", skip={"type"})
    if kind == "to_viewer":
        validate_message(obj["message"], allowed=AGENT_TO_VIEWER)
    elif kind == "from_viewer":
        validate_message(obj["message"], allowed=VIEWER_TO_AGENT)
    return obj


def build(kind: str, **fields: Any) -> Message:
    """A validated relay message; None-valued fields are omitted (never ``null`` on the wire)."""
    message = {"type": kind, **{k: v for k, v in fields.items() if v is not None}}
    return validate_relay_message(message, allowed=_SCHEMAS)


def address_frame(viewer: str, frame: bytes) -> bytes:
    """Prefix a screen-update frame with the viewer it is for (agent → relay)."""
    raw = viewer.encode("ascii")
    if not VIEWER_ID_PATTERN.fullmatch(viewer):
        raise FrameError(f"bad viewer id {viewer!r}")
    return bytes([len(raw)]) + raw + frame


def split_addressed_frame(data: bytes) -> tuple[str, bytes]:
    """Inverse of ``address_frame``; raises FrameError on a malformed prefix."""
    if not data:
        raise FrameError("empty binary message")
    size = data[0]
    viewer = data[1 : 1 + size].decode("ascii", "replace")
    if len(data) < 1 + size or not VIEWER_ID_PATTERN.fullmatch(viewer):
        raise FrameError("binary message does not start with a valid viewer id")
    return viewer, data[1 + size :]
