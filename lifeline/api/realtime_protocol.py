"""Wire protocol of the real-time state API (``wss://<host>/nw``), without sockets or data.

Spec: ``shared/spec/api-reporting-realtime.md`` §4 (transport, phases, message shapes, tables, limits).
Integrator notes: ``docs/api-compatibility.md``.

Why pure: the protocol has three fiddly parts that deserve exhaustive tests without a server: the
subprotocol name (clients send it with literal spaces *or* URL-encoded), newline framing in both
directions (a message may span WebSocket frames, and one frame may hold two messages), and turning two
snapshots of the Command Center model into the smallest ``model_update``. The websocket endpoint only
moves bytes and asks the store for snapshots.

Lifeline's Command Center model is published under the BeyondTrust table names of :data:`REALTIME_TABLES`
(technician → ``representative``, technician group → ``queue`` of type ``team``, and so on); the mapping
from Lifeline rows to these rows belongs to the wiring, not to this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any

# -- transport constants ----------------------------------------------------------------------------------

REALTIME_PATH = "/nw"
#: The subprotocol name has spaces in it; the seed says it "must also be URL encoded when sent", and some
#: clients send it raw. We accept both and answer with exactly what the client offered (spec §4.2).
SUBPROTOCOL = "ingredi state api"
SUBPROTOCOL_URL_ENCODED = "ingredi%20state%20api"
ACCEPTED_SUBPROTOCOLS = (SUBPROTOCOL, SUBPROTOCOL_URL_ENCODED)

#: Every message in both directions ends with a newline (seed L3402).
MESSAGE_TERMINATOR = "\n"
#: Server messages larger than this are split over several binary frames; only the last ends with
#: ``\n``. 1 MiB keeps a full copy of a busy site from becoming one giant frame (spec §4.2 [D]).
MAX_FRAME_BYTES = 1024 * 1024
#: Client messages are tiny (authenticate, subscribe). A client that streams more than this without a
#: newline is broken or hostile, and the buffer must not grow without bound.
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024

#: At most 30 integrations receive model updates at once (seed L3392).
MAX_INTEGRATIONS = 30
#: The seed allows up to 20 s between a change and its update (L3394); we flush every second.
MAX_UPDATE_LATENCY_S = 20
FLUSH_INTERVAL_S = 1.0
#: RFC 6455 pings keep proxies from closing idle integrations; the seed has no JSON heartbeat.
PING_INTERVAL_S = 30.0
#: An integration this far behind is disconnected (seed L3396 "too far behind"; limits are ours).
BACKLOG_MAX_MESSAGES = 10_000
BACKLOG_MAX_BYTES = 64 * 1024 * 1024

CLOSE_PROTOCOL_ERROR = 1002  # out-of-order or unparsable client message
CLOSE_POLICY_VIOLATION = 1008  # authentication or subscription refused, integration too slow

REASON_INVALID_TOKEN = "Invalid or expired token"
REASON_NO_PERMISSION = "API account lacks permission for the real-time state API"
REASON_TOO_MANY_INTEGRATIONS = "Maximum number of real-time integrations reached"
REASON_UNKNOWN_TABLE = "Unknown table: {table}"
REASON_NO_TABLES = "No tables requested"
REASON_BAD_TABLES = 'tables must be "all" or a list of table names'

#: Row ids are unsigned 64-bit integers (seed L3740).
MAX_ROW_ID = 2**64 - 1


class ProtocolViolation(Exception):
    """The client broke the protocol; the connection closes with :data:`CLOSE_PROTOCOL_ERROR`, no reply."""


class SubscriptionRejected(Exception):
    """A well-formed subscribe that can't be honoured; answered with ``success: false`` and ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- subprotocol ------------------------------------------------------------------------------------------


def parse_subprotocol_header(value: str | None) -> list[str]:
    """Split a raw ``Sec-WebSocket-Protocol`` header; the name's own spaces survive, only commas split."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def select_subprotocol(offered: Sequence[str]) -> str | None:
    """The offered name to echo back in the 101 response, spelled exactly as sent; ``None``: refuse (400)."""
    return next((name for name in offered if name in ACCEPTED_SUBPROTOCOLS), None)


# -- framing ----------------------------------------------------------------------------------------------


def encode_message(message: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON plus the terminating newline.

    ``json.dumps`` escapes newlines inside strings, so the only raw ``\\n`` is the terminator, which is what
    lets receivers find message ends inside split frames.
    """
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + MESSAGE_TERMINATOR).encode(
        "utf-8"
    )


def split_frames(data: bytes, max_frame_bytes: int = MAX_FRAME_BYTES) -> list[bytes]:
    """Cut an encoded message into binary frames of at most ``max_frame_bytes`` (seed L3504)."""
    return [data[start : start + max_frame_bytes] for start in range(0, len(data), max_frame_bytes)] or [b""]


