"""Errors raised by the wire protocol (see docs/protocol.md).

    ProtocolError (ValueError)   anything a peer sent that breaks the protocol
     ├── FrameError              a binary screen frame is malformed
     ├── MessageError            a JSON control message is malformed or not allowed
     └── VersionMismatch         the peers share no protocol version

This package is imported by the agent *and* the server, so it cannot depend on
``lifeline.errors``; the server translates these into ``InvalidInput`` at its
boundary. They derive from ``ValueError`` so that code which only knows
"bad input" can still catch them.
"""

from __future__ import annotations

__all__ = ["FrameError", "MessageError", "ProtocolError", "VersionMismatch"]


class ProtocolError(ValueError):
    """A peer sent something the protocol does not allow."""


class FrameError(ProtocolError):
    """A binary screen-update frame is malformed (bad header, bounds or length)."""


class MessageError(ProtocolError):
    """A JSON control message is malformed, unknown, or not allowed in this direction."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class VersionMismatch(ProtocolError):
    """The two peers have no protocol version in common."""
