"""Parameters of every Command API action, parsed into typed objects before anything touches data.

Spec: ``shared/spec/api-command.md`` §2.2–2.9 (transport, parsing rules, permissions, order of checks)
and §5 (each command's table). Integrator notes: ``docs/api-compatibility.md``.

Why a separate, pure layer: the order of checks (D-15) and the parsing rules (D-10) are easy to get subtly
wrong inside handlers: last value wins, ``1`` is the only true, ``Isid`` means ``lsid``, empty means
present. Here each rule is written once and tested without a server. What needs data (does rep 7 exist?
is that skill configured? is the ttl above the site maximum?) is left to the services; this module only
rejects what is wrong whatever the data. Every rejection is a :class:`CommandApiError` carrying the
canonical text of spec §13.2, which ``lifeline/api/`` renders with :func:`error_element`.

The module is past the usual 500-line budget on purpose: it is the 18 parameter tables of spec §5 side by
side with the one ``COMMANDS`` table that binds them, so a reviewer can hold a command's parser, its
permission and its documented parameters in one view.

Typical use in a handler::

    params = collect_params(request.query_params.multi_items(), form.multi_items())
    command = parse_command(params, account.perm_command, ParseContext(custom_attribute_codes=codes))
    # command.spec.action == "join_session"; command.params is a JoinSessionParams
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lifeline.api.xml_response import (
    CLIENT_TYPES,
    E01_MISSING_ACTION,
    E02_INVALID_ACTION,
    E03_PERMISSION,
    E04_MISSING_PARAMETER,
    E05_INVALID_VALUE,
    E06_SESSION_NOT_FOUND,
    E12_ATTRIBUTE_NOT_CONFIGURED,
    E13_TOO_LONG,
    E14_ATTRIBUTES_TOO_LARGE,
    E17_LEAVE_WITHOUT_TARGET,
    E18_TIMESTAMP_IN_FUTURE,
    E19_INVALID_SESSION_KEY,
    E20_TOO_MANY_IDS,
    E26_HOSTNAME_PARAMETERS,
    E27_MULTIPART,
    CommandApiError,
)

Params = Mapping[str, str]

# -- endpoints and transport ------------------------------------------------------------------------------

#: Canonical path → every path that serves it. The ``.ns`` spellings were deprecated in API 1.12.0 but
#: still answer (Change Log L4412–4416), so old integrations keep working.
ENDPOINT_PATHS: Mapping[str, tuple[str, ...]] = {
    "/api/command": ("/api/command", "/api/command.ns"),
    "/api/client_script": ("/api/client_script", "/api/client_script.ns"),
    "/api/start_session": ("/api/start_session", "/api/start_session.ns"),
    "/api/reporting": ("/api/reporting", "/api/reporting.ns"),
    "/api/backup": ("/api/backup", "/api/backup.ns"),
}

#: The seed's PDF text spells ``lsid`` as ``Isid`` (capital i) in many examples; tests copy those URLs
#: verbatim, so it is an exact alias (D-02).
PARAMETER_ALIASES: Mapping[str, str] = {"Isid": "lsid"}

_MULTIPART = "multipart/form-data"


def check_content_type(content_type: str | None) -> None:
    """Refuse multipart POST bodies (seed L248: "Multipart POST requests are not supported"; D-04)."""
    if content_type and content_type.split(";", 1)[0].strip().lower() == _MULTIPART:
        raise CommandApiError(E27_MULTIPART)


def collect_params(*sources: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Merge parameter sources into one mapping, the way the appliance reads them.

    Pass the query string first and the form body second: later sources win (D-05), and within a source
    a repeated name keeps its last value (D-10). ``Isid`` is folded into ``lsid`` (D-02).
    """
    merged: dict[str, str] = {}
    for source in sources:
        for name, value in source:
            merged[PARAMETER_ALIASES.get(name, name)] = value
    return merged


# -- permissions ------------------------------------------------------------------------------------------


class CommandPermission(StrEnum):
    """An API account's ``perm_command`` (seed L1105)."""

    FULL_ACCESS = "full_access"
    READ_ONLY = "read_only"
    DENY = "deny"


class PermissionLevel(StrEnum):
    """The least an account needs to run an action (spec §2.8)."""

    READ_ONLY = "read_only"
    FULL_ACCESS = "full_access"


