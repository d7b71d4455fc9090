"""Layer: protocol — the wire protocol shared by agent, relay and viewer.

See docs/protocol.md. This package imports nothing else from ``lifeline`` so
that the agent can ship without the server. The names below are the stable
surface; modules may be imported directly for the rest.
"""

from __future__ import annotations

from lifeline.protocol import messages as messages
from lifeline.protocol.encodings import Encoding as Encoding
from lifeline.protocol.encodings import encoding_name as encoding_name
from lifeline.protocol.errors import FrameError as FrameError
from lifeline.protocol.errors import MessageError as MessageError
from lifeline.protocol.errors import ProtocolError as ProtocolError
from lifeline.protocol.errors import VersionMismatch as VersionMismatch
from lifeline.protocol.frames import FLAG_FULL as FLAG_FULL
from lifeline.protocol.frames import FrameReader as FrameReader
from lifeline.protocol.frames import Rect as Rect
from lifeline.protocol.frames import ScreenUpdate as ScreenUpdate
from lifeline.protocol.frames import build_frame as build_frame
from lifeline.protocol.frames import parse_frame as parse_frame
from lifeline.protocol.messages import AGENT_TO_VIEWER as AGENT_TO_VIEWER
from lifeline.protocol.messages import VIEWER_TO_AGENT as VIEWER_TO_AGENT
from lifeline.protocol.messages import decode_message as decode_message
from lifeline.protocol.messages import encode_message as encode_message
from lifeline.protocol.version import PROTOCOL_VERSION as PROTOCOL_VERSION
from lifeline.protocol.version import SUPPORTED_VERSIONS as SUPPORTED_VERSIONS
from lifeline.protocol.version import negotiate_version as negotiate_version

__all__ = [
    "AGENT_TO_VIEWER",
    "Encoding",
    "FLAG_FULL",
    "FrameError",
    "FrameReader",
    "MessageError",
    "PROTOCOL_VERSION",
    "ProtocolError",
    "Rect",
    "SUPPORTED_VERSIONS",
    "ScreenUpdate",
    "VIEWER_TO_AGENT",
    "VersionMismatch",
    "build_frame",
    "decode_message",
    "encode_message",
    "encoding_name",
    "messages",
    "negotiate_version",
    "parse_frame",
]
