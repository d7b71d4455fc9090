"""Command API parameter parsing: every command, every documented error, the order of checks."""

from __future__ import annotations

import pytest

from lifeline.api import command_params as cp
from lifeline.api.xml_response import CommandApiError

LSID = "c69a8e10bea9428f816cfababe9815fe"
FULL, RO, DENY = cp.CommandPermission.FULL_ACCESS, cp.CommandPermission.READ_ONLY, cp.CommandPermission.DENY
NOW = 1_614_600_000
CONTEXT = cp.ParseContext(custom_attribute_codes=frozenset({"custom_field1"}), now=lambda: NOW)


def parse(query: str, account: cp.CommandPermission = FULL) -> object:
    """Parse a seed-style query string (``a=1&b=2``) the way the handler will."""
    items = [tuple(part.split("=", 1)) if "=" in part else (part, "") for part in query.split("&") if part]
    params = cp.collect_params(items)  # type: ignore[arg-type]
    return cp.parse_command(params, account, CONTEXT).params


def error_of(query: str, account: cp.CommandPermission = FULL) -> tuple[str, str]:
    with pytest.raises(CommandApiError) as caught:
        parse(query, account)
    return caught.value.error_code, caught.value.message


# -- global rules -----------------------------------------------------------------------------------------


def test_every_documented_action_is_in_the_table_with_its_permission() -> None:
    read_only = {
        "get_logged_in_reps", "get_support_teams", "send_chat_message", "create_virtual_customer",
        "leave_session", "get_session_attributes", "get_appliances", "get_connected_client_list",
        "get_connected_clients", "check_health", "get_api_info",
    }  # fmt: skip
    full = {
        "generate_session_key", "join_session", "transfer_session", "set_session_attributes",
        "terminate_session", "set_failover_role", "import_jump_shortcut",
    }  # fmt: skip
    assert set(cp.COMMANDS) == read_only | full
    for action, spec in cp.COMMANDS.items():
        expected = cp.PermissionLevel.READ_ONLY if action in read_only else cp.PermissionLevel.FULL_ACCESS
        assert spec.permission is expected, action


def test_missing_and_unknown_actions() -> None:
    assert error_of("") == ("E01", "Missing required parameter: action")
    assert error_of("action=foo") == ("E02", "Invalid action: foo")
    assert error_of("action=Get_Api_Info")[0] == "E02"  # case-sensitive


def test_read_only_account_is_refused_full_access_actions_only() -> None:
    assert error_of("action=terminate_session&lsid=" + LSID, RO)[0] == "E03"
    assert parse("action=send_chat_message&lsid=" + LSID + "&body=hi", RO)  # as written in the seed (D-13)
    assert error_of("action=get_api_info", DENY)[0] == "E03"
    assert cp.is_command_api_denied(DENY) and not cp.is_command_api_denied(RO)


def test_permission_is_checked_before_parameters() -> None:
    assert error_of("action=generate_session_key", RO)[0] == "E03"


def test_last_value_wins_body_beats_query_and_isid_is_lsid() -> None:
    params = cp.collect_params(
        [("action", "get_session_attributes"), ("Isid", "0" * 32)], [("lsid", LSID), ("lsid", LSID)]
    )
    assert params["lsid"] == LSID
    assert cp.parse_command(params, RO).params == cp.LsidParams(LSID)
    assert cp.collect_params([("a", "1"), ("a", "2")]) == {"a": "2"}


def test_multipart_bodies_are_refused() -> None:
    with pytest.raises(CommandApiError) as caught:
        cp.check_content_type("multipart/form-data; boundary=x")
    assert caught.value.error_code == "E27"
    cp.check_content_type("application/x-www-form-urlencoded")
    cp.check_content_type(None)


def test_ns_aliases_cover_every_api_path() -> None:
    for path, aliases in cp.ENDPOINT_PATHS.items():
        assert aliases == (path, path + ".ns")


def test_error_root_for_list_commands_only() -> None:
    assert cp.error_root_for({"action": "get_logged_in_reps"}) == "logged_in_reps"
    assert cp.error_root_for({"action": "join_session"}) is None
    assert cp.error_root_for({}) is None


