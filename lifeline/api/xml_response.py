"""XML bodies of the BeyondTrust-compatible Command API, and the response that carries them.

Spec: ``shared/spec/api-command.md`` §2.4 (envelope), §2.5 (errors), §5 (every response), §13.2
(error texts). Documented for integrators in ``docs/api-compatibility.md``.

Why one module holds all of this: every XML body the Command API emits is built here, in the order of
``schemas/command.xsd``, so a single test file can prove "every builder's output validates against the
XSD we serve at ``/api/command.xsd``". Splitting the builders away from the namespace helpers would let the
two drift apart. The module is longer than the usual 400 lines for that reason; it holds no logic beyond
"put these values in these elements".

Nothing here reads a database: builders take small frozen view objects that a later step fills from the
store. BeyondTrust vocabulary (rep, support team, issue) is allowed here because this is ``lifeline/api/``.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree
from starlette.background import BackgroundTask
from starlette.responses import Response

from lifeline.errors import InvalidInput

# -- namespaces and content type --------------------------------------------------------------------------

#: Default namespace of every Command API response (spec D-06; seed L108 and L4448; L273's
#: ``support.example.com`` variant is a documentation slip).
COMMAND_NAMESPACE = "https://www.beyondtrust.com/namespaces/API/command"
#: Default namespace of every Reporting API response (seed L107). Exposed here so the reporting
#: endpoints build their roots with the same helper.
REPORTING_NAMESPACE = "https://www.beyondtrust.com/namespaces/API/reporting"

#: Exact Content-Type of XML responses (spec §2.4, recorded from real appliances). Starlette would append
#: ``; charset=utf-8`` in lower case to a bare ``text/xml``; spelling it out keeps the documented casing.
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
#: The seed's clients expect double quotes in the declaration; lxml writes single quotes, so we write
#: the declaration ourselves.
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

#: "When making consecutive API calls, you must close the connection after each API call" (seed L196,
#: L254; spec D-29). Every API response carries this header.
CONNECTION_CLOSE_HEADERS: Mapping[str, str] = {"connection": "close"}

#: The XSD served at ``/api/command.xsd`` (spec D-08). Packaged via ``api/**/*.xsd`` in pyproject.
COMMAND_XSD_PATH = Path(__file__).with_name("schemas") / "command.xsd"


def command_xsd_bytes() -> bytes:
    """Return the schema we serve at ``/api/command.xsd``, byte for byte as shipped."""
    return COMMAND_XSD_PATH.read_bytes()


def hardened_xml_parser() -> etree.XMLParser:
    """A parser for XML we did not write: no entity expansion, no network, no huge trees.

    Used by tests that read our own responses back and by any endpoint that ever accepts XML, so that
    a billion-laughs or external-entity document cannot reach the filesystem or the network.
    """
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def parse_untrusted_xml(data: bytes) -> etree._Element:
    """Parse ``data`` with :func:`hardened_xml_parser` and return the root element."""
    return etree.fromstring(data, parser=hardened_xml_parser())


# -- the response -----------------------------------------------------------------------------------------


class XMLResponse(Response):
    """A Starlette response whose content is an lxml element, serialised with our declaration.

    Usage::

        return XMLResponse(success_element(SUCCESS_TERMINATED))

    The status is 200 even for ``<error>`` bodies (spec D-07); ``Connection: close`` is always set (D-29).
    """

    media_type = XML_CONTENT_TYPE

    def __init__(
        self,
        content: etree._Element,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        merged = {**CONNECTION_CLOSE_HEADERS, **(headers or {})}
        super().__init__(content, status_code=status_code, headers=merged, background=background)

    def render(self, content: Any) -> bytes:
        if not isinstance(content, etree._Element):
            raise TypeError(f"XMLResponse needs an lxml element, got {type(content).__name__}")
        return XML_DECLARATION + etree.tostring(content, encoding="UTF-8", xml_declaration=False)


# -- element helpers --------------------------------------------------------------------------------------


def _text(value: str | int | bool) -> str:
    # bool before int: True is an int in Python, and the API's flags are the literal strings 1/0.
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def root_element(
    tag: str,
    text: str | int | bool | None = None,
    attrib: Mapping[str, str | int] | None = None,
    *,
    namespace: str = COMMAND_NAMESPACE,
) -> etree._Element:
    """Create a root element that declares ``namespace`` as its default namespace (no prefix)."""
    # lxml spells "default namespace" as the key None; lxml-stubs only admits str keys, hence Any.
    nsmap: dict[Any, str] = {None: namespace}
    element = etree.Element(f"{{{namespace}}}{tag}", nsmap=nsmap)
    for name, value in (attrib or {}).items():
        element.set(name, _text(value))
    if text is not None:
        element.text = _text(text)
    return element


def add_child(
    parent: etree._Element,
    tag: str,
    text: str | int | bool | None = None,
    attrib: Mapping[str, str | int] | None = None,
) -> etree._Element:
    """Append ``<tag>`` in the parent's namespace; attributes stay unqualified, as in the seed."""
    # The parent's Clark name is "{namespace}tag": its "{namespace}" prefix is the child's (a third of
    # the cost of asking `etree.QName`, and a session key adds ten children).
    qualified = parent.tag
    prefix = qualified[: qualified.index("}") + 1] if qualified.startswith("{") else ""
    child = etree.SubElement(parent, prefix + tag)
    for name, value in (attrib or {}).items():
        child.set(name, _text(value))
    if text is not None:
        child.text = _text(text)
    return child


