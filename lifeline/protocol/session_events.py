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
}


def validate_event(payload: dict[str, Any]) -> BaseModel:
    """Parse a wire event into its model; raises `pydantic.ValidationError` if it does not fit."""
    kind = (payload.get("type"), payload.get("op"))
    if kind == ("typing", "start") or kind == ("typing", "stop"):
        return Typing.model_validate(payload)
    if payload.get("type") == "presence":
        return PresenceChanged.model_validate(payload)
    model = STORED_EVENT_MODELS.get((str(kind[0]), str(kind[1])))
    if model is None:
        raise ValueError(f"unknown event {kind[0]}/{kind[1]}")
    return model.model_validate(payload)