@pytest.mark.parametrize("action", ["get_logged_in_reps", "get_appliances", "check_health", "get_api_info"])
def test_commands_without_parameters_ignore_unknown_ones(action: str) -> None:
    assert parse(f"action={action}&whatever=1", RO) == cp.NoParams()


def test_showmembers_is_true_only_for_1() -> None:
    assert parse("action=get_support_teams&showmembers=1") == cp.GetSupportTeamsParams(True)
    assert parse("action=get_support_teams&showmembers=true") == cp.GetSupportTeamsParams(False)
    assert parse("action=get_support_teams") == cp.GetSupportTeamsParams(False)


# -- generate_session_key ---------------------------------------------------------------------------------

KEY = "action=generate_session_key&type=support"


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        ("general", cp.QueueTarget(cp.QueueKind.GENERAL)),
        ("rep:1", cp.QueueTarget(cp.QueueKind.REP, id=1)),
        ("team:12", cp.QueueTarget(cp.QueueKind.TEAM, id=12)),
        ("rep_username:admin", cp.QueueTarget(cp.QueueKind.REP_USERNAME, name="admin")),
        ("issue:other", cp.QueueTarget(cp.QueueKind.ISSUE, name="other")),
    ],
)
def test_generate_session_key_queues(queue: str, expected: cp.QueueTarget) -> None:
    params = parse(f"{KEY}&queue_id={queue}")
    assert isinstance(params, cp.GenerateSessionKeyParams)
    assert params.queue == expected and params.ttl is None and params.url_hostname is None


def test_generate_session_key_all_optionals() -> None:
    params = parse(
        f"{KEY}&queue_id=team:1&ttl=3600&session.custom.external_key=ABC1234&session.custom.custom_field1=v"
        "&session.priority=1&session.skills=codename1, codename2,&url_hostname=support.example.com"
    )
    assert params == cp.GenerateSessionKeyParams(
        queue=cp.QueueTarget(cp.QueueKind.TEAM, id=1),
        attributes=cp.CustomAttributes("ABC1234", {"custom_field1": "v"}),
        priority=1,
        skills=("codename1", "codename2"),
        ttl=3600,
        url_hostname="support.example.com",
    )


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("action=generate_session_key&queue_id=general", "E04"),
        (f"{KEY}", "E04"),
        ("action=generate_session_key&type=presentation&queue_id=general", "E05"),
        (f"{KEY}&queue_id=rep:abc", "E05"),
        (f"{KEY}&queue_id=rep:", "E05"),
        (f"{KEY}&queue_id=general:1", "E05"),
        (f"{KEY}&queue_id=issue:", "E05"),
        (f"{KEY}&queue_id=queue:1", "E05"),
        (f"{KEY}&queue_id=general&session.priority=4", "E05"),
        (f"{KEY}&queue_id=general&session.priority=0", "E05"),
        (f"{KEY}&queue_id=general&session.priority=high", "E05"),
        (f"{KEY}&queue_id=general&ttl=0", "E05"),
        (f"{KEY}&queue_id=general&ttl=-5", "E05"),
        (f"{KEY}&queue_id=general&ttl=+5", "E05"),
        (f"{KEY}&queue_id=general&ttl=1.5", "E05"),
        (f"{KEY}&queue_id=general&url_hostname=", "E05"),
        (f"{KEY}&queue_id=general&session.custom.unknown=1", "E12"),
        (f"{KEY}&queue_id=general&session.custom.external_key=" + "x" * 1025, "E13"),
    ],
)
def test_generate_session_key_errors(query: str, code: str) -> None:
    assert error_of(query)[0] == code


def test_custom_attributes_total_is_counted_in_utf8_bytes() -> None:
    context = cp.ParseContext(custom_attribute_codes=frozenset(f"f{i}" for i in range(20)))
    ok = {f"session.custom.f{i}": "x" * 1024 for i in range(10)}
    base = {"action": "generate_session_key", "type": "support", "queue_id": "general"}
    parsed = cp.parse_command(base | ok, FULL, context).params
    assert isinstance(parsed, cp.GenerateSessionKeyParams) and len(parsed.attributes.values) == 10
    too_big = ok | {"session.custom.external_key": "é"}  # 10240 + 2 bytes, only 10241 characters
    with pytest.raises(CommandApiError) as caught:
        cp.parse_command(base | too_big, FULL, context)
    assert caught.value.error_code == "E14"