# -- time -------------------------------------------------------------------------------------------------


def _as_utc(moment: datetime) -> datetime:
    # The store keeps UTC (DESIGN §5); SQLite hands datetimes back naive, so naive means UTC here.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def format_timestamp(moment: datetime, tz: tzinfo = UTC) -> str:
    """ISO 8601 as real clients parse it: ``2021-03-01T12:00:00+00:00`` (spec D-31).

    No fractional seconds and a ``±hh:mm`` offset, never ``Z``: client libraries written against real
    appliances split on exactly this shape. ``tz`` is the appliance's time zone; naive input is UTC.
    """
    return _as_utc(moment).astimezone(tz).replace(microsecond=0).isoformat()


def unix_seconds(moment: datetime) -> int:
    """UNIX epoch seconds (UTC) for ``ts`` attributes and ``<expires>``/``<timestamp>`` (spec §2.4)."""
    return int(_as_utc(moment).timestamp())


def add_timestamped(parent: etree._Element, tag: str, moment: datetime, tz: tzinfo = UTC) -> etree._Element:
    """``<tag ts="UNIX">ISO 8601</tag>``, the seed's shape for every point in time (D-31)."""
    return add_child(parent, tag, format_timestamp(moment, tz), {"ts": unix_seconds(moment)})


# -- errors -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorTemplate:
    """One canonical error text of spec §13.2, with ``{placeholders}`` for the variable parts."""

    code: str
    template: str

    def render(self, **values: str | int) -> str:
        return self.template.format(**values)


