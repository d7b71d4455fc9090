"""Every Command API body we build validates against the XSD we serve, read back namespace-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import xmlschema
from lxml import etree

from lifeline.api import xml_response as x
from lifeline.api.command_params import COMMANDS

NS = x.COMMAND_NAMESPACE
T0 = datetime(2021, 3, 1, 12, 0, 0, tzinfo=UTC)
GUID = "0123456789abcdef0123456789abcdef"
LSID = "c69a8e10bea9428f816cfababe9815fe"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(x.COMMAND_XSD_PATH), parser=x.hardened_xml_parser()))


def served(element: etree._Element, schema: etree.XMLSchema) -> etree._Element:
    """Render as the server would, parse back with the hardened parser, validate, return the root."""
    body = bytes(x.XMLResponse(element).body)
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = x.parse_untrusted_xml(body)
    assert etree.QName(root).namespace == NS
    schema.assertValid(root)
    return root


def find(root: etree._Element, path: str) -> list[etree._Element]:
    return root.findall(path, namespaces={"c": NS})


def rep(rep_id: int = 1, name: str = "Admin") -> x.LoggedInRep:
    return x.LoggedInRep(
        id=rep_id,
        public_display_name=name,
        private_display_name=f"{name} (private)",
        type="Normal",
        start_session_url=x.start_session_url("support.example.com", rep_id, name),
        logged_in_since=T0,
        presentation_count=0,
        support_session_count=1,
        showing_on_rep_list=True,
    )


def test_logged_in_reps_matches_the_spec_example_byte_for_byte(schema: etree.XMLSchema) -> None:
    root = served(x.logged_in_reps_element([rep()]), schema)
    raw = etree.tostring(root).decode()
    assert (
        '<direct_link>&lt;a href="https://support.example.com/api/start_session?id=1&amp;amp;name=Admin"'
        "&gt;Admin&lt;/a&gt;</direct_link>"
    ) in raw
    assert '<logged_in_since ts="1614600000">2021-03-01T12:00:00+00:00</logged_in_since>' in raw
    assert find(root, "c:rep/c:display_name")[0].text == "Admin"


def test_nobody_logged_in_is_an_empty_root(schema: etree.XMLSchema) -> None:
    root = served(x.logged_in_reps_element([]), schema)
    assert len(root) == 0


def test_direct_link_escapes_names_and_encodes_them_in_the_url() -> None:
    url = x.start_session_url("h.example", 7, "Ann & <Bob>")
    assert url == "https://h.example/api/start_session?id=7&name=Ann%20%26%20%3CBob%3E"
    assert x.direct_link(url, "Ann & <Bob>") == (
        '<a href="https://h.example/api/start_session?id=7&amp;name=Ann%20%26%20%3CBob%3E">'
        "Ann &amp; &lt;Bob&gt;</a>"
    )


@pytest.mark.parametrize("show_members", [True, False])
def test_support_teams_with_and_without_members(schema: etree.XMLSchema, show_members: bool) -> None:
    teams = [
        x.SupportTeam(
            1, "General Support", [(1, "Other")], 0, [x.TeamMember(1, "admin", "Admin", "Admin (p)")]
        ),
        x.SupportTeam(2, "Empty Team", [], 3),
    ]
    root = served(x.support_teams_element(teams, show_members=show_members), schema)
    assert [len(find(team, "c:issues")) for team in root] == [1, 1]  # <issues/> always present (D-75)
    assert len(find(root, "c:support_team/c:members")) == (2 if show_members else 0)
    if show_members:
        assert find(root, "c:support_team/c:members/c:representative/c:username")[0].text == "admin"


@pytest.mark.parametrize(("kind", "queue_id"), [("general", None), ("team", 1), ("rep", 5)])
def test_session_key(schema: etree.XMLSchema, kind: str, queue_id: int | None) -> None:
    url = "https://support.example.com/?ak=f3c7150968a4cfb0e1585963fa1d2ba8"
    view = x.SessionKeyView(3600, 1614603600, kind, True, queue_id, "", "6187161", url)
    root = served(x.session_key_element(view), schema)
    assert find(root, "c:queue")[0].get("available") == "1"
    assert len(find(root, "c:queue_id")) == (0 if queue_id is None else 1)
    assert find(root, "c:external_key")[0].text is None  # always emitted, empty when none
    assert find(root, "c:mail_subject")[0].text == "Remote Support Invitation"
    assert f"\n{url}\n" in (find(root, "c:mail_body")[0].text or "")


def test_virtual_customer_and_custom_attributes(schema: etree.XMLSchema) -> None:
    served(
        x.virtual_customer_element("https://support.example.com/api/start_session?c2cjs=1&x=1", LSID), schema
    )
    attributes = [
        x.CustomAttribute(x.EXTERNAL_KEY_CODE_NAME, x.EXTERNAL_KEY_DISPLAY_NAME, "ABC123"),
        x.CustomAttribute("cleared", "Cleared", ""),
        x.CustomAttribute("custom_field1", "Custom Field 1", "Custom Value"),
    ]
    root = served(x.custom_attributes_element(attributes), schema)
    assert [(e.get("code_name"), e.text) for e in root] == [
        ("external_key", "ABC123"),
        ("custom_field1", "Custom Value"),
    ]
    assert len(served(x.custom_attributes_element([]), schema)) == 0


def test_appliances_force_accepting_connections_when_not_clustered(schema: etree.XMLSchema) -> None:
    appliances = [
        x.ApplianceView(GUID, "appliance-1", "support.example.com", "single", "none", False, 0),
        x.ApplianceView("f" * 32, "node-2", "n2.example.com", "traffic", "backup", False, -18000),
    ]
    root = served(x.appliances_element(appliances), schema)
    assert [e.text for e in find(root, "c:appliance/c:accepting_connections")] == ["1", "0"]


def test_health_check_single_and_failover(schema: etree.XMLSchema) -> None:
    healthy = served(
        x.health_check_element(x.HealthView(GUID, "support.example.com", "21.1.1 (1)", True, "none")), schema
    )
    assert [etree.QName(e).localname for e in healthy] == ["appliance", "version", "success", "failover_role"]
    broken = x.HealthView(
        GUID, "support.example.com", "21.1.1 (1)", False, "primary",
        error_message="Unable to contact the peer B Series Appliance",
        enabled_shared_ips=("192.0.2.10",), last_data_sync_time=T0, last_data_sync_status="success",
    )  # fmt: skip
    root = served(x.health_check_element(broken), schema)
    assert find(root, "c:last_data_sync_time")[0].get("ts") == "1614600000"
    assert find(root, "c:enabled_shared_ips/c:ip")[0].text == "192.0.2.10"


def test_api_info_lists_every_permission_in_seed_order(schema: etree.XMLSchema) -> None:
    permissions = dict.fromkeys(x.API_PERMISSION_NAMES, True) | {"perm_command": "full_access"}
    root = served(x.api_info_element("example", 1614600000, permissions), schema)
    assert find(root, "c:api_version")[0].text == "1.21.0"
    assert [(e.get("name"), e.text) for e in find(root, "c:permissions/c:permission")][:2] == [
        ("perm_backup", "1"),
        ("perm_command", "full_access"),
    ]
    with pytest.raises(ValueError, match="perm_backup"):
        x.api_info_element("example", 0, {})


def test_connected_client_list_drops_zero_counts(schema: etree.XMLSchema) -> None:
    summary = {GUID: {"pinned_client": 2, "representative": 2, "push_agent": 0}}
    clients = [("representative", "101"), ("representative", "102")]
    root = served(x.connected_client_list_element(summary, clients), schema)
    counts = find(root, "c:connected_client_summary/c:appliance_summary/c:count")
    assert [(c.get("type"), c.text) for c in counts] == [("representative", "2"), ("pinned_client", "2")]
    assert len(find(root, "c:connected_client")) == 2
    served(x.connected_client_list_element({}, []), schema)


@pytest.mark.parametrize("include_connections", [True, False])
def test_connected_clients_every_type(schema: etree.XMLSchema, include_connections: bool) -> None:
    connection = x.ClientConnection(GUID, "master", False, T0, "10.0.0.5")
    events = [(T0 + timedelta(seconds=i), f"event {i}") for i in range(25)]
    common: dict[str, Any] = {
        "platform_id": "winNT-64", "platform": "Windows 10 (x64)", "timezone_offset": 0, "connected_since": T0
    }
    clients = [
        x.ConnectedClient(
            "representative", "101", "REP-PC", **common,
            details=x.representative_details(
                user_id=1, type="Normal", username="admin", public_display_name="Admin",
                private_display_name="Admin (p)",
                start_session_url=x.start_session_url("support.example.com", 1, "Admin"),
                presentation_count=0, support_session_count=1, showing_on_rep_list=True, routing_idle=False,
                routing_busy=False, routing_enabled=True, routing_available=True, support_license="full",
                support_session_lsids=[LSID],
            ),
            connections=[connection], events=events,
        ),
        x.ConnectedClient("support_customer", "103", "CUST", **common,
                          details=x.support_customer_details(name="A", lsid=LSID, non_interactive="rdp")),
        x.ConnectedClient("support_customer", "104", "CUST2", **common,
                          details=x.support_customer_details(name="B", lsid=LSID)),
        x.ConnectedClient("presentation_attendee", "105", "ATT", **common, details=[("name", "Att")]),
        x.ConnectedClient("push_agent", "106", "JP", **common, details=[("name", "London")]),
    ]  # fmt: skip
    root = served(x.connected_clients_element(clients, include_connections=include_connections), schema)
    assert [etree.QName(e).localname for e in root] == [
        "connected_representative",
        "connected_support_customer",
        "connected_support_customer",
        "connected_presentation_attendee",
        "connected_push_agent",
    ]
    logged = find(root, "c:connected_representative/c:client_connections/c:event_log/c:event")
    assert len(logged) == (x.MAX_CLIENT_EVENTS if include_connections else 0)
    if include_connections:
        assert logged[-1].text == "event 24"  # the last 20, oldest first
    assert find(root, "c:connected_representative/c:support_session_lsids/c:lsid")[0].text == LSID
    assert len(find(root, "c:connected_support_customer/c:non_interactive")) == 1


@pytest.mark.parametrize(
    "message",
    [
        x.SUCCESS_REP_ADDED, x.SUCCESS_TRANSFERRED, x.SUCCESS_CHAT_SENT, x.SUCCESS_REMOVED,
        x.SUCCESS_ATTRIBUTES_SET, x.SUCCESS_TERMINATED, x.SUCCESS_ROLE_CHANGED, x.SUCCESS_DATA_SYNC_STARTED,
        x.SUCCESS_JUMP_ITEM_IMPORTED,
    ],
)  # fmt: skip
def test_success_bodies(schema: etree.XMLSchema, message: str) -> None:
    assert served(x.success_element(message), schema).text == message


def test_every_error_template_renders_as_a_root_error(schema: etree.XMLSchema) -> None:
    codes = [template.code for template in x.ERROR_TEMPLATES]
    assert codes == [f"E{n:02d}" for n in range(1, 28)]
    values: dict[str, str | int] = {
        "value": "foo", "name": "ttl", "lsid": LSID, "username": "bob", "code_name": "c", "n": 1024,
        "party": "Customer", "kind": "Jump Policy",
    }  # fmt: skip
    for template in x.ERROR_TEMPLATES:
        message = template.render(**values)
        assert "{" not in message
        root = served(x.error_element(message), schema)
        assert etree.QName(root).localname == "error" and root.text == message


@pytest.mark.parametrize("action", [a for a, spec in COMMANDS.items() if spec.error_root])
def test_list_commands_wrap_their_error(schema: etree.XMLSchema, action: str) -> None:
    root_name = COMMANDS[action].error_root
    assert root_name is not None
    root = served(x.error_element("Invalid value for parameter type", root_name), schema)
    assert etree.QName(root).localname == root_name
    assert [etree.QName(child).localname for child in root] == ["error"]


def test_command_api_error_carries_code_and_text() -> None:
    error = x.CommandApiError(x.E05_INVALID_VALUE, name="ttl")
    assert (error.error_code, error.message, error.field, error.status_code) == (
        "E05", "Invalid value for parameter ttl", "ttl", 200,
    )  # fmt: skip


def test_schema_rejects_wrong_namespace_and_missing_elements(schema: etree.XMLSchema) -> None:
    assert not schema.validate(etree.fromstring(b"<success>ok</success>"))
    bad = x.success_element("x")
    bad.tag = "{https://support.example.com/namespaces/API/command}success"
    assert not schema.validate(bad)
    health = x.health_check_element(x.HealthView(GUID, "h", "v", True, "none"))
    health.remove(health[1])
    assert not schema.validate(health)


SPEC_EXAMPLES = [
    b"""<get_api_info xmlns="https://www.beyondtrust.com/namespaces/API/command">
  <api_version>1.21.0</api_version><company_name>example</company_name><timestamp>1614600000</timestamp>
  <permissions><permission name="perm_backup">1</permission>
  <permission name="perm_command">full_access</permission></permissions></get_api_info>""",
    b"""<session_key xmlns="https://www.beyondtrust.com/namespaces/API/command">
  <type>support</type><ttl>3600</ttl><expires>1614603600</expires><queue available="1">team</queue>
  <queue_id>1</queue_id><external_key>ABC1234</external_key><short_key>6187161</short_key>
  <key_url>https://support.example.com/?ak=f3c7150968a4cfb0e1585963fa1d2ba8</key_url>
  <mail_subject>Remote Support Invitation</mail_subject><mail_body>x</mail_body></session_key>""",
]


@pytest.mark.parametrize("document", SPEC_EXAMPLES)
def test_spec_examples_validate_with_xmlschema_too(document: bytes) -> None:
    # A second, independent XSD engine guards against lxml-only leniency in the schema itself.
    xmlschema.XMLSchema(str(x.COMMAND_XSD_PATH)).validate(document.decode())


def test_timestamps_have_offsets_and_no_fractions() -> None:
    assert x.format_timestamp(datetime(2021, 3, 1, 12, 0, 0, 999999)) == "2021-03-01T12:00:00+00:00"
    assert x.format_timestamp(T0.astimezone(timezone(timedelta(hours=-5)))) == "2021-03-01T12:00:00+00:00"
    assert x.format_timestamp(T0, timezone(timedelta(hours=2))) == "2021-03-01T14:00:00+02:00"
    assert x.unix_seconds(datetime(2021, 3, 1, 12)) == 1614600000


def test_response_headers_and_type_guard() -> None:
    response = x.XMLResponse(x.success_element("ok"))
    assert response.headers["content-type"] == "text/xml; charset=UTF-8"
    assert response.headers["connection"] == "close"
    assert response.status_code == 200
    with pytest.raises(TypeError):
        x.XMLResponse("<success/>")  # type: ignore[arg-type]
    assert x.command_xsd_bytes().startswith(b'<?xml version="1.0"')


def test_hardened_parser_expands_no_entities_and_reads_no_files() -> None:
    hostile = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;"><!ENTITY f SYSTEM "file:///etc/hostname">]>
<r>&b;&f;</r>"""
    root = x.parse_untrusted_xml(hostile)
    assert "aaaaaaaaaa" not in etree.tostring(root).decode()
    assert root.text is None or "aaaa" not in root.text