# -- session commands -------------------------------------------------------------------------------------


def test_join_session_rep_id_wins_and_one_is_required() -> None:
    both = parse(f"action=join_session&lsid={LSID}&rep_id=151&rep_username=bob")
    assert both == cp.JoinSessionParams(LSID, cp.RepRef(id=151))
    assert parse(f"action=join_session&lsid={LSID}&rep_username=bob") == cp.JoinSessionParams(
        LSID, cp.RepRef(username="bob")
    )
    assert error_of(f"action=join_session&lsid={LSID}") == ("E04", "Missing required parameter: rep_id")
    assert error_of(f"action=join_session&lsid={LSID}&rep_id=x")[0] == "E05"
    assert error_of(f"action=join_session&lsid={LSID}&rep_username=")[0] == "E05"
    assert error_of("action=join_session&rep_id=1") == ("E04", "Missing required parameter: lsid")


def test_malformed_lsid_is_not_found() -> None:
    assert error_of("action=terminate_session&lsid=nope") == (
        "E06",
        "Session nope was not found or is not active",
    )
    assert error_of(f"action=terminate_session&lsid={LSID.upper()}")[0] == "E06"


def test_transfer_session_accepts_rep_and_team_queues_only() -> None:
    assert parse(f"action=transfer_session&lsid={LSID}&queue_id=rep:1") == cp.TransferSessionParams(
        LSID, cp.QueueTarget(cp.QueueKind.REP, id=1)
    )
    for queue in ("general", "issue:other"):
        assert error_of(f"action=transfer_session&lsid={LSID}&queue_id={queue}")[0] == "E05"
    assert error_of(f"action=transfer_session&lsid={LSID}")[0] == "E04"


def test_send_chat_message() -> None:
    base = f"action=send_chat_message&lsid={LSID}&body=[b]hi[/b]"
    assert parse(base) == cp.SendChatMessageParams(LSID, "[b]hi[/b]", None, None)
    assert parse(base + f"&impersonate=customer&timestamp={NOW}") == cp.SendChatMessageParams(
        LSID, "[b]hi[/b]", cp.Impersonation(customer=True), NOW
    )
    rep = parse(base + "&impersonate=rep:3")
    assert isinstance(rep, cp.SendChatMessageParams) and rep.impersonate == cp.Impersonation(
        False, cp.RepRef(id=3)
    )
    by_name = parse(base + "&impersonate=rep_username:bob")
    assert isinstance(by_name, cp.SendChatMessageParams)
    assert by_name.impersonate == cp.Impersonation(False, cp.RepRef(username="bob"))
    assert error_of(f"action=send_chat_message&lsid={LSID}")[0] == "E04"
    assert error_of(f"action=send_chat_message&lsid={LSID}&body=")[0] == "E04"
    for bad in ("system", "rep:", "rep:x", "rep_username:", "team:1"):
        assert error_of(base + f"&impersonate={bad}")[0] == "E05"
    assert error_of(base + f"&timestamp={NOW + 1}") == ("E18", "timestamp must be in the past")
    assert error_of(base + "&timestamp=yesterday")[0] == "E05"


VC = (
    "action=create_virtual_customer&short_key=1234567&name=Bot&ip_address=192.0.2.1"
    "&operating_system=Linux&computer_name=pc"
)


def test_create_virtual_customer() -> None:
    assert parse(VC + "&chat_url=1", RO) == cp.CreateVirtualCustomerParams(
        "1234567", "Bot", "192.0.2.1", "Linux", "pc", chat_url=True
    )
    v6 = parse(VC.replace("192.0.2.1", "2001:DB8::1"))
    assert (
        isinstance(v6, cp.CreateVirtualCustomerParams) and v6.ip_address == "2001:db8::1" and not v6.chat_url
    )
    for name in ("short_key", "name", "ip_address", "operating_system", "computer_name"):
        query = "&".join(p for p in VC.split("&") if not p.startswith(name + "="))
        assert error_of(query) == ("E04", f"Missing required parameter: {name}")
    assert error_of(VC.replace("1234567", "123456"))[0] == "E19"
    assert error_of(VC.replace("192.0.2.1", "999.1.1.1"))[0] == "E05"
    assert error_of(VC.replace("name=Bot", "name="))[0] == "E05"