E01_MISSING_ACTION = ErrorTemplate("E01", "Missing required parameter: action")
E02_INVALID_ACTION = ErrorTemplate("E02", "Invalid action: {value}")
E03_PERMISSION = ErrorTemplate("E03", "The API account does not have permission to perform this action")
E04_MISSING_PARAMETER = ErrorTemplate("E04", "Missing required parameter: {name}")
E05_INVALID_VALUE = ErrorTemplate("E05", "Invalid value for parameter {name}")
E06_SESSION_NOT_FOUND = ErrorTemplate("E06", "Session {lsid} was not found or is not active")
E07_REP_NOT_FOUND = ErrorTemplate("E07", "Representative not found")
E08_AMBIGUOUS_USERNAME = ErrorTemplate("E08", "More than one representative has the username {username}")
E09_REP_NOT_LOGGED_IN = ErrorTemplate("E09", "Representative is not logged in")
E10_TEAM_NOT_FOUND = ErrorTemplate("E10", "Support team not found")
E11_ISSUE_NOT_FOUND = ErrorTemplate("E11", "Issue not found")
E12_ATTRIBUTE_NOT_CONFIGURED = ErrorTemplate("E12", "Custom attribute {code_name} is not configured")
E13_TOO_LONG = ErrorTemplate("E13", "Value of {name} exceeds the maximum length of {n} characters")
E14_ATTRIBUTES_TOO_LARGE = ErrorTemplate("E14", "Combined custom attributes exceed the maximum size of 10KB")
E15_ALREADY_IN_SESSION = ErrorTemplate("E15", "Representative is already in the session")
E16_NOT_A_MEMBER = ErrorTemplate("E16", "{party} is not a member of the session")
E17_LEAVE_WITHOUT_TARGET = ErrorTemplate("E17", "One of rep_id, rep_username or customer must be provided")
E18_TIMESTAMP_IN_FUTURE = ErrorTemplate("E18", "timestamp must be in the past")
E19_INVALID_SESSION_KEY = ErrorTemplate("E19", "Invalid, expired or already used session key")
E20_TOO_MANY_IDS = ErrorTemplate("E20", "A maximum of 100 IDs is supported")
E21_FAILOVER_NOT_CONFIGURED = ErrorTemplate("E21", "Failover is not configured")
E22_PEER_UNREACHABLE = ErrorTemplate("E22", "Unable to contact the peer B Series Appliance")
E23_JUMP_GROUP = ErrorTemplate("E23", "Jump Group not found or is a personal list")
E24_JUMPOINT = ErrorTemplate("E24", "Jumpoint not found")
E25_POLICY_OR_PORTAL = ErrorTemplate("E25", "{kind} not found")
E26_HOSTNAME_PARAMETERS = ErrorTemplate("E26", "Exactly one Jump Item hostname parameter must be provided")
E27_MULTIPART = ErrorTemplate("E27", "Multipart POST requests are not supported")

ERROR_TEMPLATES: tuple[ErrorTemplate, ...] = (
    E01_MISSING_ACTION, E02_INVALID_ACTION, E03_PERMISSION, E04_MISSING_PARAMETER, E05_INVALID_VALUE,
    E06_SESSION_NOT_FOUND, E07_REP_NOT_FOUND, E08_AMBIGUOUS_USERNAME, E09_REP_NOT_LOGGED_IN,
    E10_TEAM_NOT_FOUND, E11_ISSUE_NOT_FOUND, E12_ATTRIBUTE_NOT_CONFIGURED, E13_TOO_LONG,
    E14_ATTRIBUTES_TOO_LARGE, E15_ALREADY_IN_SESSION, E16_NOT_A_MEMBER, E17_LEAVE_WITHOUT_TARGET,
    E18_TIMESTAMP_IN_FUTURE, E19_INVALID_SESSION_KEY, E20_TOO_MANY_IDS, E21_FAILOVER_NOT_CONFIGURED,
    E22_PEER_UNREACHABLE, E23_JUMP_GROUP, E24_JUMPOINT, E25_POLICY_OR_PORTAL, E26_HOSTNAME_PARAMETERS,
    E27_MULTIPART,
)  # fmt: skip


class CommandApiError(InvalidInput):
    """A Command API failure that is answered with an ``<error>`` body, never an HTTP error.

    It sits under ``InvalidInput`` in ``lifeline/errors.py`` because every case of §13.2 is "the request
    can't be carried out as given"; ``status_code`` is 200 because the seed puts errors in the XML (D-07).
    Services may raise it directly; ``lifeline/api/`` turns it into :func:`error_element`.
    """

    status_code = 200

    def __init__(self, template: ErrorTemplate, **values: str | int) -> None:
        super().__init__(template.render(**values), field=str(values["name"]) if "name" in values else None)
        self.error_code = template.code


def error_element(message: str, list_root: str | None = None) -> etree._Element:
    """The documented error body (spec §2.5).

    List commands keep their root with a single ``<error>`` child (``list_root``, e.g. ``logged_in_reps``);
    everything else, including failures before dispatch, answers with a root ``<error>``.
    """
    if list_root is None:
        return root_element("error", message)
    root = root_element(list_root)
    add_child(root, "error", message)
    return root


