"""Every configurable setting: who owns it, its type, range, default, and how far a save may copy it.

Spec part1 §9-§28 and part2 §5, §7. A setting lives on its *owner*
(:class:`Owner`: the account, a Technician Group, a channel, a technician) and
is stored as a JSON value keyed by :attr:`SettingDef.key`; a missing value
means the catalog default. The save buttons of §28 are *copies*, never live
inheritance: :func:`check_scope` says which copies a setting allows
(Save / Apply to subgroups / Apply to all groups / Save settings to all
channels; auto-transfer and auto-start can never be copied to all channels).

The catalog is data so the Administration Center renders its forms from it
(``group`` is the form section), the store needs no column per setting, and
:func:`validate_setting` is the single gate for untrusted values. Composite
values (IP rules, alarm lists, schedules, surveys, private custom fields) are
kind ``json`` with a validator that returns a canonical shape.

Why this module is longer than 500 lines: most of it is one table (one
formatted call per setting), and splitting the table by owner would scatter the
settings the Technician Group and channel forms share.

Defaults for the gaps the seed leaves open (§32.2-3) are documented on each
definition: private codes stay valid 20 minutes, connecting sessions time out
after 10 minutes, waiting and idle time-outs are off (0), so no customer is
dropped unless an administrator decides so.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from lifeline.domain.ip_rules import ALLOW_ALL, ip_rule_from_value
from lifeline.domain.post_to_url_config import PostToUrlConfig, parse_post_to_url_config
from lifeline.errors import InvalidInput


class Owner(StrEnum):
    GLOBAL = "global"
    TECH_GROUP = "tech_group"
    CHANNEL = "channel"
    TECHNICIAN = "technician"


class SettingKind(StrEnum):
    BOOL = "bool"
    INT = "int"
    CHOICE = "choice"
    TEXT = "text"
    URL = "url"
    EMAIL = "email"
    JSON = "json"


class SaveScope(StrEnum):
    SAVE = "save"  # this owner only
    SUBGROUPS = "subgroups"  # this Technician Group and all its descendants
    ALL_GROUPS = "all_groups"  # every Technician Group
    ALL_CHANNELS = "all_channels"  # every channel


# ---- limits -------------------------------------------------------------------------------------

CHANNEL_COUNT = 10  # §14: exactly ten channels, numbered 1..10
MAX_SESSIONS_LIMIT = 10  # §21/§25: capacity 1-10; 10 also means "no busy state" / "regardless"
TIMEOUT_MAX_MIN = 999  # §20: waiting and idle time-outs 1-999 min, 0 = never
MINUTES_MAX = 999  # the same bound for the other minute fields of §21
PRIVATE_CODE_VALIDITY_MAX_MIN = 24 * 60  # a 6-digit PIN valid longer than a day invites guessing
PRIVATE_CODE_VALIDITY_DEFAULT_MIN = 20  # gap §32.2: the spec suggests 20 minutes
CONNECTING_TIMEOUT_DEFAULT_MIN = 10  # gap §32.2: time to download the applet and read T&C
PASSWORD_MAX_AGE_LIMIT_DAYS = 3650
PASSWORD_NOTICE_LIMIT_DAYS = 365
EMAIL_TEXT_MAX = 1200  # §17, L2303-2366
EMAIL_SIGNATURE_MAX = 300  # §17
EMAIL_SUBJECT_MAX = 128
LABEL_MAX = 64  # custom-field names, application name: a UI label
TERMS_TEXT_MAX = 100_000  # the seed says "no length limit"; this only bounds storage
MAX_URL_LENGTH = 2048
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit
ALARM_SECONDS_MAX = TIMEOUT_MAX_MIN * 60  # an alarm after the longest time-out is pointless
MAX_TIMEOUT_ALARMS = 10
ALARM_COLORS = ("yellow", "orange", "red", "purple")  # the "predefined colours" of §20
ALARM_KINDS = ("connecting", "waiting")
CUSTOM_FIELD_COUNT = 5  # part2 §5: cfield1..cfield5 besides the name field
CUSTOM_FIELD_CHOICES_MAX = 50
CUSTOM_FIELD_VALUE_MAX = 64  # part2 §5: open text max 64 characters; also bounds choices
SURVEY_QUESTIONS_MAX = 10  # part2 §7
SURVEY_ANSWERS = 5  # each drop-down question has exactly five predefined answers
SURVEY_TEXT_MAX = 256
DAYS_PER_WEEK = 7

_TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off", ""})
_INT_RE = re.compile(r"^[+-]?\d+$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Syntax only: resolving the zone needs the tz database, which is the service's business.
_TZ_RE = re.compile(r"^(UTC|[A-Za-z][A-Za-z_\-]*(/[A-Za-z0-9_+\-]+){1,2})$")

# ---- form sections ------------------------------------------------------------------------------

S_PASSWORD = "Password policy"
S_TFA = "Two-step verification"
S_HIERARCHY = "Hierarchy visibility"
S_TG_VISIBILITY = "Technician Group visibility"
S_IP = "IP restrictions"
S_MONITORING = "Technician monitoring"
S_CUSTOM_FIELDS = "Custom fields"
S_SURVEY_ISSUANCE = "Customer survey issuance"
S_APPLET = "Customer Applet"
S_BRANDING = "Branding"
S_TERMS = "Custom Terms and Conditions"
S_PERMISSION_PROMPT = "Permissions"
S_TIMEOUTS = "Time-outs"
S_NO_TECH = "No technician available"
S_CUSTOMER_SURVEY = "Customer survey"
S_CONNECTION = "Connection methods"
S_CONSOLE = "Technician Console"
S_TC_IP = "IP restrictions (Technician Console)"
S_LENS = "Rescue Lens"
S_UNATTENDED = "Unattended access"
S_TECH_SURVEY = "Technician survey"
S_PRIVATE_FIELDS = "Custom fields (private sessions)"
S_SESSION_MANAGEMENT = "Session management"
S_SCHEDULING = "No technician available and Scheduling"
S_TECHNICIAN = "Technician"
S_EXPORT = "Exporting session data"


@dataclass(frozen=True)
class SettingDef:
    """One setting of the catalog.

    ``minimum``/``maximum`` bound ``int`` settings, ``choices`` lists ``choice``
    values, ``max_length`` bounds ``text``. ``nullable`` lets an ``int`` be
    unset (``None``). ``apply_to_all_allowed`` is False for the settings §18
    forbids copying to every channel.
    """

    key: str
    label: str
    owners: frozenset[Owner]
    kind: SettingKind
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    group: str = ""
    apply_to_all_allowed: bool = True
    nullable: bool = False
    description: str = ""
    validator: Callable[[Any], Any] | None = field(default=None, compare=False, repr=False)

    def default_value(self) -> Any:
        """A fresh copy of the default (JSON defaults are mutable containers)."""
        return copy.deepcopy(self.default)


# ---- JSON validators ----------------------------------------------------------------------------


def _fail(key: str, message: str) -> InvalidInput:
    return InvalidInput(message, field=key)


def _mapping(
    value: object, key: str, fields: set[str], required: set[str] | None = None
) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(key, f"{key} must be an object.")
    unknown = set(value) - fields
    if unknown:
        raise _fail(key, f"{key}: unknown field(s) {', '.join(sorted(map(str, unknown)))}.")
    missing = (required if required is not None else fields) - set(value)
    if missing:
        raise _fail(key, f"{key}: missing field(s) {', '.join(sorted(missing))}.")
    return value


def _list(value: object, key: str, max_items: int) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise _fail(key, f"{key} must be a list.")
    if len(value) > max_items:
        raise _fail(key, f"{key}: at most {max_items} entries.")
    return list(value)


def _bool(value: object, key: str, what: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(key, f"{key}: {what} must be true or false.")
    return value


def _short_text(value: object, key: str, what: str, max_length: int, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise _fail(key, f"{key}: {what} must be text.")
    text = value.strip()
    if required and not text:
        raise _fail(key, f"{key}: {what} cannot be empty.")
    if len(text) > max_length:
        raise _fail(key, f"{key}: {what} is limited to {max_length} characters.")
    return text


def _validate_ip_rule(value: object) -> dict[str, Any]:
    return ip_rule_from_value(value).as_dict()


def _validate_alarms(value: object) -> list[dict[str, Any]]:
    key = "timeout_alarms"
    alarms: list[dict[str, Any]] = []
    for item in _list(value, key, MAX_TIMEOUT_ALARMS):
        data = _mapping(item, key, {"kind", "after_s", "color"})
        if data["kind"] not in ALARM_KINDS:
            raise _fail(key, f"{key}: kind must be {' or '.join(ALARM_KINDS)}.")
        after = data["after_s"]
        if isinstance(after, bool) or not isinstance(after, int) or not 1 <= after <= ALARM_SECONDS_MAX:
            raise _fail(
                key, f"{key}: after_s must be a whole number of seconds from 1 to {ALARM_SECONDS_MAX}."
            )
        if data["color"] not in ALARM_COLORS:
            raise _fail(key, f"{key}: color must be one of {', '.join(ALARM_COLORS)}.")
        alarms.append({"kind": data["kind"], "after_s": after, "color": data["color"]})
    seen = {(a["kind"], a["after_s"]) for a in alarms}
    if len(seen) != len(alarms):
        raise _fail(key, f"{key}: two alarms have the same kind and time.")
    return sorted(alarms, key=lambda a: (a["kind"], a["after_s"]))


def _validate_schedule(value: object) -> dict[str, Any]:
    key = "working_hours"
    data = _mapping(value, key, {"start", "end", "time_zone", "days"})
    for bound in ("start", "end"):
        if not isinstance(data[bound], str) or not _HHMM_RE.match(data[bound]):
            raise _fail(key, f"{key}: {bound} must be a time like 08:30 (24-hour clock).")
    zone = data["time_zone"]
    if not isinstance(zone, str) or not _TZ_RE.match(zone):
        raise _fail(key, f"{key}: time_zone must be an IANA name like Europe/Budapest or UTC.")
    days = data["days"]
    if (
        not isinstance(days, list | tuple)
        or len(days) != DAYS_PER_WEEK
        or not all(isinstance(d, bool) for d in days)
    ):
        raise _fail(key, f"{key}: days must be 7 true/false values, Monday first.")
    return {"start": data["start"], "end": data["end"], "time_zone": zone, "days": list(days)}


def _survey_validator(key: str) -> Callable[[Any], dict[str, Any]]:
    def validate(value: object) -> dict[str, Any]:
        data = _mapping(value, key, {"mode", "url", "append_session_details", "questions"}, {"mode"})
        mode = data["mode"]
        if mode not in ("none", "rescue", "self_hosted"):
            raise _fail(key, f"{key}: mode must be none, rescue or self_hosted.")
        url = _validate_url(data.get("url", ""), key)
        if mode == "self_hosted" and not url:
            raise _fail(key, f"{key}: a self-hosted survey needs its URL.")
        questions = []
        for item in _list(data.get("questions", []), key, SURVEY_QUESTIONS_MAX):
            q = _mapping(item, key, {"text", "type", "answers", "mandatory", "enabled"}, {"text", "type"})
            if q["type"] not in ("open", "dropdown"):
                raise _fail(key, f"{key}: question type must be open or dropdown.")
            answers = [
                _short_text(a, key, "an answer", SURVEY_TEXT_MAX)
                for a in _list(q.get("answers", []), key, SURVEY_ANSWERS)
            ]
            if q["type"] == "dropdown" and len(answers) != SURVEY_ANSWERS:
                raise _fail(key, f"{key}: a drop-down question needs exactly {SURVEY_ANSWERS} answers.")
            if q["type"] == "open" and answers:
                raise _fail(key, f"{key}: an open question has no predefined answers.")
            questions.append(
                {
                    "text": _short_text(q["text"], key, "the question", SURVEY_TEXT_MAX),
                    "type": q["type"],
                    "answers": answers,
                    "mandatory": _bool(q.get("mandatory", False), key, "mandatory"),
                    "enabled": _bool(q.get("enabled", True), key, "enabled"),
                }
            )
        return {
            "mode": mode,
            "url": url,
            "append_session_details": _bool(
                data.get("append_session_details", False), key, "append_session_details"
            ),
            "questions": questions,
        }

    return validate


def _validate_private_fields(value: object) -> list[dict[str, Any]]:
    key = "private_custom_fields"
    items = _list(value, key, CUSTOM_FIELD_COUNT)
    if len(items) != CUSTOM_FIELD_COUNT:
        raise _fail(key, f"{key}: give all {CUSTOM_FIELD_COUNT} custom fields, in order.")
    result = []
    for number, item in enumerate(items, start=1):
        data = _mapping(
            item, key, {"enabled", "mandatory", "type", "choices"}, {"enabled", "mandatory", "type"}
        )
        enabled = _bool(data["enabled"], key, "enabled")
        mandatory = _bool(data["mandatory"], key, "mandatory")
        if mandatory and not enabled:
            raise _fail(key, f"{key}: custom field {number} cannot be mandatory while disabled.")
        if data["type"] not in ("open_text", "dropdown"):
            raise _fail(key, f"{key}: custom field {number} type must be open_text or dropdown.")
        choices = [
            _short_text(c, key, "a choice", CUSTOM_FIELD_VALUE_MAX)
            for c in _list(data.get("choices", []), key, CUSTOM_FIELD_CHOICES_MAX)
        ]
        if data["type"] == "dropdown" and enabled and not choices:
            raise _fail(key, f"{key}: drop-down custom field {number} needs at least one choice.")
        if len(set(choices)) != len(choices):
            raise _fail(key, f"{key}: custom field {number} lists a choice twice.")
        result.append({"enabled": enabled, "mandatory": mandatory, "type": data["type"], "choices": choices})
    return result


def _validate_post_to_url(value: object) -> dict[str, Any]:
    """One parser for the Post-to-URL shape: the delivery job reads what this returns."""
    return parse_post_to_url_config(value).as_value()


# ---- scalar validators --------------------------------------------------------------------------


def _validate_url(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(key, f"{key} must be a URL (text).")
    url = value.strip()
    if not url:
        return ""
    if len(url) > MAX_URL_LENGTH:
        raise _fail(key, f"{key}: URLs are limited to {MAX_URL_LENGTH} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise _fail(key, f"{key}: {url!r} is not an http:// or https:// URL.")
    return url


def _coerce(setting: SettingDef, value: object) -> Any:
    key, label = setting.key, setting.label
    kind = setting.kind
    if kind == SettingKind.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
            return value.strip().lower() in _TRUE_WORDS
        raise _fail(key, f"{label} must be true or false.")
    if kind == SettingKind.INT:
        if setting.nullable and (value is None or value == ""):
            return None
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(key, f"{label} must be a whole number.")
        low, high = setting.minimum, setting.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise _fail(key, f"{label} must be between {low} and {high} (got {value}).")
        return value
    if kind == SettingKind.CHOICE:
        choice = value.strip() if isinstance(value, str) else value
        if choice not in setting.choices:
            raise _fail(key, f"{label} must be one of {', '.join(setting.choices)} (got {value!r}).")
        return choice
    if kind == SettingKind.TEXT:
        if not isinstance(value, str):
            raise _fail(key, f"{label} must be text.")
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            raise _fail(key, f"{label} contains a NUL character.")
        if setting.max_length is not None and len(text) > setting.max_length:
            raise _fail(key, f"{label} is limited to {setting.max_length} characters (got {len(text)}).")
        return text
    if kind == SettingKind.URL:
        return _validate_url(value, key)
    if kind == SettingKind.EMAIL:
        if not isinstance(value, str):
            raise _fail(key, f"{label} must be an email address.")
        email = value.strip()
        if email and (len(email) > MAX_EMAIL_LENGTH or not _EMAIL_RE.match(email)):
            raise _fail(key, f"{label}: {email!r} is not an email address.")
        return email
    assert setting.validator is not None, f"json setting {key} needs a validator"
    return setting.validator(value)


# ---- the catalog --------------------------------------------------------------------------------

G = frozenset({Owner.GLOBAL})
TG = frozenset({Owner.TECH_GROUP})
CH = frozenset({Owner.CHANNEL})
TG_CH = frozenset({Owner.TECH_GROUP, Owner.CHANNEL})
TECH = frozenset({Owner.TECHNICIAN})

_DEFAULT_SURVEY: dict[str, Any] = {
    "mode": "none",
    "url": "",
    "append_session_details": False,
    "questions": [],
}
_DEFAULT_SCHEDULE: dict[str, Any] = {
    "start": "00:00",
    "end": "00:00",  # start == end: open all day
    "time_zone": "UTC",
    "days": [True] * DAYS_PER_WEEK,
}
_DEFAULT_PRIVATE_FIELDS = [
    {"enabled": False, "mandatory": False, "type": "open_text", "choices": []}
    for _ in range(CUSTOM_FIELD_COUNT)
]
DEFAULT_EMAIL_TEXT = "Please click the link below to request a live support session:\n$link$"
LINK_PLACEHOLDER = "$link$"


def _b(key: str, label: str, owners: frozenset[Owner], default: bool, group: str, **kw: Any) -> SettingDef:
    return SettingDef(key, label, owners, SettingKind.BOOL, default, group=group, **kw)


def _i(
    key: str,
    label: str,
    owners: frozenset[Owner],
    default: int | None,
    low: int,
    high: int,
    group: str,
    **kw: Any,
) -> SettingDef:
    return SettingDef(
        key, label, owners, SettingKind.INT, default, minimum=low, maximum=high, group=group, **kw
    )


def _c(
    key: str,
    label: str,
    owners: frozenset[Owner],
    default: str,
    choices: tuple[str, ...],
    group: str,
    **kw: Any,
) -> SettingDef:
    return SettingDef(key, label, owners, SettingKind.CHOICE, default, choices=choices, group=group, **kw)


def _t(
    key: str, label: str, owners: frozenset[Owner], default: str, max_length: int, group: str, **kw: Any
) -> SettingDef:
    return SettingDef(key, label, owners, SettingKind.TEXT, default, max_length=max_length, group=group, **kw)


def _u(key: str, label: str, owners: frozenset[Owner], group: str, **kw: Any) -> SettingDef:
    return SettingDef(key, label, owners, SettingKind.URL, "", max_length=MAX_URL_LENGTH, group=group, **kw)


def _j(
    key: str,
    label: str,
    owners: frozenset[Owner],
    default: Any,
    validator: Callable[[Any], Any],
    group: str,
    **kw: Any,
) -> SettingDef:
    return SettingDef(key, label, owners, SettingKind.JSON, default, group=group, validator=validator, **kw)


SETTINGS: tuple[SettingDef, ...] = (
    # -- Global (§9-§12, §24, part2 §5, §7) --
    _c(
        "password_min_strength",
        "Minimum password strength",
        G,
        "good",
        ("good", "strong", "excellent"),
        S_PASSWORD,
    ),
    _i(
        "password_max_age_days",
        "Maximum password age (days)",
        G,
        0,
        0,
        PASSWORD_MAX_AGE_LIMIT_DAYS,
        S_PASSWORD,
        description="0 = no limit.",
    ),
    _i(
        "password_expiry_notice_days",
        "Notification before password expires (days)",
        G,
        0,
        0,
        PASSWORD_NOTICE_LIMIT_DAYS,
        S_PASSWORD,
        description="0 = no notification.",
    ),
    _b(
        "admin_password_change_forces_reset",
        "Admin password changes force user to change password at next logon",
        G,
        True,
        S_PASSWORD,
        description="On by default: a password an administrator typed is known to two people.",
    ),
    _b(
        "tfa_all_admins",
        "Two-step verification required for all Administrators (including MAH)",
        G,
        False,
        S_TFA,
    ),
    _c(
        "tfa_technicians",
        "Two-step verification required for technicians",
        G,
        "none",
        ("none", "all", "selected_groups"),
        S_TFA,
        description="selected_groups = members of groups that tick 'Enforce two-step verification'.",
    ),
    _c(
        "hierarchy_view",
        "Hierarchy visibility in the Technician Console",
        G,
        "compact",
        ("compact", "extended"),
        S_HIERARCHY,
    ),
    _b(
        "show_tg_only_to_assigned_admins",
        "Show Technician Groups only to assigned Administrators",
        G,
        False,
        S_TG_VISIBILITY,
    ),
    _j(
        "global_ip_rule",
        "IP restrictions",
        G,
        ALLOW_ALL.as_dict(),
        _validate_ip_rule,
        S_IP,
        description="Covers every component; default: granted from any IP.",
    ),
    _c(
        "monitoring_credentials",
        "Credentials required for monitoring",
        G,
        "admin",
        ("admin", "any_user"),
        S_MONITORING,
    ),
    _b("monitoring_disabled", "Disable technician monitoring", G, False, S_MONITORING),
    _c(
        "monitoring_notify",
        "Notify technician about desktop monitoring",
        G,
        "every_time",
        ("on_login", "every_time"),
        S_MONITORING,
        description="Forced to every_time while monitoring is disabled (§24).",
    ),
    _t("name_field_label", "Name for name field", G, "Name", LABEL_MAX, S_CUSTOM_FIELDS),
    *(
        _t(
            f"custom_field_{n}_label",
            f"Name for custom field {n}",
            G,
            f"Custom field {n}",
            LABEL_MAX,
            S_CUSTOM_FIELDS,
        )
        for n in range(1, CUSTOM_FIELD_COUNT + 1)
    ),
    _b(
        "hide_post_session_urls",
        "Hide post session URLs",
        G,
        False,
        S_EXPORT,
        description="Part 2 §14: Administrators must click Show URLs to see a group's Post-to-URL URLs.",
    ),
    _c(
        "customer_survey_issued_by",
        "Customer survey issued by",
        G,
        "starting_technician",
        ("starting_technician", "closing_technician"),
        S_SURVEY_ISSUANCE,
    ),
    # -- Technician Group or channel (§15, §19, §20, part2 §7.2) --
    _c("applet_running_mode", "Running mode", TG_CH, "standard", ("standard", "instant_chat"), S_APPLET),
    _b("show_download_page", "Display Customer Applet download page", TG_CH, True, S_APPLET),
    _b(
        "use_activex",
        "Use ActiveX Customer Applet",
        TG_CH,
        False,
        S_APPLET,
        description="Kept for compatibility; has no effect.",
    ),
    _b(
        "windows_service_if_admin",
        "Start as Windows System Service if customer has administrative rights",
        TG_CH,
        False,
        S_APPLET,
    ),
    _b("windows_service_if_uac", "... and UAC is enabled", TG_CH, False, S_APPLET),
    _t(
        "branding_app_name",
        "Application name",
        TG_CH,
        "",
        LABEL_MAX,
        S_BRANDING,
        description="Empty = the product name.",
    ),
    _b("terms_enabled", "Use Terms and Conditions", TG_CH, False, S_TERMS),
    _t("terms_text", "Terms and Conditions", TG_CH, "", TERMS_TEXT_MAX, S_TERMS, description="Plain text."),
    _b("terms_force_scroll", "Force scrolling to bottom", TG_CH, False, S_TERMS),
    _b(
        "disable_pause_break",
        "Disable Pause/Break hotkey for revoking permissions",
        TG_CH,
        False,
        S_PERMISSION_PROMPT,
    ),
    _b(
        "prompt_permissions_at_start",
        "Prompt customer for permissions one time when session starts",
        TG_CH,
        False,
        S_PERMISSION_PROMPT,
    ),
    _i(
        "private_code_validity_min",
        "Private code validity period (minutes)",
        TG_CH,
        PRIVATE_CODE_VALIDITY_DEFAULT_MIN,
        1,
        PRIVATE_CODE_VALIDITY_MAX_MIN,
        S_TIMEOUTS,
    ),
    _i(
        "connecting_timeout_min",
        "Connecting sessions will time out (minutes)",
        TG_CH,
        CONNECTING_TIMEOUT_DEFAULT_MIN,
        1,
        TIMEOUT_MAX_MIN,
        S_TIMEOUTS,
    ),
    _i(
        "waiting_timeout_min",
        "Waiting sessions will time out (minutes)",
        TG_CH,
        0,
        0,
        TIMEOUT_MAX_MIN,
        S_TIMEOUTS,
        description="0 = never.",
    ),
    _i(
        "idle_timeout_min",
        "Active session idle time-out (minutes)",
        TG_CH,
        0,
        0,
        TIMEOUT_MAX_MIN,
        S_TIMEOUTS,
        description="0 = never. On Hold sessions never time out.",
    ),
    _j(
        "timeout_alarms",
        "Time-out alarms",
        TG_CH,
        [],
        _validate_alarms,
        S_TIMEOUTS,
        description="List of {kind: connecting|waiting, after_s, color}.",
    ),
    _c(
        "no_tech_action",
        "When no technician is available",
        TG_CH,
        "keep_alive",
        ("keep_alive", "abort_redirect"),
        S_NO_TECH,
    ),
    _u("no_tech_abort_url", "Abort sessions and show this webpage", TG_CH, S_NO_TECH),
    _b("no_tech_notify_email", "Notify technicians of pending sessions via email", TG_CH, False, S_NO_TECH),
    _j(
        "customer_survey",
        "Customer survey",
        TG_CH,
        _DEFAULT_SURVEY,
        _survey_validator("customer_survey"),
        S_CUSTOMER_SURVEY,
    ),
    # -- Technician Group only (§15-§17, §21, §27, §10, §12, part2 §5, §7.1) --
    _c(
        "input_priority",
        "Priority over mouse and keyboard during remote control",
        TG,
        "customer",
        ("technician", "customer"),
        S_APPLET,
        description="Customer by default: the person at the machine can always take it back.",
    ),
    _b("show_estimated_wait", "Display estimated waiting time (private sessions)", TG, True, S_APPLET),
    _b("pin_enabled", "Allow PIN Code", TG, True, S_CONNECTION),
    _u(
        "pin_display_url",
        "URL to display when creating code sessions",
        TG,
        S_CONNECTION,
        description="Empty = this server's PIN page.",
    ),
    _b("email_via_default_client", "Allow email via default client", TG, True, S_CONNECTION),
    _b(
        "email_via_server",
        "Allow email via Lifeline servers",
        TG,
        False,
        S_CONNECTION,
        description="Off by default: needs SMTP configured.",
    ),
    SettingDef(
        "email_reply_to",
        "Reply-to address (optional)",
        TG,
        SettingKind.EMAIL,
        "",
        max_length=MAX_EMAIL_LENGTH,
        group=S_CONNECTION,
        description="Empty = the sending technician's address.",
    ),
    _t(
        "email_subject",
        "Connection email subject",
        TG,
        "Connection email link",
        EMAIL_SUBJECT_MAX,
        S_CONNECTION,
    ),
    _t(
        "email_text",
        "Connection email text",
        TG,
        DEFAULT_EMAIL_TEXT,
        EMAIL_TEXT_MAX,
        S_CONNECTION,
        description=f"{LINK_PLACEHOLDER} is replaced by the session link.",
    ),
    _t(
        "email_signature",
        "Connection email signature",
        TG,
        "Best Regards,\nSupport Team",
        EMAIL_SIGNATURE_MAX,
        S_CONNECTION,
    ),
    _b("link_enabled", "Allow Link", TG, True, S_CONNECTION),
    _b(
        "sms_enabled",
        "Allow SMS",
        TG,
        False,
        S_CONNECTION,
        description="Off by default: needs an SMS gateway.",
    ),
    _c(
        "clipboard_mode",
        "Clipboard synchronization",
        TG,
        "universal",
        ("universal", "per_session"),
        S_CONSOLE,
    ),
    _i(
        "max_active_sessions",
        "Technician can handle maximum X active sessions",
        TG,
        MAX_SESSIONS_LIMIT,
        1,
        MAX_SESSIONS_LIMIT,
        S_CONSOLE,
    ),
    _i(
        "defer_autostart_min",
        "Defer auto-start after login by (minutes)",
        TG,
        0,
        0,
        MINUTES_MAX,
        S_CONSOLE,
        description="0 = no deferment.",
    ),
    _i(
        "busy_threshold",
        "Busy when handling more than X active sessions",
        TG,
        MAX_SESSIONS_LIMIT,
        1,
        MAX_SESSIONS_LIMIT,
        S_CONSOLE,
        description="10 = no busy state.",
    ),
    _i(
        "away_after_min",
        "Away after X minutes of inactivity",
        TG,
        0,
        0,
        MINUTES_MAX,
        S_CONSOLE,
        description="0 = no away state.",
    ),
    _i(
        "auto_logout_min",
        "Log out after X minutes of inactivity",
        TG,
        0,
        0,
        MINUTES_MAX,
        S_CONSOLE,
        description="0 = no auto logout.",
    ),
    _b("disable_wallpaper", "Disable wallpaper and visual effects", TG, False, S_CONSOLE),
    _b(
        "autostart_private",
        "Auto-start incoming private sessions",
        TG,
        False,
        S_CONSOLE,
        description="When on, technicians cannot change their own console option.",
    ),
    _u(
        "logout_url",
        "Logout URL",
        TG,
        S_CONSOLE,
        description="Opened when a technician logs out (gap §32.11).",
    ),
    _j(
        "tc_ip_rule",
        "IP restrictions (Technician Console)",
        TG,
        ALLOW_ALL.as_dict(),
        _validate_ip_rule,
        S_TC_IP,
        description="Only Technician Console access by members; both this and the global rule must allow.",
    ),
    _b("lens_audio", "Enable audio", TG, False, S_LENS, description="Off by default: opens a voice link."),
    _b(
        "ua_admin_credentials_required",
        "Technician enters administrator credentials at start of every session",
        TG,
        False,
        S_UNATTENDED,
        description="Off (the seed's default): customer credentials cap access at 2 weeks.",
    ),
    _b("ua_block_popup", "Block pop-up notification after session", TG, False, S_UNATTENDED),
    _b("enforce_tfa", "Enforce two-step verification", TG, False, S_TFA),
    _j(
        "technician_survey",
        "Technician survey",
        TG,
        _DEFAULT_SURVEY,
        _survey_validator("technician_survey"),
        S_TECH_SURVEY,
    ),
    _j(
        "post_to_url",
        "Exporting session data (Post-to-URL)",
        TG,
        PostToUrlConfig().as_value(),
        _validate_post_to_url,
        S_EXPORT,
        description="{urls: {trigger: url}, format: form|xml|json, omit_chat_text, omit_chat_from_storage}; "
        "triggers: every_start, first_start, end, suspend, console_closed.",
    ),
    _j(
        "private_custom_fields",
        "Custom fields (private sessions)",
        TG,
        _DEFAULT_PRIVATE_FIELDS,
        _validate_private_fields,
        S_PRIVATE_FIELDS,
    ),
    # -- Channel only (§15, §18, §19) --
    _c(
        "waiting_message",
        "Message to waiting customers",
        CH,
        "queue_position",
        ("est_wait", "queue_position"),
        S_APPLET,
        description="Queue position by default: it is always known, an estimate needs history.",
    ),
    _b(
        "auto_transfer_enabled",
        "Auto-transfer waiting sessions",
        CH,
        False,
        S_SESSION_MANAGEMENT,
        apply_to_all_allowed=False,
    ),
    _i(
        "auto_transfer_after_min",
        "Auto-transfer after (minutes)",
        CH,
        10,
        1,
        TIMEOUT_MAX_MIN,
        S_SESSION_MANAGEMENT,
        apply_to_all_allowed=False,
    ),
    _i(
        "auto_transfer_target_channel",
        "Receiving channel",
        CH,
        None,
        1,
        CHANNEL_COUNT,
        S_SESSION_MANAGEMENT,
        apply_to_all_allowed=False,
        nullable=True,
        description="Channel number 1-10.",
    ),
    _b(
        "auto_start_enabled",
        "Auto-start waiting sessions",
        CH,
        False,
        S_SESSION_MANAGEMENT,
        apply_to_all_allowed=False,
    ),
    _i(
        "auto_start_below_sessions",
        "...only if the technician has less than X active sessions",
        CH,
        MAX_SESSIONS_LIMIT,
        1,
        MAX_SESSIONS_LIMIT,
        S_SESSION_MANAGEMENT,
        apply_to_all_allowed=False,
        description="10 = regardless.",
    ),
    _b(
        "incoming_transfer_restriction",
        "Allow transfers in only while a technician is available",
        CH,
        False,
        S_SESSION_MANAGEMENT,
    ),
    _j(
        "working_hours",
        "Working hours",
        CH,
        _DEFAULT_SCHEDULE,
        _validate_schedule,
        S_SCHEDULING,
        description="start == end means all day; days are Monday first.",
    ),
    # -- Technician (§18, §31) --
    # "Never auto-start waiting channel sessions" is a profile field of the technician
    # (User.never_auto_start, Organization tab, L1095), not a setting: one source of truth.
    _b(
        "console_autostart_private",
        "Auto-start incoming private sessions (own console option)",
        TECH,
        False,
        S_TECHNICIAN,
        description="Ignored while the group's autostart_private is on.",
    ),
)

SETTING_BY_KEY: dict[str, SettingDef] = {s.key: s for s in SETTINGS}


def setting(key: str) -> SettingDef:
    """The definition of ``key``; :class:`InvalidInput` if there is none."""
    try:
        return SETTING_BY_KEY[key]
    except (KeyError, TypeError):
        raise InvalidInput(f"Unknown setting {key!r}.", field="key") from None


def settings_for(owner: Owner) -> list[SettingDef]:
    """The settings an owner type has, in catalog (form) order."""
    return [s for s in SETTINGS if owner in s.owners]


def sections_for(owner: Owner) -> dict[str, list[SettingDef]]:
    """:func:`settings_for` grouped by form section, sections in first-seen order."""
    sections: dict[str, list[SettingDef]] = {}
    for s in settings_for(owner):
        sections.setdefault(s.group, []).append(s)
    return sections


def default_values(owner: Owner) -> dict[str, Any]:
    """Every setting of ``owner`` at its default (fresh copies)."""
    return {s.key: s.default_value() for s in settings_for(owner)}


def _check_owner(definition: SettingDef, owner: Owner | str) -> Owner:
    try:
        parsed = Owner(owner)
    except ValueError:
        raise InvalidInput(f"Unknown setting owner {owner!r}.", field="owner") from None
    if parsed not in definition.owners:
        where = ", ".join(sorted(o.value for o in definition.owners))
        raise InvalidInput(
            f"{definition.label} ({definition.key}) is not a {parsed.value} setting; it belongs to: {where}.",
            field=definition.key,
        )
    return parsed


def validate_setting(key: str, value: object, owner: Owner | str) -> Any:
    """Check ``value`` for setting ``key`` on an owner of type ``owner``; return it normalised.

    Normalisation: "yes"/"on"/"1" become booleans, numeric strings integers,
    text line endings ``\\n``, URLs and emails are stripped, JSON values get
    their canonical shape. Raises :class:`InvalidInput` with ``field=key``.
    """
    definition = setting(key)
    _check_owner(definition, owner)
    return _coerce(definition, value)


def validate_settings(values: Mapping[str, object], owner: Owner | str) -> dict[str, Any]:
    """Validate a whole form for one owner (each key must belong to ``owner``)."""
    return {key: validate_setting(key, value, owner) for key, value in values.items()}


def check_scope(definition: SettingDef | str, owner: Owner | str, scope: SaveScope | str) -> None:
    """Raise :class:`InvalidInput` unless ``scope`` is a legal save of ``definition`` on ``owner`` (§28).

    - ``save`` is always legal for a setting the owner has;
    - ``subgroups`` and ``all_groups`` only for a Technician Group;
    - ``all_channels`` only for a channel, and never for auto-transfer and
      auto-start (``apply_to_all_allowed`` False);
    - global and technician settings only have ``save``.
    """
    if isinstance(definition, str):
        definition = setting(definition)
    parsed_owner = _check_owner(definition, owner)
    try:
        parsed_scope = SaveScope(scope)
    except ValueError:
        raise InvalidInput(
            f"Unknown save scope {scope!r}; use one of {', '.join(s.value for s in SaveScope)}.",
            field="scope",
        ) from None
    if parsed_scope == SaveScope.SAVE:
        return
    group_scopes = (SaveScope.SUBGROUPS, SaveScope.ALL_GROUPS)
    if parsed_scope in group_scopes and parsed_owner != Owner.TECH_GROUP:
        raise InvalidInput(
            f"'{parsed_scope.value}' applies only to Technician Group settings.", field="scope"
        )
    if parsed_scope == SaveScope.ALL_CHANNELS and parsed_owner != Owner.CHANNEL:
        raise InvalidInput("'all_channels' applies only to channel settings.", field="scope")
    if parsed_scope in (SaveScope.ALL_GROUPS, SaveScope.ALL_CHANNELS) and not definition.apply_to_all_allowed:
        targets = "channels" if parsed_owner == Owner.CHANNEL else "groups"
        raise InvalidInput(
            f"{definition.label} cannot be applied to all {targets}; save it on each one.",
            field=definition.key,
        )


def check_consistency(
    owner: Owner | str, values: Mapping[str, Any], *, channel_number: int | None = None
) -> dict[str, Any]:
    """Cross-field rules over an owner's *complete* settings (defaults merged); returns a normalised copy.

    - monitoring disabled forces "notify every time" (§24);
    - Terms and Conditions cannot be enabled with an empty text;
    - "abort and show this webpage" needs the webpage;
    - auto-transfer needs a receiving channel other than the channel itself.
    """
    parsed = Owner(owner)
    result = dict(values)
    if parsed == Owner.GLOBAL and result.get("monitoring_disabled"):
        result["monitoring_notify"] = "every_time"
    if result.get("terms_enabled") and not str(result.get("terms_text", "")).strip():
        raise InvalidInput("Terms and Conditions are enabled but their text is empty.", field="terms_text")
    if result.get("no_tech_action") == "abort_redirect" and not result.get("no_tech_abort_url"):
        raise InvalidInput(
            "Aborting sessions needs the webpage to show the customer.", field="no_tech_abort_url"
        )
    if parsed == Owner.CHANNEL and result.get("auto_transfer_enabled"):
        target = result.get("auto_transfer_target_channel")
        if target is None:
            raise InvalidInput(
                "Auto-transfer needs a receiving channel.", field="auto_transfer_target_channel"
            )
        if channel_number is not None and target == channel_number:
            raise InvalidInput(
                "A channel cannot auto-transfer sessions to itself.", field="auto_transfer_target_channel"
            )
    return result


def schedule_open_at(schedule: Mapping[str, Any], local: datetime) -> bool:
    """Whether a ``working_hours`` value is open at ``local`` (already in the schedule's time zone).

    ``start == end`` means the ticked days are open all day. ``start > end`` is
    an overnight shift: it belongs to the day it starts on.
    """
    start = time.fromisoformat(schedule["start"])
    end = time.fromisoformat(schedule["end"])
    days: list[bool] = schedule["days"]
    now = local.time().replace(tzinfo=None)
    today = days[local.weekday()]
    yesterday = days[(local - timedelta(days=1)).weekday()]
    if start == end:
        return today
    if start < end:
        return today and start <= now < end
    return (today and now >= start) or (yesterday and now < end)