class MessageBuffer:
    """Resumable reassembly of newline-terminated messages from WebSocket frames.

    Usage::

        buffer = MessageBuffer()
        for line in buffer.feed(frame):   # 0, 1 or several complete messages
            handle(parse_client_message(line))

    Partial input is kept until its newline arrives; two messages in one frame come out in order, which
    matters because some clients send ``authenticate`` and ``subscribe`` back to back (spec §4.9).
    """

    def __init__(self, max_message_bytes: int = MAX_CLIENT_MESSAGE_BYTES) -> None:
        self._pending = bytearray()
        self._max = max_message_bytes

    def feed(self, data: str | bytes) -> list[str]:
        self._pending += data.encode("utf-8") if isinstance(data, str) else data
        *complete, rest = bytes(self._pending).split(MESSAGE_TERMINATOR.encode())
        if len(rest) > self._max:
            raise ProtocolViolation(f"message longer than {self._max} bytes without a newline")
        self._pending = bytearray(rest)
        try:
            return [line.decode("utf-8") for line in complete if line.strip()]
        except UnicodeDecodeError as exc:
            raise ProtocolViolation("message is not UTF-8") from exc

    @property
    def pending_bytes(self) -> int:
        return len(self._pending)


# -- client messages --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Authenticate:
    """``{"type":"authenticate","credentials":{"bearer_token":…}}``. ``bearer_token`` is ``None`` when the
    credentials hold something else (the legacy username/password form, D-24): that is answered with
    an authentication failure, not a protocol error."""

    bearer_token: str | None


@dataclass(frozen=True, slots=True)
class Subscribe:
    """``{"type":"subscribe","tables":…}``; ``tables`` is raw until :func:`resolve_tables` checks it."""

    tables: object


ClientMessage = Authenticate | Subscribe


def parse_client_message(line: str) -> ClientMessage:
    try:
        message = json.loads(line)
    except ValueError as exc:
        raise ProtocolViolation("message is not JSON") from exc
    if not isinstance(message, dict):
        raise ProtocolViolation("message is not a JSON object")
    kind = message.get("type")
    if kind == "authenticate":
        credentials = message.get("credentials")
        token = credentials.get("bearer_token") if isinstance(credentials, dict) else None
        return Authenticate(token if isinstance(token, str) and token else None)
    if kind == "subscribe":
        if "tables" not in message:
            raise ProtocolViolation("subscribe without tables")
        return Subscribe(message["tables"])
    raise ProtocolViolation(f"unknown message type {kind!r}")


def resolve_tables(tables: object) -> tuple[str, ...]:
    """``"all"`` → every table of :data:`REALTIME_TABLES`; a list → those tables, deduplicated, in catalog
    order. Anything else is a :class:`SubscriptionRejected`."""
    if tables == "all":
        return tuple(REALTIME_TABLES)
    if not isinstance(tables, list) or not all(isinstance(name, str) for name in tables):
        raise SubscriptionRejected(REASON_BAD_TABLES)
    if not tables:
        raise SubscriptionRejected(REASON_NO_TABLES)
    for name in tables:
        if name not in REALTIME_TABLES:
            raise SubscriptionRejected(REASON_UNKNOWN_TABLE.format(table=name))
    return tuple(name for name in REALTIME_TABLES if name in tables)


# -- connection state machine (spec §4.7) -----------------------------------------------------------------


class RealtimeState(Enum):
    CONNECTED = "connected"  # upgraded; waiting for authenticate
    AUTHENTICATED = "authenticated"  # waiting for subscribe
    STREAMING = "streaming"  # subscribed; only server messages matter now
    CLOSED = "closed"


_EXPECTED: Mapping[RealtimeState, type[ClientMessage]] = {
    RealtimeState.CONNECTED: Authenticate,
    RealtimeState.AUTHENTICATED: Subscribe,
}


def check_message_order(state: RealtimeState, message: ClientMessage) -> None:
    """Refuse a message that arrives out of the serial order authenticate → subscribe (seed L3390).

    In ``STREAMING`` client messages are ignored (spec §4.7), so nothing is refused there.
    """
    if state is RealtimeState.CLOSED:
        raise ProtocolViolation("connection is closed")
    expected = _EXPECTED.get(state)
    if expected is not None and not isinstance(message, expected):
        raise ProtocolViolation(
            f"expected {expected.__name__.lower()} in state {state.value},"
            f" got {type(message).__name__.lower()}"
        )


# -- server messages --------------------------------------------------------------------------------------