# -- success messages (seed texts, spec §5) ---------------------------------------------------------------

SUCCESS_REP_ADDED = "Representative successfully added"  # join_session, L446
SUCCESS_TRANSFERRED = "Successfully transferred"  # transfer_session, L467
SUCCESS_CHAT_SENT = "Chat message sent"  # send_chat_message, D-41
SUCCESS_REMOVED = "Successfully removed from session"  # leave_session, D-43
SUCCESS_ATTRIBUTES_SET = "Session attributes were set"  # set_session_attributes, L596
SUCCESS_TERMINATED = "Successfully terminated"  # terminate_session, L648
SUCCESS_ROLE_CHANGED = "Successfully changed role"  # set_failover_role without sync, D-51
SUCCESS_DATA_SYNC_STARTED = (
    "Successfully started data sync. Role change will occur upon successful completion."  # L884
)
SUCCESS_JUMP_ITEM_IMPORTED = "Successfully imported Jump Item shortcut"  # L1071


def success_element(message: str) -> etree._Element:
    """Root ``<success>`` with one of the ``SUCCESS_*`` texts."""
    return root_element("success", message)


# -- get_logged_in_reps / get_support_teams ---------------------------------------------------------------


def start_session_url(hostname: str, rep_id: int, public_display_name: str) -> str:
    """The rep's public start URL (D-33), shared by ``direct_link`` and ``<start_session_url>``."""
    return f"https://{hostname}/api/start_session?id={rep_id}&name={quote(public_display_name, safe='')}"


def direct_link(url: str, public_display_name: str) -> str:
    """The HTML anchor the seed puts inside ``<direct_link>`` (D-33); lxml escapes it once more."""
    return f'<a href="{html.escape(url)}">{html.escape(public_display_name)}</a>'


@dataclass(frozen=True, slots=True)
class LoggedInRep:
    """One logged-in technician as ``get_logged_in_reps`` shows it (spec §5.1)."""

    id: int
    public_display_name: str
    private_display_name: str
    type: str  # "Normal" | "Invited"
    start_session_url: str
    logged_in_since: datetime
    presentation_count: int
    support_session_count: int
    showing_on_rep_list: bool


def logged_in_reps_element(reps: Iterable[LoggedInRep], tz: tzinfo = UTC) -> etree._Element:
    root = root_element("logged_in_reps")
    for rep in reps:
        node = add_child(root, "rep", attrib={"id": rep.id})
        add_child(node, "display_name", rep.public_display_name)  # deprecated alias, always = public
        add_child(node, "public_display_name", rep.public_display_name)
        add_child(node, "private_display_name", rep.private_display_name)
        add_child(node, "type", rep.type)
        add_child(node, "direct_link", direct_link(rep.start_session_url, rep.public_display_name))
        add_timestamped(node, "logged_in_since", rep.logged_in_since, tz)
        add_child(node, "presentation_count", rep.presentation_count)
        add_child(node, "support_session_count", rep.support_session_count)
        add_child(node, "showing_on_rep_list", rep.showing_on_rep_list)
    return root


@dataclass(frozen=True, slots=True)
class TeamMember:
    id: int
    username: str
    public_display_name: str
    private_display_name: str


@dataclass(frozen=True, slots=True)
class SupportTeam:
    """A technician group with its channels (issues) as ``get_support_teams`` shows it (§5.2)."""

    id: int
    name: str
    issues: Sequence[tuple[int, str]]  # (issue id, title)
    support_session_count: int  # sessions waiting in this team's queue
    members: Sequence[TeamMember] = ()


def support_teams_element(teams: Iterable[SupportTeam], *, show_members: bool) -> etree._Element:
    root = root_element("support_teams")
    for team in teams:
        node = add_child(root, "support_team", attrib={"id": team.id})
        add_child(node, "name", team.name)
        issues = add_child(node, "issues")  # always emitted, empty when none (D-75)
        for issue_id, title in team.issues:
            add_child(add_child(issues, "issue", attrib={"id": issue_id}), "title", title)
        add_child(node, "support_session_count", team.support_session_count)
        if show_members:
            members = add_child(node, "members")
            for member in team.members:
                rep = add_child(members, "representative", attrib={"id": member.id})
                add_child(rep, "username", member.username)
                add_child(rep, "display_name", member.public_display_name)
                add_child(rep, "public_display_name", member.public_display_name)
                add_child(rep, "private_display_name", member.private_display_name)
    return root


