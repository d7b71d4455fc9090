"""Typed live events of support sessions: one model per (type, op) (STYLE.md practice 8).

Every event a console, customer page or Post-to-URL reader sees is one of these.
`id` is the `session_events` row id (monotonically increasing, the resume
cursor); ephemeral events (typing, presence) carry `id: null` and are never
replayed. `session` is the session's summary after the change, so a client
applies a queue-affecting event by replacing its row. Listed in docs/protocol.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventActor(_Model):
    kind: Literal["technician", "customer", "system", "admin", "external"]
    id: int | None = None
    name: str = ""


class SessionSummary(_Model):
    """One queue row / session header, as the console shows it."""

    id: int
    lsid: str
    kind: str
    method: str
    client_kind: str
    status: str
    close_reason: str | None
    technician_id: int | None
    previous_technician_id: int | None
    tech_group_id: int | None
    channel_id: int | None
    customer_name: str
    custom_fields: dict[str, str]
    tracking_id: str
    platform: str
    chat_enabled: bool
    pin_code: str | None
    code_expires_at: datetime | None
    created_at: datetime
    connecting_at: datetime | None
    waiting_at: datetime | None
    picked_up_at: datetime | None
    first_chat_at: datetime | None
    closed_at: datetime | None
    status_changed_at: datetime


class _SessionEvent(_Model):
    id: int | None
    at: datetime
    session_id: int
    lsid: str
    actor: EventActor


class SessionCreated(_SessionEvent):
    type: Literal["session"] = "session"
    op: Literal["created"] = "created"
    session: SessionSummary


class SessionStatusChanged(_SessionEvent):
    """Any status change: terms accepted, picked up, held, resumed, closed, expired, timed out."""

    type: Literal["session"] = "session"
    op: Literal["status"] = "status"
    old_status: str
    status: str
    close_reason: str | None = None
    redirect_url: str | None = None
    session: SessionSummary


class TransferTargetRef(_Model):
    kind: Literal["technician", "tech_group", "channel"]
    id: int


class SessionTransferred(_SessionEvent):
    type: Literal["session"] = "session"
    op: Literal["transferred"] = "transferred"
    from_technician_id: int | None
    from_channel_id: int | None
    from_tech_group_id: int | None
    to: TransferTargetRef
    comment: str
    auto: bool
    session: SessionSummary


class SessionFieldsChanged(_SessionEvent):
    type: Literal["session"] = "session"
    op: Literal["fields"] = "fields"
    customer_name: str
    custom_fields: dict[str, str]
    tracking_id: str
    session: SessionSummary


class ParticipantChanged(_SessionEvent):
    type: Literal["participant"] = "participant"
    op: Literal["invited", "joined", "left"]
    participant_id: int
    role: Literal["owner", "collaborator", "external"]
    user_id: int | None
    name: str


class ChatMessage(_SessionEvent):
    type: Literal["chat"] = "chat"
    op: Literal["message"] = "message"
    author: Literal["technician", "customer", "system", "external"]
    text: str
    technicians_only: bool = False
    session: SessionSummary | None = None  # only on the session's first line: it sets first_chat_at
    api_account: str | None = None  # name of the API account that sent it, for reports (seed L504); not customers'


class NoteAdded(_SessionEvent):
    type: Literal["note"] = "note"
    op: Literal["add"] = "add"
    text: str


class SurveyAnswered(_SessionEvent):
    type: Literal["survey"] = "survey"
    op: Literal["answered"] = "answered"
    kind: Literal["technician", "customer"]
    answers: dict[str, str | int]


RemoteMode = Literal["control", "view"]


class RemoteStarted(_SessionEvent):
    """A technician started remote control or desktop viewing; the customer's consent is asked next."""

    type: Literal["remote"] = "remote"
    op: Literal["started"] = "started"
    mode: RemoteMode