def authenticate_response(success: bool, reason: str | None = None) -> dict[str, Any]:
    """No ``reason`` key on success; a reason is required on failure (spec §4.3 (b))."""
    if success:
        return {"type": "authenticate_response", "success": True}
    if not reason:
        raise ValueError("a failed authenticate_response needs a reason")
    return {"type": "authenticate_response", "success": False, "reason": reason}


def subscribe_response(timestamp: int, success: bool, reason: str | None = None) -> dict[str, Any]:
    """``timestamp`` is the server's current UNIX time, present even on failure (spec §4.3 (d))."""
    if success:
        return {"type": "subscribe_response", "timestamp": timestamp, "success": True}
    if not reason:
        raise ValueError("a failed subscribe_response needs a reason")
    return {"type": "subscribe_response", "timestamp": timestamp, "success": False, "reason": reason}


WireRows = dict[str, dict[str, dict[str, Any]]]  # table → row id (decimal string) → column → value


def model_update(
    insert: WireRows | None = None,
    update: WireRows | None = None,
    delete: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    """A ``model_update`` with only its non-empty sections; at least one is required (seed L3554)."""
    message: dict[str, Any] = {"type": "model_update"}
    for key, section in (("insert", insert), ("update", update), ("delete", delete)):
        if section:
            message[key] = dict(section)
    if len(message) == 1:
        raise ValueError("a model_update needs at least one of insert, update, delete")
    return message


def truncate_model() -> dict[str, Any]:
    return {"type": "truncate_model"}


# -- the table catalog (spec §4.5) ------------------------------------------------------------------------


class ColumnType(StrEnum):
    STRING = "string"
    INTEGER = "integer"  # JSON number; FKs may use the full 64-bit range
    TIMESTAMP = "timestamp"  # JSON number, UNIX seconds UTC
    BOOLEAN = "boolean"  # JSON true/false


_S, _I, _T, _B = ColumnType.STRING, ColumnType.INTEGER, ColumnType.TIMESTAMP, ColumnType.BOOLEAN

#: Every table of the real-time model and its columns (besides ``id``), in the seed's order (L3587–3736).
REALTIME_TABLES: Mapping[str, Mapping[str, ColumnType]] = {
    "customer_client": {
        "client_type": _S,  # desktop, mobile, rdp, vnc, vpro, shell, web_chat, web_console
        "created_timestamp": _T,
        "elevated": _B,
        "hostname": _S,
        "operating_system": _S,
        "support_session_id": _I,
    },
    "queue": {
        "code_name": _S,  # not shown for personal queues
        "created_timestamp": _T,
        "name": _S,
        "support_team_id": _S,  # typed string by the seed (L3623); not shown for personal queues
        "type": _S,  # prewait, team, personal
    },
    "representative": {
        "created_timestamp": _T,
        "private_display_name": _S,
        "public_display_name": _S,
        "queue_id": _I,
        "routing_available": _B,
        "routing_busy": _B,
        "routing_enabled": _B,
        "routing_idle": _B,
        "skill_code_names": _S,  # comma-separated
        "type": _S,  # normal, invited
        "user_id": _I,
        "username": _S,
    },
    "representative_queue": {"created_timestamp": _T, "queue_id": _I, "representative_id": _I, "role": _S},
    "representative_support_session": {
        "created_timestamp": _T,
        "representative_id": _I,
        "support_session_id": _I,
    },
    "support_session": {
        "created_timestamp": _T,
        "customer_company": _S,
        "customer_company_code": _S,
        "customer_description": _S,
        "customer_name": _S,
        "estimated_pickup_timestamp": _T,
        "issue_code_name": _S,
        "issue_description": _S,
        "lsid": _S,
        "primary_team_queue_id": _I,
        "priority": _I,  # 1 high, 2 medium, 3 low
        "public_site_id": _I,
        "public_site_name": _S,
        "queue_entry_timestamp": _T,
        "queue_id": _I,
        "start_method": _S,
    },
    "support_session_attribute": {
        "code_name": _S,
        "created_timestamp": _T,
        "support_session_id": _I,
        "value": _S,
    },
    "support_session_skill": {"code_name": _S, "created_timestamp": _T, "support_session_id": _I},
    "presentation_session": {"created_timestamp": _T, "lsid": _S, "presentation_name": _S},
    "attendee": {
        "connected": _B,
        "created_timestamp": _T,
        "hostname": _S,
        "name": _S,
        "operating_system": _S,
        "presentation_session_id": _I,
        "private_ip": _S,
        "public_ip": _S,
    },
    "presenter": {"created_timestamp": _T, "presentation_session_id": _I, "representative_id": _I},
}  # fmt: skip

RowId = int
Row = Mapping[str, Any]
#: A snapshot of the model: table → row id → row. Tables left out are empty.
Snapshot = Mapping[str, Mapping[RowId, Row]]


def _encode_value(table: str, column: str, kind: ColumnType, value: Any) -> Any:
    if kind is ColumnType.TIMESTAMP and isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(moment.timestamp())
    expected: type | tuple[type, ...] = {
        ColumnType.STRING: str,
        ColumnType.INTEGER: int,
        ColumnType.TIMESTAMP: int,
        ColumnType.BOOLEAN: bool,
    }[kind]
    # bool is an int in Python; a flag in an integer column (or the reverse) is a wiring bug.
    if not isinstance(value, expected) or (kind is not ColumnType.BOOLEAN and isinstance(value, bool)):
        raise TypeError(f"{table}.{column} must be {kind.value}, got {type(value).__name__}")
    return value


def encode_row(table: str, row: Row) -> dict[str, Any]:
    """Check a row against the catalog and convert it to wire values (datetimes become UNIX seconds)."""
    columns = REALTIME_TABLES.get(table)
    if columns is None:
        raise KeyError(f"unknown real-time table {table!r}")
    unknown = set(row) - set(columns)
    if unknown:
        raise KeyError(f"{table} has no column(s) {', '.join(sorted(unknown))}")
    return {
        column: _encode_value(table, column, columns[column], row[column])
        for column in columns
        if column in row
    }


def encode_row_id(row_id: RowId) -> str:
    """Row ids travel as decimal strings without leading zeros (spec §4.4)."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 <= row_id <= MAX_ROW_ID:
        raise ValueError(f"row id must be an unsigned 64-bit integer, got {row_id!r}")
    return str(row_id)


_MISSING = object()  # "column absent before", distinct from every wire value


# -- the differ -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableDiffer:
    """Turns two snapshots of the model into the messages a subscribed integration needs.

    Usage::

        differ = TableDiffer(resolve_tables(subscribe.tables))
        send_all(differ.full_copy(snapshot))            # right after subscribe_response
        send_all(differ.diff(previous, current))        # on every flush
        send_all(differ.reset(current))                 # after the model was rebuilt

    Minimal means: new rows are inserted with all their columns, changed rows carry only the changed
    columns, vanished rows are deleted, and everything fits in **one** ``model_update`` because the client
    applies insert, update, delete in that order and a row id is never in two sections (ids are unique for
    the model's lifetime). No change, no message. Tables and ids come out in catalog order and ascending
    id order, so equal inputs give byte-identical output.

    Rows are compared by value, except that a row that is the very same object in both snapshots is skipped
    without encoding: producers that rebuild only what changed and share the rest keep the diff cheap.
    Such producers must therefore never mutate a row in place.

    Known limit: a column that disappears from a row can't be expressed as an
    update (the wire format has no "unset"); it is ignored here, and rows should keep their column sets.
    """

    tables: tuple[str, ...] = tuple(REALTIME_TABLES)

    def __post_init__(self) -> None:
        unknown = [table for table in self.tables if table not in REALTIME_TABLES]
        if unknown:
            raise KeyError(f"unknown real-time table(s): {', '.join(unknown)}")

    def full_copy(self, snapshot: Snapshot) -> list[dict[str, Any]]:
        """The initial copy after ``subscribe_response``: inserts only, or nothing if every table is empty."""
        return self.diff({}, snapshot)

    def reset(self, snapshot: Snapshot) -> list[dict[str, Any]]:
        """After a model reset: ``truncate_model`` first, then the new full copy (spec §4.3 (g))."""
        return [truncate_model(), *self.full_copy(snapshot)]

    def diff(self, previous: Snapshot, current: Snapshot) -> list[dict[str, Any]]:
        insert: WireRows = {}
        update: WireRows = {}
        delete: dict[str, list[str]] = {}
        for table in self.tables:
            before = previous.get(table, {})
            after = current.get(table, {})
            for row_id in sorted(after):
                if before.get(row_id) is after[row_id]:
                    continue  # the very same row object: unchanged by construction, nothing to encode
                new_row = encode_row(table, after[row_id])
                if row_id not in before:
                    insert.setdefault(table, {})[encode_row_id(row_id)] = new_row
                    continue
                old_row = encode_row(table, before[row_id])
                changed = {
                    column: value
                    for column, value in new_row.items()
                    if old_row.get(column, _MISSING) != value
                }
                if changed:
                    update.setdefault(table, {})[encode_row_id(row_id)] = changed
            gone = [encode_row_id(row_id) for row_id in sorted(before) if row_id not in after]
            if gone:
                delete[table] = gone
        if not (insert or update or delete):
            return []
        return [model_update(insert, update, delete)]