# -- generate_session_key / create_virtual_customer / get_session_attributes ------------------------------

MAIL_SUBJECT = "Remote Support Invitation"  # static per D-36 [EXT]
_MAIL_BODY_INTRO = "Click the link below and follow the directions to start your support session."


def mail_body(key_url: str) -> str:
    """Static invitation text; the key URL stands on a line of its own (D-36)."""
    return f"{_MAIL_BODY_INTRO}\n\n{key_url}\n"


@dataclass(frozen=True, slots=True)
class SessionKeyView:
    """A freshly generated PIN/link as ``generate_session_key`` returns it (§5.3, D-36)."""

    ttl: int
    expires: int  # UNIX seconds
    queue_kind: str  # "general" | "rep" | "team"
    queue_available: bool
    queue_id: int | None  # None for "general"
    external_key: str
    short_key: str
    key_url: str


_SESSION_KEY_CHILDREN = ("type", "ttl", "expires", "queue", "queue_id", "external_key", "short_key", "key_url",
                         "mail_subject", "mail_body")


def _session_key_template() -> etree._Element:
    root = root_element("session_key")
    for tag in _SESSION_KEY_CHILDREN:
        add_child(root, tag)
    return root


#: Every `<session_key>` answer is a copy of this tree with its texts filled in: building its ten namespaced
#: children one by one cost ~21 µs per key (`generate_session_key` is the Command API's hot path,
#: docs/performance.md), copying the tree and setting the texts ~4 µs.
_SESSION_KEY_TEMPLATE = _session_key_template()


def session_key_element(key: SessionKeyView) -> etree._Element:
    root = copy.deepcopy(_SESSION_KEY_TEMPLATE)
    kind, ttl, expires, queue, queue_id, external_key, short_key, key_url, subject, body = root
    kind.text = "support"
    ttl.text = _text(key.ttl)
    expires.text = _text(key.expires)
    queue.text = key.queue_kind
    queue.set("available", _text(key.queue_available))
    if key.queue_id is None:
        root.remove(queue_id)
    else:
        queue_id.text = _text(key.queue_id)
    external_key.text = key.external_key
    short_key.text = key.short_key
    key_url.text = key.key_url
    subject.text = MAIL_SUBJECT
    body.text = mail_body(key.key_url)
    return root


def virtual_customer_element(download_url: str, lsid: str) -> etree._Element:
    """``<virtual_customer>``: the seed's ``download_url`` plus our ``lsid`` extension (D-42)."""
    root = root_element("virtual_customer")
    add_child(root, "download_url", download_url)
    add_child(root, "lsid", lsid)
    return root


EXTERNAL_KEY_CODE_NAME = "external_key"
EXTERNAL_KEY_DISPLAY_NAME = "External Key"  # D-45


@dataclass(frozen=True, slots=True)
class CustomAttribute:
    code_name: str
    display_name: str
    value: str


def custom_attributes_element(attributes: Iterable[CustomAttribute]) -> etree._Element:
    """``get_session_attributes``; empty values are left out (D-45), order is the caller's."""
    root = root_element("custom_attributes")
    for attribute in attributes:
        if attribute.value:
            add_child(
                root,
                "custom_attribute",
                attribute.value,
                {"display_name": attribute.display_name, "code_name": attribute.code_name},
            )
    return root


# -- appliances, health, api info -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplianceView:
    id: str  # 32 hex
    name: str
    public_hostname: str
    cluster_role: str  # single | master | traffic
    failover_role: str  # none | primary | backup
    accepting_connections: bool
    timezone_offset: int  # seconds from UTC


