"""Relay traffic on the bus: subjects per session and a framing that splits big payloads.

An agent and its viewers may be connected to different server processes, so
everything between them goes over the bus (``relay.<lsid>.*``), even when they
happen to share a process. NATS refuses payloads above 1 MiB, and a full-screen
PNG can be larger, so a payload is cut into parts of at most ``MAX_PART_BYTES``.
NATS keeps the order of one publisher's messages on one subject, so parts
arrive in order; a part that is missing (a slow consumer dropped it) makes
the reassembler discard that message and report the gap.

Bus payload: ``header JSON`` ``\\n`` ``body bytes``; the header holds ``k``
(kind), ``id``/``n``/``of`` (message id, part index, part count) and the
kind's own fields.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

#: Largest body slice per bus message: NATS' default max_payload (1 MiB) minus header room.
MAX_PART_BYTES = 900_000
_SEPARATOR = b"\n"


def agent_subject(lsid: str) -> str:
    """What the session's agent (on whichever process holds its websocket) receives."""
    return f"relay.{lsid}.agent"


def viewers_subject(lsid: str) -> str:
    """What every viewer of the session receives (agent state, monitors, clipboard, cursor)."""
    return f"relay.{lsid}.viewers"


def viewer_subject(lsid: str, viewer: str) -> str:
    """What one viewer receives (its own screen stream, its screenshots)."""
    return f"relay.{lsid}.viewer.{viewer}"


def pack(kind: str, body: bytes = b"", **fields: Any) -> list[bytes]:
    """The bus payloads carrying one relay message."""
    message_id = secrets.token_hex(6)
    parts = [body[i : i + MAX_PART_BYTES] for i in range(0, len(body), MAX_PART_BYTES)] or [b""]
    out = []
    for index, chunk in enumerate(parts):
        header = {"k": kind, "id": message_id, "n": index, "of": len(parts), **fields}
        out.append(json.dumps(header, separators=(",", ":")).encode() + _SEPARATOR + chunk)
    return out


@dataclass
class Reassembled:
    kind: str
    body: bytes
    fields: dict[str, Any]


@dataclass
class Reassembler:
    """Joins parts per subject; ``gaps`` counts messages lost to a dropped part."""

    gaps: int = 0
    _pending: dict[str, tuple[str, int, list[bytes]]] = field(default_factory=dict)

    def feed(self, subject: str, payload: bytes) -> Reassembled | None:
        head, _, body = payload.partition(_SEPARATOR)
        header = json.loads(head)
        kind, message_id, index, count = header.pop("k"), header.pop("id"), header.pop("n"), header.pop("of")
        if count == 1:
            return Reassembled(kind, body, header)
        pending = self._pending.get(subject)
        if index == 0:
            if pending is not None:
                self.gaps += 1
            self._pending[subject] = (message_id, 1, [body])
            return None
        if pending is None or pending[0] != message_id or pending[1] != index:
            self._pending.pop(subject, None)
            self.gaps += 1
            return None
        chunks = pending[2] + [body]
        if index + 1 < count:
            self._pending[subject] = (message_id, index + 1, chunks)
            return None
        del self._pending[subject]
        return Reassembled(kind, b"".join(chunks), header)