def permits(account: CommandPermission, required: PermissionLevel) -> bool:
    """True iff an account with ``account`` may run an action needing ``required``."""
    if account is CommandPermission.DENY:
        return False
    return account is CommandPermission.FULL_ACCESS or required is PermissionLevel.READ_ONLY


def is_command_api_denied(account: CommandPermission) -> bool:
    """``deny`` answers ``404 Document Not Found`` before the action is even read (D-14, D-15 step 3)."""
    return account is CommandPermission.DENY


# -- scalar rules (D-10) ----------------------------------------------------------------------------------

_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() would also take "+1", " 1", "1_0", "١"
_LSID = re.compile(r"[0-9a-f]{32}")
_SHORT_KEY = re.compile(r"[0-9]{7}")
_DISPLAY_SIZE = re.compile(r"([1-9][0-9]*)x([1-9][0-9]*)")

#: Longest value of one ``session.custom.*`` parameter, in characters (seed L396, L588).
CUSTOM_ATTRIBUTE_MAX_CHARS = 1024
#: Longest combined size of all custom attributes of one request, external key included, counted in
#: UTF-8 bytes (seed L397 "10 KB"; D-11).
CUSTOM_ATTRIBUTES_MAX_BYTES = 10240
#: At most this many ids per ``get_connected_clients`` call (seed L744).
MAX_CLIENT_IDS = 100
#: Longest Jump Item name and hostname (seed L918 etc.).
JUMP_NAME_MAX_CHARS = 128
#: Longest Jump Item tag and comments (seed L921–922).
JUMP_TEXT_MAX_CHARS = 1024
CUSTOM_PREFIX = "session.custom."
EXTERNAL_KEY = "external_key"


def _flag(params: Params, name: str) -> bool:
    # "If it is omitted or given any other value…" (L540): only the literal 1 is true.
    return params.get(name) == "1"


def _require(params: Params, name: str) -> str:
    if name not in params:
        raise CommandApiError(E04_MISSING_PARAMETER, name=name)
    return params[name]


def _require_nonempty(params: Params, name: str) -> str:
    value = _require(params, name)
    if not value:
        raise CommandApiError(E05_INVALID_VALUE, name=name)
    return value