def appliances_element(appliances: Iterable[ApplianceView]) -> etree._Element:
    root = root_element("appliances")
    for appliance in appliances:
        node = add_child(root, "appliance", attrib={"id": appliance.id})
        add_child(node, "name", appliance.name)
        add_child(node, "public_hostname", appliance.public_hostname)
        add_child(node, "cluster_role", appliance.cluster_role)
        add_child(node, "failover_role", appliance.failover_role)
        # "Always 1 when not in a cluster" (§5.12): enforced here so no caller can get it wrong.
        add_child(
            node,
            "accepting_connections",
            appliance.accepting_connections or appliance.cluster_role == "single",
        )
        add_child(node, "timezone_offset", appliance.timezone_offset)
    return root


@dataclass(frozen=True, slots=True)
class HealthView:
    appliance_id: str
    hostname: str
    version: str  # "21.1.1 (12345)"
    success: bool
    failover_role: str
    error_message: str | None = None
    enabled_shared_ips: Sequence[str] = ()
    last_data_sync_time: datetime | None = None
    last_data_sync_status: str | None = None


def health_check_element(health: HealthView, tz: tzinfo = UTC) -> etree._Element:
    root = root_element("health_check")
    add_child(root, "appliance", health.hostname, {"id": health.appliance_id})
    add_child(root, "version", health.version)
    add_child(root, "success", health.success)
    if health.error_message:
        add_child(root, "error_message", health.error_message)
    add_child(root, "failover_role", health.failover_role)
    if health.enabled_shared_ips:
        ips = add_child(root, "enabled_shared_ips")
        for ip in health.enabled_shared_ips:
            add_child(ips, "ip", ip)
    if health.last_data_sync_time is not None:
        add_timestamped(root, "last_data_sync_time", health.last_data_sync_time, tz)
    if health.last_data_sync_status is not None:
        add_child(root, "last_data_sync_status", health.last_data_sync_status)
    return root


API_VERSION = "1.21.0"  # the BeyondTrust API version we are drop-in compatible with (seed L93)
#: Permission names in the order the seed lists them (L1104–1109).
API_PERMISSION_NAMES = (
    "perm_backup",
    "perm_command",
    "perm_reporting_archive",
    "perm_reporting_license",
    "perm_reporting_presentation",
    "perm_reporting_support",
)


def api_info_element(
    company_name: str, timestamp: int, permissions: Mapping[str, str | bool]
) -> etree._Element:
    """``get_api_info`` (D-53); ``permissions`` must name every entry of ``API_PERMISSION_NAMES``."""
    missing = [name for name in API_PERMISSION_NAMES if name not in permissions]
    if missing:
        raise ValueError(f"api_info_element: permissions lack {', '.join(missing)}")
    root = root_element("get_api_info")
    add_child(root, "api_version", API_VERSION)
    add_child(root, "company_name", company_name)
    add_child(root, "timestamp", timestamp)
    node = add_child(root, "permissions")
    for name in API_PERMISSION_NAMES:
        add_child(node, "permission", permissions[name], {"name": name})
    return root


# -- connected clients ------------------------------------------------------------------------------------

#: Client types in the fixed order of summaries and filters (D-46).
CLIENT_TYPES = ("representative", "support_customer", "presentation_attendee", "push_agent")
PINNED_CLIENT = "pinned_client"


def connected_client_list_element(
    summary: Mapping[str, Mapping[str, int]],
    clients: Iterable[tuple[str, str]],
) -> etree._Element:
    """``get_connected_client_list``.

    ``summary`` maps appliance GUID → {client type → count}; zero counts are dropped (D-46). ``clients``
    are (type, id) pairs already filtered and sorted; pass none for ``summary_only=1``.
    """
    root = root_element("connected_client_list")
    summary_node = add_child(root, "connected_client_summary")
    for appliance_id, counts in summary.items():
        appliance = add_child(summary_node, "appliance_summary", attrib={"id": appliance_id})
        for client_type in (*CLIENT_TYPES, PINNED_CLIENT):
            if counts.get(client_type, 0) > 0:
                add_child(appliance, "count", counts[client_type], {"type": client_type})
    for client_type, client_id in clients:
        add_child(root, "connected_client", attrib={"type": client_type, "id": client_id})
    return root