def test_leave_session_precedence_and_target_required() -> None:
    base = f"action=leave_session&lsid={LSID}"
    assert parse(base + "&customer=1&rep_username=bob&rep_id=2") == cp.LeaveSessionParams(
        LSID, cp.RepRef(id=2)
    )
    assert parse(base + "&customer=1&rep_username=bob") == cp.LeaveSessionParams(
        LSID, cp.RepRef(username="bob")
    )
    assert parse(base + "&customer=1") == cp.LeaveSessionParams(LSID, None)
    assert error_of(base)[0] == "E17"
    assert error_of(base + "&customer=yes")[0] == "E17"  # only 1 counts as provided


def test_set_session_attributes_distinguishes_absent_and_empty() -> None:
    params = parse(f"action=set_session_attributes&lsid={LSID}&session.custom.custom_field1=")
    assert params == cp.SetSessionAttributesParams(LSID, cp.CustomAttributes(None, {"custom_field1": ""}))
    nothing = parse(f"action=set_session_attributes&lsid={LSID}")
    assert nothing == cp.SetSessionAttributesParams(LSID, cp.CustomAttributes())
    assert error_of(f"action=set_session_attributes&lsid={LSID}&session.custom.nope=1")[0] == "E12"
    assert error_of(
        f"action=set_session_attributes&lsid={LSID}&session.custom.custom_field1=" + "y" * 1025
    ) == (
        "E13",
        "Value of session.custom.custom_field1 exceeds the maximum length of 1024 characters",
    )


# -- clients, failover ------------------------------------------------------------------------------------

ALL_TYPES = frozenset(("representative", "support_customer", "presentation_attendee", "push_agent"))


def test_connected_client_list_types() -> None:
    assert parse("action=get_connected_client_list") == cp.ConnectedClientListParams(ALL_TYPES, True, False)
    assert parse("action=get_connected_client_list&type=representative,support_customer&summary_only=1") == (
        cp.ConnectedClientListParams(frozenset({"representative", "support_customer"}), False, True)
    )
    assert parse("action=get_connected_client_list&type=push_agent,all") == cp.ConnectedClientListParams(
        ALL_TYPES, True, False
    )
    assert error_of("action=get_connected_client_list&type=pinned_client")[0] == "E05"
    assert error_of("action=get_connected_client_list&type=robot")[0] == "E05"


def test_connected_clients_ids() -> None:
    params = parse("action=get_connected_clients&type=representative&id=101,102,101&include_connections=1")
    assert params == cp.ConnectedClientsParams(frozenset({"representative"}), ("101", "102"), True)
    assert parse("action=get_connected_clients") == cp.ConnectedClientsParams(ALL_TYPES, None, False)
    ids = ",".join(str(n) for n in range(101))
    assert error_of(f"action=get_connected_clients&id={ids}") == ("E20", "A maximum of 100 IDs is supported")
    assert error_of("action=get_connected_clients&type=pinned_client")[0] == "E05"


def test_set_failover_role() -> None:
    assert parse(
        "action=set_failover_role&role=backup&data_sync_first=1&force=1"
    ) == cp.SetFailoverRoleParams("backup", True, True)
    assert parse("action=set_failover_role&role=primary") == cp.SetFailoverRoleParams("primary", False, False)
    assert error_of("action=set_failover_role")[0] == "E04"
    assert error_of("action=set_failover_role&role=master")[0] == "E05"


# -- import_jump_shortcut ---------------------------------------------------------------------------------


def test_import_local_jump_from_the_seed_example_and_plural_alias() -> None:
    params = parse(
        "action=import_jump_shortcuts&name=Endpoint&local_jump_hostname=ABCDEF02&group=remote_access"
    )
    assert isinstance(params, cp.ImportJumpShortcutParams)
    assert (params.item_type, params.name, params.hostname, params.group) == (
        cp.JumpItemType.LOCAL_JUMP, "Endpoint", "ABCDEF02", "remote_access",
    )  # fmt: skip
    assert params.jumpoint is None and params.port is None and params.rdp is None


