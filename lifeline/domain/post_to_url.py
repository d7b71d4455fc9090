"""Post-to-URL: the session-data webhook payloads (spec part 2 §14; seed L7185-7411).

Why pure builders: the payload is a public contract with customers' CRM scripts, so its field names must be
exactly the seed's, in every format, and testable byte for byte. The delivery job only picks the trigger,
calls :func:`build_payload` and POSTs the body with the returned content type, retrying per
:data:`RETRY_DELAYS_S`.

Field names (L7205-7258 XML; L7314-7328 form): XML elements are lower case (``sessionid``, ``cfield0`` …
``tsurvey9``); form fields are CamelCase (``SessionID``, ``CField0`` … ``TSurvey9``). The form example omits
``TechName``, ``TechEmail`` and ``Platform`` but says the names follow the XML ones, so they are included.
Decisions on gaps: the XML root is ``<session>``; JSON (names not given) uses the XML element names in a flat
object; times are ISO-8601 UTC with ``Z``; in XML and form an absent value is an empty string, in JSON null.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree

from lifeline.domain.session_state import SessionStatus
from lifeline.errors import InvalidInput

CUSTOM_FIELDS = 6  # cfield0 (name field) .. cfield5
SURVEY_ANSWERS = 10  # tsurvey0 .. tsurvey9

#: (XML / JSON name, form name) in the seed's order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("sessionid", "SessionID"),
    ("techid", "TechID"),
    ("techssoid", "TechSSOID"),
    ("techname", "TechName"),
    ("techemail", "TechEmail"),
    ("techdescr", "TechDescr"),
    *((f"cfield{i}", f"CField{i}") for i in range(CUSTOM_FIELDS)),
    ("tracking0", "Tracking0"),
    ("chatlog", "ChatLog"),
    ("notes", "Notes"),
    ("waitingtime", "WaitingTime"),
    ("pickuptime", "PickupTime"),
    ("closingtime", "ClosingTime"),
    ("worktime", "WorkTime"),
    ("lastactiontime", "LastActionTime"),
    ("transmitted", "Transmitted"),
    ("platform", "Platform"),
    *((f"tsurvey{i}", f"TSurvey{i}") for i in range(SURVEY_ANSWERS)),
)
XML_FIELD_NAMES: tuple[str, ...] = tuple(x for x, _ in FIELDS)
FORM_FIELD_NAMES: tuple[str, ...] = tuple(f for _, f in FIELDS)
XML_ROOT = "session"

#: Back-off between delivery attempts, seconds. The first retry is quick (a blip or a restart of the
#: receiver); later ones spread over about an hour and a half, so a receiver down for a deploy still gets
#: the post, and a dead one stops costing us after 7 attempts in total.
RETRY_DELAYS_S: tuple[int, ...] = (10, 60, 300, 900, 1800, 3600)
#: Per-attempt HTTP time-out, seconds: CRM scripts that import into a database can be slow.
POST_TIMEOUT_S = 30
#: Answers worth retrying: the receiver timed out, throttled us, or failed on its side.
RETRYABLE_STATUS_CODES: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504})


class PostTrigger(StrEnum):
    """The "You can post data in the following cases" options (L7355-7360)."""

    EVERY_START = "every_start"  # each time the session enters Active
    FIRST_START = "first_start"  # only the first time it enters Active
    END = "end"  # enters Closed
    SUSPEND = "suspend"  # put on hold, or transferred to a technician
    CONSOLE_CLOSED = "console_closed"  # the Technician Console is refreshed or closed


class PostFormat(StrEnum):
    FORM = "form"  # HTML Form parameters
    XML = "xml"
    JSON = "json"


CONTENT_TYPES: dict[PostFormat, str] = {
    PostFormat.FORM: "application/x-www-form-urlencoded",
    PostFormat.XML: "text/xml; charset=utf-8",
    PostFormat.JSON: "application/json",
}


class ChatAuthor(StrEnum):
    SYSTEM = "system"
    TECHNICIAN = "technician"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class ChatOptions:
    """The chat options of Exporting session data (L7381-7388). Default: the complete chat log is posted."""

    omit_chat_text: bool = False  # post only system messages
    omit_chat_from_storage: bool = False  # store (and so post) only system messages mid-session and at end

    @property
    def posts_chat_text(self) -> bool:
        return not (self.omit_chat_text or self.omit_chat_from_storage)

    @property
    def stores_chat_text(self) -> bool:
        """Whether chat text is kept when a session is held or transferred, or the console closes."""
        return not self.omit_chat_from_storage


@dataclass(frozen=True, slots=True)
class ChatLine:
    """One chatlog entry. ``technicians_only`` marks technician-to-technician chat («…» in the log)."""

    at: datetime
    author: ChatAuthor
    text: str
    author_name: str = ""
    technicians_only: bool = False


def render_chat(lines: Iterable[ChatLine], options: ChatOptions = ChatOptions()) -> str:
    """The ``chatlog`` text: one ``HH:MM:SS AM text`` line per entry, in UTC (report format, part 2 §12).

    Technician chat is ``Name: text``, technician-only chat ``«Name»: text``, customer chat
    ``Customer: text``; system messages are bare. Chat is dropped when the options say so.
    """
    out: list[str] = []
    for line in lines:
        if line.author is not ChatAuthor.SYSTEM and not options.posts_chat_text:
            continue
        stamp = line.at.astimezone(UTC).strftime("%I:%M:%S %p")
        if line.author is ChatAuthor.SYSTEM:
            body = line.text
        elif line.author is ChatAuthor.CUSTOMER:
            body = f"{line.author_name or 'Customer'}: {line.text}"
        elif line.technicians_only:
            body = f"«{line.author_name}»: {line.text}"
        else:
            body = f"{line.author_name}: {line.text}"
        out.append(f"{stamp} {body}")
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class SessionExport:
    """Everything one post carries. ``chat`` = the lines since the previous post of this session."""

    session_id: int
    tech_id: int | None = None
    tech_sso_id: str | None = None
    tech_name: str | None = None
    tech_email: str | None = None
    tech_descr: str | None = None
    cfields: Sequence[str | None] = ()
    tracking0: str | None = None
    chat: Sequence[ChatLine] = ()
    notes: str | None = None
    waiting_time_s: int | None = None
    pickup_time: datetime | None = None
    closing_time: datetime | None = None
    work_time_s: int | None = None
    last_action_time: datetime | None = None
    transmitted_bytes: int | None = None
    platform: str | None = None
    tsurvey: Sequence[str | int | None] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if len(self.cfields) > CUSTOM_FIELDS:
            raise InvalidInput(f"At most {CUSTOM_FIELDS} field values (cfield0..cfield5).", field="cfields")
        if len(self.tsurvey) > SURVEY_ANSWERS:
            raise InvalidInput(
                f"At most {SURVEY_ANSWERS} survey answers (tsurvey0..tsurvey9).", field="tsurvey"
            )
        for name in ("pickup_time", "closing_time", "last_action_time"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise InvalidInput(f"{name} must be a timezone-aware datetime.", field=name)


Value = str | int | None


def format_time(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``, whole seconds."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def export_values(export: SessionExport, options: ChatOptions = ChatOptions()) -> dict[str, Value]:
    """The payload as ``{xml_name: value}`` in the seed's order (ints stay ints, absent is ``None``)."""
    cfields = list(export.cfields) + [None] * (CUSTOM_FIELDS - len(export.cfields))
    tsurvey = list(export.tsurvey) + [None] * (SURVEY_ANSWERS - len(export.tsurvey))
    values: list[Value] = [
        export.session_id,
        export.tech_id,
        export.tech_sso_id,
        export.tech_name,
        export.tech_email,
        export.tech_descr,
        *cfields,
        export.tracking0,
        render_chat(export.chat, options),
        export.notes,
        export.waiting_time_s,
        format_time(export.pickup_time),
        format_time(export.closing_time),
        export.work_time_s,
        format_time(export.last_action_time),
        export.transmitted_bytes,
        export.platform,
        *tsurvey,
    ]
    return dict(zip(XML_FIELD_NAMES, values, strict=True))