class RemoteStopped(_SessionEvent):
    """A technician's remote control or desktop viewing ended (``reason`` says who or what ended it)."""

    type: Literal["remote"] = "remote"
    op: Literal["stopped"] = "stopped"
    mode: RemoteMode
    reason: Literal["technician", "viewer_closed", "permission_removed", "mode_changed"]


class RemoteConsent(_SessionEvent):
    """The customer answered a permission prompt or revoked everything, as reported by the agent.

    ``via`` is the customer's action: the prompt's buttons, the Pause/Break
    hotkey or the indicator window's revoke button; ``view`` / ``control`` are
    what the customer allows after it.
    """

    type: Literal["remote"] = "remote"
    op: Literal["consent"] = "consent"
    decision: Literal["granted", "denied", "revoked"]
    via: Literal["prompt", "hotkey", "button"]
    view: bool
    control: bool


class RemoteClipboard(_SessionEvent):
    """Clipboard synchronisation with one technician turned on (control with consent and permission) or off."""

    type: Literal["remote"] = "remote"
    op: Literal["clipboard"] = "clipboard"
    enabled: bool


class RemoteScreenshot(_SessionEvent):
    """A screenshot of the customer's screen was delivered to a technician (*Screen capture* permission)."""

    type: Literal["remote"] = "remote"
    op: Literal["screenshot"] = "screenshot"
    png_bytes: int


class Typing(_Model):
    """Ephemeral: never stored, never replayed."""

    id: None = None
    type: Literal["typing"] = "typing"
    op: Literal["start", "stop"]
    session_id: int
    lsid: str
    actor: EventActor


class PresenceChanged(_Model):
    """Ephemeral: a technician's effective status; the console's state fetch gives the current value."""

    id: None = None
    type: Literal["presence"] = "presence"
    op: Literal["update"] = "update"
    technician_id: int
    status: Literal["available", "busy", "away", "offline"]
    chosen_status: str
    at: datetime


class QueuePosition(_Model):
    """Ephemeral, to one waiting customer only: their place or estimated wait after a session ahead left.

    The values are the `waiting` block of the customer's state (`message`: `queue_position`,
    `estimated_wait` or null).
    """

    id: None = None
    type: Literal["queue"] = "queue"
    op: Literal["position"] = "position"
    session_id: int
    lsid: str
    message: Literal["queue_position", "estimated_wait"] | None
    queue_position: int | None
    estimated_wait_s: int | None


STORED_EVENT_MODELS: dict[tuple[str, str], type[_SessionEvent]] = {
    ("session", "created"): SessionCreated,
    ("session", "status"): SessionStatusChanged,
    ("session", "transferred"): SessionTransferred,
    ("session", "fields"): SessionFieldsChanged,
    ("participant", "invited"): ParticipantChanged,
    ("participant", "joined"): ParticipantChanged,
    ("participant", "left"): ParticipantChanged,
    ("chat", "message"): ChatMessage,
    ("note", "add"): NoteAdded,
    ("survey", "answered"): SurveyAnswered,
    ("remote", "started"): RemoteStarted,
    ("remote", "stopped"): RemoteStopped,
    ("remote", "consent"): RemoteConsent,
    ("remote", "clipboard"): RemoteClipboard,
    ("remote", "screenshot"): RemoteScreenshot,
}


def validate_event(payload: dict[str, Any]) -> BaseModel:
    """Parse a wire event into its model; raises `pydantic.ValidationError` if it does not fit."""
    kind = (payload.get("type"), payload.get("op"))
    if kind == ("typing", "start") or kind == ("typing", "stop"):
        return Typing.model_validate(payload)
    if payload.get("type") == "presence":
        return PresenceChanged.model_validate(payload)
    if payload.get("type") == "queue":
        return QueuePosition.model_validate(payload)
    model = STORED_EVENT_MODELS.get((str(kind[0]), str(kind[1])))
    if model is None:
        raise ValueError(f"unknown event {kind[0]}/{kind[1]}")
    return model.model_validate(payload)