def test_import_name_defaults_to_hostname_and_rdp_with_jumpoint_is_remote() -> None:
    params = parse(
        "action=import_jump_shortcut&rdp_hostname=ABCDEF02&jumpoint=London&group=g&quality=video_opt"
    )
    assert isinstance(params, cp.ImportJumpShortcutParams)
    assert params.item_type is cp.JumpItemType.REMOTE_RDP and params.name == "ABCDEF02"
    assert params.rdp == cp.RdpOptions(None, None, "primary", "video_opt", False, False)
    local = parse(
        "action=import_jump_shortcut&rdp_hostname=h&group=g&display_size=1280x720&console=1&session_policy=S"
    )
    assert isinstance(local, cp.ImportJumpShortcutParams) and local.item_type is cp.JumpItemType.LOCAL_RDP
    assert local.rdp is not None and local.rdp.display_size == "1280x720" and local.rdp.console
    assert local.session_policy == "S"


def test_import_shell_jump_and_vnc_defaults() -> None:
    shell = parse(
        "action=import_jump_shortcut&shelljump_hostname=h&jumpoint=J&protocol=ssh&group=g"
        "&shelljump_username=admin&port=25&terminal=vt100&keep_alive=120"
    )
    assert isinstance(shell, cp.ImportJumpShortcutParams)
    assert shell.port == 25 and shell.shell == cp.ShellOptions("ssh", "admin", "VT100", 120)
    telnet = parse("action=import_jump_shortcut&shelljump_hostname=h&jumpoint=J&protocol=telnet&group=g")
    assert isinstance(telnet, cp.ImportJumpShortcutParams)
    assert telnet.port == 23 and telnet.shell == cp.ShellOptions("telnet", None, "xterm", 0)
    vnc = parse("action=import_jump_shortcut&remote_vnc_hostname=h&jumpoint=J&group=g&session_policy=S")
    assert isinstance(vnc, cp.ImportJumpShortcutParams)
    assert vnc.port == 5900 and vnc.session_policy is None  # VNC items take no session policy


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("group=g", "E26"),
        ("local_jump_hostname=a&rdp_hostname=b&group=g", "E26"),
        ("local_jump_hostname=a", "E04"),
        ("remote_jump_hostname=a&group=g", "E04"),
        ("vpro_hostname=a&group=g", "E04"),
        ("shelljump_hostname=a&jumpoint=J&group=g", "E04"),
        ("shelljump_hostname=a&jumpoint=J&group=g&protocol=rdp", "E05"),
        ("shelljump_hostname=a&jumpoint=J&group=g&protocol=ssh&terminal=vt220", "E05"),
        ("shelljump_hostname=a&jumpoint=J&group=g&protocol=ssh&keep_alive=301", "E05"),
        ("shelljump_hostname=a&jumpoint=J&group=g&protocol=ssh&port=0", "E05"),
        ("remote_vnc_hostname=a&jumpoint=J&group=g&port=99", "E05"),
        ("remote_vnc_hostname=a&jumpoint=J&group=g&port=65536", "E05"),
        ("rdp_hostname=a&group=g&display_size=huge", "E05"),
        ("rdp_hostname=a&group=g&display_size=0x480", "E05"),
        ("rdp_hostname=a&group=g&quality=best", "E05"),
        ("local_jump_hostname=&group=g", "E05"),
        ("local_jump_hostname=a&group=g&name=", "E05"),
        ("local_jump_hostname=a&group=", "E05"),
        ("local_jump_hostname=a&group=g&name=" + "n" * 129, "E13"),
        ("local_jump_hostname=" + "h" * 129 + "&group=g", "E13"),
        ("local_jump_hostname=a&group=g&tag=" + "t" * 1025, "E13"),
        ("local_jump_hostname=a&group=g&comments=" + "c" * 1025, "E13"),
    ],
)
def test_import_jump_shortcut_errors(query: str, code: str) -> None:
    assert error_of("action=import_jump_shortcut&" + query)[0] == code


def test_param_tables_list_required_parameters_first_checked() -> None:
    # Presence of always-required parameters is checked in table order before any value (D-15 step 6).
    assert error_of("action=generate_session_key&queue_id=bad:1") == (
        "E04",
        "Missing required parameter: type",
    )