def _text(value: Value) -> str:
    return "" if value is None else str(value)


def build_xml(export: SessionExport, options: ChatOptions = ChatOptions()) -> bytes:
    root = ElementTree.Element(XML_ROOT)
    for name, value in export_values(export, options).items():
        ElementTree.SubElement(root, name).text = _text(value)
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def build_form(export: SessionExport, options: ChatOptions = ChatOptions()) -> bytes:
    values = export_values(export, options)
    pairs = [(form, _text(values[xml])) for xml, form in FIELDS]
    return urlencode(pairs).encode("ascii")


def build_json(export: SessionExport, options: ChatOptions = ChatOptions()) -> bytes:
    return json.dumps(export_values(export, options), ensure_ascii=False).encode("utf-8")


def build_payload(
    export: SessionExport, fmt: PostFormat, options: ChatOptions = ChatOptions()
) -> tuple[bytes, str]:
    """``(body, content_type)`` for the chosen format."""
    kind = PostFormat(fmt)
    builders = {PostFormat.FORM: build_form, PostFormat.XML: build_xml, PostFormat.JSON: build_json}
    return builders[kind](export, options), CONTENT_TYPES[kind]


def triggers_for_transition(
    old: SessionStatus, new: SessionStatus, *, first_activation: bool, to_technician: bool = False
) -> frozenset[PostTrigger]:
    """Which triggers a status change fires (L7355-7360). ``first_activation``: never Active before.

    ``to_technician``: the transfer goes to a technician (transfers to a group or channel do not suspend).
    """
    fired: set[PostTrigger] = set()
    if new is SessionStatus.ACTIVE and old is not SessionStatus.ACTIVE:
        fired.add(PostTrigger.EVERY_START)
        if first_activation:
            fired.add(PostTrigger.FIRST_START)
    if new is SessionStatus.CLOSED and old is not SessionStatus.CLOSED:
        fired.add(PostTrigger.END)
    if new is SessionStatus.ON_HOLD and old is SessionStatus.ACTIVE:
        fired.add(PostTrigger.SUSPEND)
    if new is SessionStatus.TRANSFERRING and to_technician:
        fired.add(PostTrigger.SUSPEND)
    return frozenset(fired)


def check_post_url(url: str) -> str:
    """An absolute http(s) URL; ``https://user:password@host/path`` credentials are allowed (L7365-7366)."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("A post URL must be an absolute http:// or https:// URL.", field="url")
    return text


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, for logs and the hidden-URL view (L7397-7411)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def retry_delays() -> tuple[int, ...]:
    """Seconds to wait before each retry; after the last one the delivery is given up."""
    return RETRY_DELAYS_S


def next_retry_delay_s(failed_attempts: int) -> int | None:
    """Wait before the next attempt after ``failed_attempts`` failures (≥ 1), or ``None`` to give up."""
    if failed_attempts < 1:
        raise InvalidInput("Count at least one failed attempt before asking for a retry.", field="attempts")
    if failed_attempts > len(RETRY_DELAYS_S):
        return None
    return RETRY_DELAYS_S[failed_attempts - 1]


def is_retryable(status_code: int | None) -> bool:
    """Retry on no answer (``None``: connection error or time-out) or a retryable status; never on 2xx/4xx."""
    return status_code is None or status_code in RETRYABLE_STATUS_CODES