def _integer(name: str, value: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if not _INTEGER.fullmatch(value):
        raise CommandApiError(E05_INVALID_VALUE, name=name)
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise CommandApiError(E05_INVALID_VALUE, name=name)
    return number


def _optional_integer(
    params: Params, name: str, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    return _integer(name, params[name], minimum, maximum) if name in params else None


def _max_length(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise CommandApiError(E13_TOO_LONG, name=name, n=limit)
    return value


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(item for item in (part.strip(" \t\r\n") for part in value.split(",")) if item)


def _lsid(params: Params) -> str:
    value = _require(params, "lsid")
    # A malformed LSID can't name an active session, so it gets the "not found" answer, not E05.
    if not _LSID.fullmatch(value):
        raise CommandApiError(E06_SESSION_NOT_FOUND, lsid=value)
    return value


# -- custom attributes (§2.7) -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomAttributes:
    """``session.custom.*`` values of a request, in request order.

    ``external_key`` is ``None`` when the request did not name it and ``""`` when it clears it; ``values``
    maps configured code names to their new values with the same convention (absent = keep, §5.9).
    """

    external_key: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)


def _custom_attributes(params: Params, configured: Collection[str]) -> CustomAttributes:
    external_key: str | None = None
    values: dict[str, str] = {}
    total_bytes = 0
    for name, value in params.items():
        if not name.startswith(CUSTOM_PREFIX):
            continue
        code_name = name[len(CUSTOM_PREFIX) :]
        if code_name != EXTERNAL_KEY and code_name not in configured:
            raise CommandApiError(E12_ATTRIBUTE_NOT_CONFIGURED, code_name=code_name)
        _max_length(name, value, CUSTOM_ATTRIBUTE_MAX_CHARS)
        total_bytes += len(value.encode("utf-8"))
        if code_name == EXTERNAL_KEY:
            external_key = value
        else:
            values[code_name] = value
    if total_bytes > CUSTOM_ATTRIBUTES_MAX_BYTES:
        raise CommandApiError(E14_ATTRIBUTES_TOO_LARGE)
    return CustomAttributes(external_key, values)


# -- shared value objects ---------------------------------------------------------------------------------


class QueueKind(StrEnum):
    """Forms of ``queue_id`` (seed L392). Lifeline: general queue, technician, group, channel."""

    GENERAL = "general"
    REP = "rep"
    TEAM = "team"
    REP_USERNAME = "rep_username"
    ISSUE = "issue"


@dataclass(frozen=True, slots=True)
class QueueTarget:
    """A parsed ``queue_id``: ``id`` for rep/team, ``name`` for rep_username/issue, neither for general."""

    kind: QueueKind
    id: int | None = None
    name: str | None = None


def _queue(name: str, value: str, allowed: Collection[QueueKind]) -> QueueTarget:
    kind_text, separator, rest = value.partition(":")
    try:
        kind = QueueKind(kind_text)
    except ValueError:
        raise CommandApiError(E05_INVALID_VALUE, name=name) from None
    if kind not in allowed or (kind is QueueKind.GENERAL) == bool(separator):
        raise CommandApiError(E05_INVALID_VALUE, name=name)
    if kind is QueueKind.GENERAL:
        return QueueTarget(kind)
    if kind in (QueueKind.REP, QueueKind.TEAM):
        return QueueTarget(kind, id=_integer(name, rest, minimum=0))
    if not rest:
        raise CommandApiError(E05_INVALID_VALUE, name=name)
    return QueueTarget(kind, name=rest)


@dataclass(frozen=True, slots=True)
class RepRef:
    """A representative named by id or by username (exactly one is set)."""

    id: int | None = None
    username: str | None = None


def _rep_ref(params: Params) -> RepRef | None:
    # rep_id beats rep_username when both are sent (D-38).
    if "rep_id" in params:
        return RepRef(id=_integer("rep_id", params["rep_id"], minimum=0))
    if "rep_username" in params:
        return RepRef(username=_require_nonempty(params, "rep_username"))
    return None


# -- per-command parameter objects ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoParams:
    """Commands that take no parameters (get_logged_in_reps, get_appliances, check_health, get_api_info)."""


@dataclass(frozen=True, slots=True)
class GetSupportTeamsParams:
    show_members: bool


@dataclass(frozen=True, slots=True)
class GenerateSessionKeyParams:
    queue: QueueTarget
    attributes: CustomAttributes
    priority: int | None
    skills: tuple[str, ...]
    ttl: int | None  # None: the site maximum; larger values are clamped by the service (D-35)
    url_hostname: str | None  # None: the primary public site


@dataclass(frozen=True, slots=True)
class JoinSessionParams:
    lsid: str
    rep: RepRef


@dataclass(frozen=True, slots=True)
class TransferSessionParams:
    lsid: str
    queue: QueueTarget


@dataclass(frozen=True, slots=True)
class Impersonation:
    """Who a chat message appears to come from: ``customer`` or a rep (``rep`` set)."""

    customer: bool
    rep: RepRef | None = None


@dataclass(frozen=True, slots=True)
class SendChatMessageParams:
    lsid: str
    body: str
    impersonate: Impersonation | None  # None: a system message
    timestamp: int | None  # None: now


@dataclass(frozen=True, slots=True)
class CreateVirtualCustomerParams:
    short_key: str
    name: str
    ip_address: str
    operating_system: str
    computer_name: str
    chat_url: bool


@dataclass(frozen=True, slots=True)
class LeaveSessionParams:
    lsid: str
    rep: RepRef | None  # None: the customer leaves


@dataclass(frozen=True, slots=True)
class SetSessionAttributesParams:
    lsid: str
    attributes: CustomAttributes


@dataclass(frozen=True, slots=True)
class LsidParams:
    """get_session_attributes and terminate_session."""

    lsid: str


@dataclass(frozen=True, slots=True)
class ConnectedClientListParams:
    types: frozenset[str]
    include_pinned: bool  # pinned Jump Client counts appear only for type=all (L703)
    summary_only: bool


@dataclass(frozen=True, slots=True)
class ConnectedClientsParams:
    types: frozenset[str]
    ids: tuple[str, ...] | None  # None: every client
    include_connections: bool


@dataclass(frozen=True, slots=True)
class SetFailoverRoleParams:
    role: str  # primary | backup
    data_sync_first: bool
    force: bool


class JumpItemType(StrEnum):
    """Lifeline: every kind of unattended-computer shortcut the import accepts (§5.17)."""

    LOCAL_JUMP = "local_jump"
    REMOTE_JUMP = "remote_jump"
    REMOTE_VNC = "remote_vnc"
    LOCAL_VNC = "local_vnc"
    REMOTE_RDP = "remote_rdp"
    LOCAL_RDP = "local_rdp"
    SHELL_JUMP = "shell_jump"
    VPRO = "vpro"


#: The hostname parameter decides the Jump Item type (D-52).
JUMP_HOSTNAME_PARAMETERS: Mapping[str, JumpItemType] = {
    "local_jump_hostname": JumpItemType.LOCAL_JUMP,
    "remote_jump_hostname": JumpItemType.REMOTE_JUMP,
    "remote_vnc_hostname": JumpItemType.REMOTE_VNC,
    "local_vnc_hostname": JumpItemType.LOCAL_VNC,
    "remote_rdp_hostname": JumpItemType.REMOTE_RDP,
    "rdp_hostname": JumpItemType.LOCAL_RDP,
    "shelljump_hostname": JumpItemType.SHELL_JUMP,
    "vpro_hostname": JumpItemType.VPRO,
}
_NEEDS_JUMPOINT = frozenset(
    {
        JumpItemType.REMOTE_JUMP,
        JumpItemType.REMOTE_VNC,
        JumpItemType.REMOTE_RDP,
        JumpItemType.SHELL_JUMP,
        JumpItemType.VPRO,
    }
)
_NO_SESSION_POLICY = frozenset({JumpItemType.REMOTE_VNC, JumpItemType.LOCAL_VNC})
_RDP = frozenset({JumpItemType.REMOTE_RDP, JumpItemType.LOCAL_RDP})
RDP_QUALITIES = ("black_white", "few_colors", "more_colors", "full_colors", "video_opt")
RDP_DEFAULT_QUALITY = "more_colors"
VNC_DEFAULT_PORT = 5900
VNC_MIN_PORT = 100  # seed L957: "100-65535"
SHELL_DEFAULT_PORTS: Mapping[str, int] = {"ssh": 22, "telnet": 23}
SHELL_TERMINALS: Mapping[str, str] = {"xterm": "xterm", "vt100": "VT100"}  # matched case-insensitively
SHELL_KEEP_ALIVE_MAX_S = 300  # seed L1047: 0 (off) to 300 seconds
MAX_PORT = 65535


@dataclass(frozen=True, slots=True)
class RdpOptions:
    username: str | None
    domain: str | None
    display_size: str  # primary | all | <W>x<H>
    quality: str
    console: bool
    ignore_untrusted: bool


@dataclass(frozen=True, slots=True)
class ShellOptions:
    protocol: str  # ssh | telnet
    username: str | None
    terminal: str  # xterm | VT100
    keep_alive_s: int


@dataclass(frozen=True, slots=True)
class ImportJumpShortcutParams:
    item_type: JumpItemType
    name: str
    hostname: str
    group: str
    jumpoint: str | None
    tag: str
    comments: str
    jump_policy: str | None
    session_policy: str | None
    public_portal: str | None
    port: int | None
    rdp: RdpOptions | None = None
    shell: ShellOptions | None = None


# -- the parsers ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What parsing may know about the site: configured custom attribute code names and the clock."""

    custom_attribute_codes: frozenset[str] = frozenset()
    now: Callable[[], float] = time.time


def _no_params(params: Params, context: ParseContext) -> NoParams:
    return NoParams()


def _get_support_teams(params: Params, context: ParseContext) -> GetSupportTeamsParams:
    return GetSupportTeamsParams(show_members=_flag(params, "showmembers"))


_KEY_QUEUES = frozenset(QueueKind)
_TRANSFER_QUEUES = frozenset({QueueKind.REP, QueueKind.TEAM, QueueKind.REP_USERNAME})


def _generate_session_key(params: Params, context: ParseContext) -> GenerateSessionKeyParams:
    if params["type"] != "support":  # "Currently, the only supported value is support" (L391)
        raise CommandApiError(E05_INVALID_VALUE, name="type")
    queue = _queue("queue_id", params["queue_id"], _KEY_QUEUES)
    attributes = _custom_attributes(params, context.custom_attribute_codes)
    priority = _optional_integer(params, "session.priority", 1, 3)
    skills = _comma_list(params.get("session.skills", ""))
    ttl = _optional_integer(params, "ttl", minimum=1)
    url_hostname = params.get("url_hostname")
    if url_hostname is not None and not url_hostname:
        raise CommandApiError(E05_INVALID_VALUE, name="url_hostname")
    return GenerateSessionKeyParams(queue, attributes, priority, skills, ttl, url_hostname)


def _join_session(params: Params, context: ParseContext) -> JoinSessionParams:
    lsid = _lsid(params)
    rep = _rep_ref(params)
    if rep is None:
        raise CommandApiError(E04_MISSING_PARAMETER, name="rep_id")
    return JoinSessionParams(lsid, rep)


def _transfer_session(params: Params, context: ParseContext) -> TransferSessionParams:
    return TransferSessionParams(_lsid(params), _queue("queue_id", params["queue_id"], _TRANSFER_QUEUES))


def _impersonation(value: str) -> Impersonation:
    if value == "customer":
        return Impersonation(customer=True)
    kind, separator, rest = value.partition(":")
    if separator and rest and kind == "rep":
        return Impersonation(customer=False, rep=RepRef(id=_integer("impersonate", rest, minimum=0)))
    if separator and rest and kind == "rep_username":
        return Impersonation(customer=False, rep=RepRef(username=rest))
    raise CommandApiError(E05_INVALID_VALUE, name="impersonate")


def _send_chat_message(params: Params, context: ParseContext) -> SendChatMessageParams:
    lsid = _lsid(params)
    body = params.get("body", "")
    if not body:  # missing or empty body → E04 (D-41)
        raise CommandApiError(E04_MISSING_PARAMETER, name="body")
    impersonate = _impersonation(params["impersonate"]) if "impersonate" in params else None
    timestamp = _optional_integer(params, "timestamp", minimum=0)
    if timestamp is not None and timestamp > context.now():
        raise CommandApiError(E18_TIMESTAMP_IN_FUTURE)
    return SendChatMessageParams(lsid, body, impersonate, timestamp)


def _create_virtual_customer(params: Params, context: ParseContext) -> CreateVirtualCustomerParams:
    short_key = params["short_key"]
    if not _SHORT_KEY.fullmatch(short_key):  # can't be a key we issued (D-42)
        raise CommandApiError(E19_INVALID_SESSION_KEY)
    name = _require_nonempty(params, "name")
    try:
        ip_address = str(ipaddress.ip_address(params["ip_address"]))
    except ValueError:
        raise CommandApiError(E05_INVALID_VALUE, name="ip_address") from None
    operating_system = _require_nonempty(params, "operating_system")
    computer_name = _require_nonempty(params, "computer_name")
    return CreateVirtualCustomerParams(
        short_key, name, ip_address, operating_system, computer_name, chat_url=_flag(params, "chat_url")
    )


def _leave_session(params: Params, context: ParseContext) -> LeaveSessionParams:
    lsid = _lsid(params)
    rep = _rep_ref(params)  # precedence rep_id, rep_username, customer (D-43)
    if rep is None and not _flag(params, "customer"):
        raise CommandApiError(E17_LEAVE_WITHOUT_TARGET)
    return LeaveSessionParams(lsid, rep)


def _set_session_attributes(params: Params, context: ParseContext) -> SetSessionAttributesParams:
    lsid = _lsid(params)
    return SetSessionAttributesParams(lsid, _custom_attributes(params, context.custom_attribute_codes))


def _lsid_only(params: Params, context: ParseContext) -> LsidParams:
    return LsidParams(_lsid(params))


def _client_types(params: Params) -> tuple[frozenset[str], bool]:
    """Parse ``type`` (default ``all``); returns the selected types and whether ``all`` was asked for."""
    requested = _comma_list(params.get("type", "all")) or ("all",)
    for value in requested:
        if value != "all" and value not in CLIENT_TYPES:  # includes pinned_client (L703)
            raise CommandApiError(E05_INVALID_VALUE, name="type")
    if "all" in requested:  # "all" mixed with others still means all (D-46)
        return frozenset(CLIENT_TYPES), True
    return frozenset(requested), False


def _connected_client_list(params: Params, context: ParseContext) -> ConnectedClientListParams:
    types, everything = _client_types(params)
    return ConnectedClientListParams(
        types, include_pinned=everything, summary_only=_flag(params, "summary_only")
    )


def _connected_clients(params: Params, context: ParseContext) -> ConnectedClientsParams:
    types, _ = _client_types(params)
    ids: tuple[str, ...] | None = None
    if params.get("id"):
        ids = tuple(dict.fromkeys(_comma_list(params["id"])))
        if len(ids) > MAX_CLIENT_IDS:
            raise CommandApiError(E20_TOO_MANY_IDS)
    return ConnectedClientsParams(types, ids, include_connections=_flag(params, "include_connections"))


def _set_failover_role(params: Params, context: ParseContext) -> SetFailoverRoleParams:
    role = params["role"]
    if role not in ("primary", "backup"):
        raise CommandApiError(E05_INVALID_VALUE, name="role")
    return SetFailoverRoleParams(role, _flag(params, "data_sync_first"), _flag(params, "force"))


def _optional_code(params: Params, name: str) -> str | None:
    # An empty policy or portal means "none", the same as leaving it out.
    return params.get(name) or None


def _import_jump_shortcut(params: Params, context: ParseContext) -> ImportJumpShortcutParams:
    present = [name for name in JUMP_HOSTNAME_PARAMETERS if name in params]
    if len(present) != 1:
        raise CommandApiError(E26_HOSTNAME_PARAMETERS)
    hostname_param = present[0]
    item_type = JUMP_HOSTNAME_PARAMETERS[hostname_param]
    if item_type is JumpItemType.LOCAL_RDP and "jumpoint" in params:
        item_type = JumpItemType.REMOTE_RDP  # the seed's RDP-via-Jumpoint examples use rdp_hostname (L1079)
    hostname = _max_length(hostname_param, _require_nonempty(params, hostname_param), JUMP_NAME_MAX_CHARS)
    name = params.get("name", hostname)  # examples omit the required name (D-52)
    if not name:
        raise CommandApiError(E05_INVALID_VALUE, name="name")
    _max_length("name", name, JUMP_NAME_MAX_CHARS)
    jumpoint = _require_nonempty(params, "jumpoint") if item_type in _NEEDS_JUMPOINT else None
    protocol = _require(params, "protocol") if item_type is JumpItemType.SHELL_JUMP else None
    group = _require_nonempty(params, "group")
    tag = _max_length("tag", params.get("tag", ""), JUMP_TEXT_MAX_CHARS)
    comments = _max_length("comments", params.get("comments", ""), JUMP_TEXT_MAX_CHARS)
    session_policy = None if item_type in _NO_SESSION_POLICY else _optional_code(params, "session_policy")

    port: int | None = None
    rdp: RdpOptions | None = None
    shell: ShellOptions | None = None
    if item_type is JumpItemType.REMOTE_VNC:
        port = _optional_integer(params, "port", VNC_MIN_PORT, MAX_PORT) or VNC_DEFAULT_PORT
    elif item_type in _RDP:
        rdp = _rdp_options(params)
    elif item_type is JumpItemType.SHELL_JUMP and protocol is not None:
        if protocol not in SHELL_DEFAULT_PORTS:
            raise CommandApiError(E05_INVALID_VALUE, name="protocol")
        port = _optional_integer(params, "port", 1, MAX_PORT) or SHELL_DEFAULT_PORTS[protocol]
        terminal = SHELL_TERMINALS.get(params.get("terminal", "xterm").lower())
        if terminal is None:
            raise CommandApiError(E05_INVALID_VALUE, name="terminal")
        keep_alive = _optional_integer(params, "keep_alive", 0, SHELL_KEEP_ALIVE_MAX_S) or 0
        shell = ShellOptions(protocol, params.get("shelljump_username") or None, terminal, keep_alive)
    return ImportJumpShortcutParams(
        item_type=item_type,
        name=name,
        hostname=hostname,
        group=group,
        jumpoint=jumpoint,
        tag=tag,
        comments=comments,
        jump_policy=_optional_code(params, "jump_policy"),
        session_policy=session_policy,
        public_portal=_optional_code(params, "public_portal"),
        port=port,
        rdp=rdp,
        shell=shell,
    )


def _rdp_options(params: Params) -> RdpOptions:
    display_size = params.get("display_size", "primary")
    if display_size not in ("primary", "all") and not _DISPLAY_SIZE.fullmatch(display_size):
        raise CommandApiError(E05_INVALID_VALUE, name="display_size")
    quality = params.get("quality", RDP_DEFAULT_QUALITY)
    if quality not in RDP_QUALITIES:
        raise CommandApiError(E05_INVALID_VALUE, name="quality")
    return RdpOptions(
        username=params.get("rdp_username") or None,
        domain=params.get("domain") or None,
        display_size=display_size,
        quality=quality,
        console=_flag(params, "console"),
        ignore_untrusted=_flag(params, "ignore_untrusted"),
    )


# -- the command table ------------------------------------------------------------------------------------


class ParamKind(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"  # true iff the value is 1
    LIST = "list"  # comma-separated
    QUEUE = "queue"  # general | rep:ID | team:ID | rep_username:NAME | issue:CODE
    LSID = "lsid"  # 32 lower-case hex
    CUSTOM = "custom"  # session.custom.<code_name>


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One row of a command's parameter table. ``required`` means "always"; conditional rules
    ("rep_id or rep_username", "jumpoint for remote types") live in the parser and the note."""

    name: str
    kind: ParamKind
    required: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One action: its permission, its parameter table, its parser and its response roots."""

    action: str
    permission: PermissionLevel
    params: tuple[ParamSpec, ...]
    parse: Callable[[Params, ParseContext], object]
    response_root: str
    #: Root that wraps ``<error>`` for list commands (§2.5); ``None``: the error is the root.
    error_root: str | None = None


_S, _I, _B, _L = ParamKind.STRING, ParamKind.INTEGER, ParamKind.BOOLEAN, ParamKind.LIST
_RO, _FULL = PermissionLevel.READ_ONLY, PermissionLevel.FULL_ACCESS
_LSID_PARAM = ParamSpec("lsid", ParamKind.LSID, True, "active session")
_CUSTOM_PARAM = ParamSpec(
    "session.custom.<code_name>", ParamKind.CUSTOM, note="external_key or configured; ≤1024"
)
_REP_PARAMS = (
    ParamSpec("rep_id", _I, note="or rep_username; rep_id wins"),
    ParamSpec("rep_username", _S, note="or rep_id"),
)
_CLIENT_TYPE_PARAM = ParamSpec(
    "type", _L, note="all|representative|support_customer|presentation_attendee|push_agent"
)
_JUMP_PARAMS = (
    *(
        ParamSpec(name, _S, note=f"exactly one hostname parameter; selects {kind.value}")
        for name, kind in JUMP_HOSTNAME_PARAMETERS.items()
    ),
    ParamSpec("name", _S, note="≤128; defaults to the hostname"),
    ParamSpec("jumpoint", _S, note="required for remote types, shell jump and vPro"),
    ParamSpec("protocol", _S, note="shell jump: ssh|telnet (required)"),
    ParamSpec("group", _S, True, "Jump Group code name; not a personal list"),
    ParamSpec("tag", _S, note="≤1024"),
    ParamSpec("comments", _S, note="≤1024"),
    ParamSpec("jump_policy", _S),
    ParamSpec("session_policy", _S, note="not for VNC types"),
    ParamSpec("public_portal", _S),
    ParamSpec("port", _I, note="VNC 100–65535 (5900); shell 1–65535 (22/23)"),
    ParamSpec("rdp_username", _S), ParamSpec("domain", _S),
    ParamSpec("display_size", _S, note="primary|all|WxH"),
    ParamSpec("quality", _S, note="|".join(RDP_QUALITIES)),
    ParamSpec("console", _B), ParamSpec("ignore_untrusted", _B),
    ParamSpec("shelljump_username", _S),
    ParamSpec("terminal", _S, note="xterm|VT100"),
    ParamSpec("keep_alive", _I, note="0–300 s"),
)  # fmt: skip

COMMANDS: Mapping[str, CommandSpec] = {
    spec.action: spec
    for spec in (
        CommandSpec("get_logged_in_reps", _RO, (), _no_params, "logged_in_reps", "logged_in_reps"),
        CommandSpec(
            "get_support_teams", _RO, (ParamSpec("showmembers", _B),), _get_support_teams,
            "support_teams", "support_teams",
        ),
        CommandSpec(
            "generate_session_key", _FULL,
            (
                ParamSpec("type", _S, True, "support"),
                ParamSpec("queue_id", ParamKind.QUEUE, True),
                _CUSTOM_PARAM,
                ParamSpec("session.priority", _I, note="1–3"),
                ParamSpec("session.skills", _L),
                ParamSpec("ttl", _I, note="> 0; clamped to the site maximum"),
                ParamSpec("url_hostname", _S, note="a public site hostname"),
            ),
            _generate_session_key, "session_key",
        ),
        CommandSpec("join_session", _FULL, (_LSID_PARAM, *_REP_PARAMS), _join_session, "success"),
        CommandSpec(
            "transfer_session", _FULL,
            (_LSID_PARAM, ParamSpec("queue_id", ParamKind.QUEUE, True, "rep:|team:|rep_username: only")),
            _transfer_session, "success",
        ),
        CommandSpec(
            "send_chat_message", _RO,
            (
                _LSID_PARAM,
                ParamSpec("body", _S, True, "BBCode, non-empty"),
                ParamSpec("impersonate", _S, note="customer|rep:ID|rep_username:NAME"),
                ParamSpec("timestamp", _I, note="UNIX seconds, not in the future"),
            ),
            _send_chat_message, "success",
        ),
        CommandSpec(
            "create_virtual_customer", _RO,
            (
                ParamSpec("short_key", _S, True, "7 digits from generate_session_key"),
                ParamSpec("name", _S, True),
                ParamSpec("ip_address", _S, True, "IPv4 or IPv6"),
                ParamSpec("operating_system", _S, True),
                ParamSpec("computer_name", _S, True),
                ParamSpec("chat_url", _B),
            ),
            _create_virtual_customer, "virtual_customer",
        ),
        CommandSpec(
            "leave_session", _RO,
            (_LSID_PARAM, *_REP_PARAMS, ParamSpec("customer", _B, note="or rep_id or rep_username")),
            _leave_session, "success",
        ),
        CommandSpec(
            "set_session_attributes", _FULL, (_LSID_PARAM, _CUSTOM_PARAM), _set_session_attributes, "success"
        ),
        CommandSpec("get_session_attributes", _RO, (_LSID_PARAM,), _lsid_only, "custom_attributes"),
        CommandSpec("terminate_session", _FULL, (_LSID_PARAM,), _lsid_only, "success"),
        CommandSpec("get_appliances", _RO, (), _no_params, "appliances", "appliances"),
        CommandSpec(
            "get_connected_client_list", _RO,
            (_CLIENT_TYPE_PARAM, ParamSpec("summary_only", _B)),
            _connected_client_list, "connected_client_list", "connected_client_list",
        ),
        CommandSpec(
            "get_connected_clients", _RO,
            (
                _CLIENT_TYPE_PARAM,
                ParamSpec("id", _L, note="≤100 client ids"),
                ParamSpec("include_connections", _B),
            ),
            _connected_clients, "connected_clients", "connected_clients",
        ),
        CommandSpec("check_health", _RO, (), _no_params, "health_check"),
        CommandSpec(
            "set_failover_role", _FULL,
            (
                ParamSpec("role", _S, True, "primary|backup"),
                ParamSpec("data_sync_first", _B),
                ParamSpec("force", _B),
            ),
            _set_failover_role, "success",
        ),
        CommandSpec("import_jump_shortcut", _FULL, _JUMP_PARAMS, _import_jump_shortcut, "success"),
        CommandSpec("get_api_info", _RO, (), _no_params, "get_api_info"),
    )
}  # fmt: skip

#: The action table at L262 and the Change Log spell it in the plural; both work the same (D-30).
ACTION_ALIASES: Mapping[str, str] = {"import_jump_shortcuts": "import_jump_shortcut"}


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    spec: CommandSpec
    params: object


def resolve_action(params: Params) -> CommandSpec:
    """Steps 4 of D-15: ``action`` present (E01) and known, case-sensitively (E02)."""
    if "action" not in params:
        raise CommandApiError(E01_MISSING_ACTION)
    action = params["action"]
    spec = COMMANDS.get(ACTION_ALIASES.get(action, action))
    if spec is None:
        raise CommandApiError(E02_INVALID_ACTION, value=action)
    return spec


def authorize(spec: CommandSpec, account: CommandPermission) -> None:
    """Step 5 of D-15: a read-only account calling a full-access action gets E03."""
    if not permits(account, spec.permission):
        raise CommandApiError(E03_PERMISSION)


def parse_command(
    params: Params, account: CommandPermission, context: ParseContext | None = None
) -> ParsedCommand:
    """Steps 4–6 of D-15 for one request; steps 1–3 (token, XML API switch, deny) are the caller's.

    Always-required parameters are checked for presence first, in table order (E04), then the
    command's own parser checks values, conditional requirements and lengths.
    """
    spec = resolve_action(params)
    authorize(spec, account)
    for param in spec.params:
        if param.required:
            _require(params, param.name)
    return ParsedCommand(spec, spec.parse(params, context or ParseContext()))


def error_root_for(params: Params) -> str | None:
    """The list root an ``<error>`` must be wrapped in for this request, if the action is known."""
    action = params.get("action", "")
    spec = COMMANDS.get(ACTION_ALIASES.get(action, action))
    return spec.error_root if spec else None