@dataclass(frozen=True, slots=True)
class ClientConnection:
    appliance_id: str
    purpose: str  # master | traffic
    receive_traffic_node: bool
    connected_since: datetime
    private_ip: str


@dataclass(frozen=True, slots=True)
class ConnectedClient:
    """Fields every connected client shares (§5.14); ``details`` holds the type's own elements.

    ``details`` is an ordered list of (tag, value) written after ``connected_since``; a list value becomes
    a container of ``<lsid>`` children (``support_session_lsids``). Builders below fill it in spec order.
    """

    client_type: str
    id: str
    hostname: str
    platform_id: str
    platform: str
    timezone_offset: int
    connected_since: datetime
    details: Sequence[tuple[str, str | int | bool | Sequence[str]]]
    connections: Sequence[ClientConnection] = ()
    events: Sequence[tuple[datetime, str]] = field(default=())

    @property
    def element_name(self) -> str:
        return f"connected_{self.client_type}"


#: At most this many events are kept and shown per client (seed L822).
MAX_CLIENT_EVENTS = 20


def connected_clients_element(
    clients: Iterable[ConnectedClient], *, include_connections: bool, tz: tzinfo = UTC
) -> etree._Element:
    root = root_element("connected_clients")
    for client in clients:
        node = add_child(root, client.element_name, attrib={"id": client.id})
        if include_connections:
            container = add_child(node, "client_connections")
            for connection in client.connections:
                item = add_child(container, "client_connection")
                add_child(item, "appliance_id", connection.appliance_id)
                add_child(item, "purpose", connection.purpose)
                add_child(item, "receive_traffic_node", connection.receive_traffic_node)
                add_timestamped(item, "connected_since", connection.connected_since, tz)
                add_child(item, "private_ip", connection.private_ip)
            log = add_child(container, "event_log")
            for moment, text in list(client.events)[-MAX_CLIENT_EVENTS:]:
                add_child(log, "event", text, {"ts": unix_seconds(moment)})
        add_child(node, "hostname", client.hostname)
        add_child(node, "platform", client.platform, {"id": client.platform_id})
        add_child(node, "timezone_offset", client.timezone_offset)
        if include_connections:
            add_timestamped(node, "connected_since", client.connected_since, tz)
        for tag, value in client.details:
            if isinstance(value, (str, int, bool)):
                add_child(node, tag, value)
            else:
                container = add_child(node, tag)
                for lsid in value:
                    add_child(container, "lsid", lsid)
    return root


def representative_details(
    *,
    user_id: int,
    type: str,
    username: str,
    public_display_name: str,
    private_display_name: str,
    start_session_url: str,
    presentation_count: int,
    support_session_count: int,
    showing_on_rep_list: bool,
    routing_idle: bool,
    routing_busy: bool,
    routing_enabled: bool,
    routing_available: bool,
    support_license: str,
    support_session_lsids: Sequence[str],
) -> list[tuple[str, str | int | bool | Sequence[str]]]:
    """The ``connected_representative`` elements after ``connected_since``, in seed order (L763–777)."""
    return [
        ("user_id", user_id),
        ("type", type),
        ("username", username),
        ("public_display_name", public_display_name),
        ("private_display_name", private_display_name),
        ("start_session_url", start_session_url),
        ("presentation_count", presentation_count),
        ("support_session_count", support_session_count),
        ("showing_on_rep_list", showing_on_rep_list),
        ("routing_idle", routing_idle),
        ("routing_busy", routing_busy),
        ("routing_enabled", routing_enabled),
        ("routing_available", routing_available),
        ("support_license", support_license),
        ("support_session_lsids", tuple(support_session_lsids)),
    ]


def support_customer_details(
    *, name: str, lsid: str, non_interactive: str | None = None
) -> list[tuple[str, str | int | bool | Sequence[str]]]:
    """``connected_support_customer``: name, non_interactive (rdp/shelljump only), lsid (L788–790)."""
    details: list[tuple[str, str | int | bool | Sequence[str]]] = [("name", name)]
    if non_interactive is not None:
        details.append(("non_interactive", non_interactive))
    details.append(("lsid", lsid))
    return details
