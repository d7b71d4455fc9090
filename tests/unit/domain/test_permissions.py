from __future__ import annotations

import pytest

from lifeline.domain.permissions import (
    PERMISSION_BY_KEY,
    PERMISSION_COUNT,
    PERMISSIONS,
    ConsoleFeature,
    OptionKind,
    PermissionGrant,
    PermissionTarget,
    TargetType,
    can_manage_files,
    changed_keys,
    chat_state,
    check_locked_unchanged,
    default_grant,
    default_grants,
    hidden_console_features,
    is_allowed,
    locked_keys,
    records_need_consent,
    validate_grant,
    validate_grants,
)
from lifeline.errors import InvalidInput, PermissionDenied

EXPECTED_KEYS = [
    "chat", "chat_toggle", "launch_remote_control", "launch_desktop_viewing", "send_files",
    "receive_files", "file_manager", "send_urls", "view_system_info", "reboot", "record_sessions",
    "start_private_sessions", "single_prompt", "transfer_sessions", "hold_sessions",
    "request_windows_credentials", "clipboard_sync", "deploy_calling_card", "screen_sharing",
    "collaboration_invitations", "invite_external", "inline_editing", "script_deployment",
    "run_embedded_scripts", "unattended_access", "connect_on_lan", "configure_mobile", "click2fix",
    "classic_mobile_display", "rescue_lens", "screen_capture", "disallow_media_stream",
]  # fmt: skip


# ---- catalog invariants -------------------------------------------------------------------------


def test_exactly_32_permissions_in_spec_order():
    assert len(PERMISSIONS) == PERMISSION_COUNT == 32
    assert [p.key for p in PERMISSIONS] == EXPECTED_KEYS
    assert [p.number for p in PERMISSIONS] == list(range(1, 33))


def test_keys_unique_and_indexed():
    assert len(PERMISSION_BY_KEY) == 32
    assert all(PERMISSION_BY_KEY[p.key] is p for p in PERMISSIONS)
    assert all(len(p.key) <= 64 and p.key.isidentifier() for p in PERMISSIONS)


def test_labels_and_descriptions_present():
    assert all(p.label and p.description for p in PERMISSIONS)
    assert len({p.label for p in PERMISSIONS}) == 32


def test_only_the_four_documented_permissions_have_options():
    with_options = {p.key: p.option.name for p in PERMISSIONS if p.option}
    assert with_options == {
        "file_manager": "manage_files",
        "record_sessions": "consent_only",
        "transfer_sessions": "scope",
        "collaboration_invitations": "scope",
        "invite_external": "invitees",
    }
    assert all(p.options is None or len(p.options) == 1 for p in PERMISSIONS)


@pytest.mark.parametrize("definition", PERMISSIONS, ids=lambda p: p.key)
def test_every_default_validates_against_its_own_definition(definition):
    grant = default_grant(definition.key)
    assert validate_grant(definition.key, grant.as_dict()) == grant
    option = definition.option
    if option is not None:
        if option.kind == OptionKind.CHOICE:
            assert option.default in option.choices
            assert option.targets_choice is None or option.targets_choice in option.choices
        else:
            assert isinstance(option.default, bool)


def test_defaults_allow_the_ordinary_support_kit_and_deny_risky_tools():
    grants = default_grants()
    on = {k for k, g in grants.items() if g.allowed}
    assert {
        "chat", "launch_remote_control", "launch_desktop_viewing", "send_files", "receive_files",
        "send_urls", "view_system_info", "reboot", "start_private_sessions", "transfer_sessions",
        "hold_sessions",
    } <= on  # fmt: skip
    assert not on & {
        "record_sessions", "script_deployment", "run_embedded_scripts", "unattended_access",
        "connect_on_lan", "invite_external", "request_windows_credentials", "deploy_calling_card",
    }  # fmt: skip
    assert grants["transfer_sessions"].option == "any"
    assert grants["record_sessions"].option is True
    assert grants["invite_external"].option == "approved_only"


# ---- validate_grant -----------------------------------------------------------------------------


def test_plain_permission():
    assert validate_grant("reboot", {"allowed": False}) == PermissionGrant(False)
    assert validate_grant("reboot", {"allowed": True, "locked": True}) == PermissionGrant(True, locked=True)


def test_flag_option_by_name_or_generic_key():
    assert validate_grant("record_sessions", {"allowed": True, "consent_only": False}).option is False
    assert validate_grant("record_sessions", {"allowed": True, "option": False}).option is False
    assert validate_grant("file_manager", {"allowed": True, "manage_files": True}).option is True
    assert validate_grant("file_manager", {"allowed": True}).option is False


def test_specific_transfer_with_targets():
    grant = validate_grant(
        "transfer_sessions",
        {
            "allowed": True,
            "scope": "specific",
            "targets": [{"type": "tech_group", "id": 3}, {"type": "channel", "id": 2}],
        },
    )
    assert grant.option == "specific"
    assert grant.targets == {
        PermissionTarget(TargetType.TECH_GROUP, 3),
        PermissionTarget(TargetType.CHANNEL, 2),
    }
    assert grant.target_ids(TargetType.CHANNEL) == {2}
    assert validate_grant("transfer_sessions", grant.as_dict()) == grant


def test_specific_denied_permission_may_keep_an_empty_list():
    grant = validate_grant("collaboration_invitations", {"allowed": False, "option": "specific"})
    assert grant.targets == frozenset()


def test_approved_alias_is_normalised():
    assert (
        validate_grant("invite_external", {"allowed": True, "option": "approved"}).option == "approved_only"
    )


@pytest.mark.parametrize(
    ("key", "data", "fragment"),
    [
        ("teleport", {"allowed": True}, "Unknown permission"),
        ("reboot", {}, "'allowed' is required"),
        ("reboot", {"allowed": "yes"}, "true or false"),
        ("reboot", {"allowed": True, "locked": 1}, "true or false"),
        ("reboot", {"allowed": True, "option": "any"}, "has no options"),
        ("reboot", {"allowed": True, "colour": "red"}, "unknown field"),
        ("reboot", ["allowed"], "expected an object"),
        ("transfer_sessions", {"allowed": True, "option": "everyone"}, "one of any, specific"),
        ("transfer_sessions", {"allowed": True, "option": ["any"]}, "one of any, specific"),
        ("transfer_sessions", {"allowed": True, "option": "any", "scope": "specific"}, "disagree"),
        ("transfer_sessions", {"allowed": True, "option": "specific"}, "at least one target"),
        (
            "transfer_sessions",
            {"allowed": True, "option": "any", "targets": [{"type": "channel", "id": 1}]},
            "only be given",
        ),
        ("transfer_sessions", {"allowed": True, "option": "specific", "targets": "3"}, "must be a list"),
        (
            "transfer_sessions",
            {"allowed": True, "option": "specific", "targets": [{"type": "user", "id": 1}]},
            "target type",
        ),
        (
            "transfer_sessions",
            {"allowed": True, "option": "specific", "targets": [{"type": ["x"], "id": 1}]},
            "target type",
        ),
        (
            "transfer_sessions",
            {"allowed": True, "option": "specific", "targets": [{"type": "channel", "id": 0}]},
            "positive integer",
        ),
        (
            "transfer_sessions",
            {"allowed": True, "option": "specific", "targets": [{"type": "channel", "id": True}]},
            "positive integer",
        ),
        (
            "transfer_sessions",
            {"allowed": True, "option": "specific", "targets": [{"type": "channel"}]},
            "exactly 'type' and 'id'",
        ),
        (
            "collaboration_invitations",
            {"allowed": True, "option": "specific", "targets": [{"type": "channel", "id": 1}]},
            "tech_group",
        ),
        ("record_sessions", {"allowed": True, "consent_only": "no"}, "true or false"),
        ("invite_external", {"allowed": True, "invitees": "friends"}, "anyone, approved_only"),
    ],
)
def test_validate_grant_rejects(key, data, fragment):
    with pytest.raises(InvalidInput) as err:
        validate_grant(key, data)
    assert fragment in err.value.message


def test_validate_grants_fills_defaults():
    grants = validate_grants({"reboot": {"allowed": False}})
    assert len(grants) == 32
    assert not grants["reboot"].allowed
    assert grants["chat"] == default_grant("chat")


# ---- locking ------------------------------------------------------------------------------------


def test_locked_keys_and_changes():
    old = default_grants()
    old["reboot"] = PermissionGrant(True, locked=True)
    assert locked_keys(old) == {"reboot"}
    new = dict(old)
    new["chat"] = PermissionGrant(False)
    assert changed_keys(old, new) == {"chat"}
    check_locked_unchanged(old, new)


@pytest.mark.parametrize(
    "change",
    [
        {"reboot": PermissionGrant(False, locked=True)},  # change a locked grant
        {"reboot": PermissionGrant(True, locked=False)},  # unlock
        {"chat": PermissionGrant(True, locked=True)},  # lock
    ],
)
def test_administrators_cannot_touch_locked_permissions(change):
    old = default_grants()
    old["reboot"] = PermissionGrant(True, locked=True)
    with pytest.raises(PermissionDenied):
        check_locked_unchanged(old, {**old, **change})


# ---- console hiding (§5) ------------------------------------------------------------------------


def grants_with(**allowed: bool) -> dict[str, PermissionGrant]:
    grants = {k: PermissionGrant(True, default_grant(k).option) for k in PERMISSION_BY_KEY}
    for key, value in allowed.items():
        grants[key] = PermissionGrant(value, grants[key].option)
    return grants


def test_everything_allowed_hides_nothing():
    grants = grants_with()
    grants["file_manager"] = PermissionGrant(True, True)
    assert hidden_console_features(grants) == set()


@pytest.mark.parametrize(
    ("key", "feature"),
    [
        ("launch_remote_control", ConsoleFeature.LAUNCH_REMOTE_CONTROL_BUTTON),
        ("launch_desktop_viewing", ConsoleFeature.LAUNCH_DESKTOP_VIEWING_BUTTON),
        ("file_manager", ConsoleFeature.FILE_MANAGER_TAB),
        ("view_system_info", ConsoleFeature.SYSTEM_INFO_TAB),
        ("reboot", ConsoleFeature.REBOOT_TAB),
        ("deploy_calling_card", ConsoleFeature.CALLING_CARD_TAB),
        ("unattended_access", ConsoleFeature.UNATTENDED_ACCESS_TAB),
        ("configure_mobile", ConsoleFeature.DEVICE_CONFIGURATION_TAB),
        ("classic_mobile_display", ConsoleFeature.CUSTOMER_DISPLAY_TAB),
        ("click2fix", ConsoleFeature.CLICK2FIX_TAB),
    ],
)
def test_single_permission_hides_its_feature(key, feature):
    assert hidden_console_features(grants_with(**{key: False})) == {feature}


def test_file_manager_tab_hidden_when_send_receive_and_manage_all_denied():
    grants = grants_with(send_files=False, receive_files=False)
    grants["file_manager"] = PermissionGrant(True, False)
    assert ConsoleFeature.FILE_MANAGER_TAB in hidden_console_features(grants)
    grants["file_manager"] = PermissionGrant(True, True)
    assert ConsoleFeature.FILE_MANAGER_TAB not in hidden_console_features(grants)
    assert can_manage_files(grants)


@pytest.mark.parametrize("still_allowed", ["send_files", "receive_files"])
def test_file_manager_tab_shown_if_one_transfer_direction_remains(still_allowed):
    flags = {"send_files": False, "receive_files": False, still_allowed: True}
    grants = grants_with(**flags)
    assert ConsoleFeature.FILE_MANAGER_TAB not in hidden_console_features(grants)


def test_scripts_tab_needs_both_script_permissions_denied():
    assert ConsoleFeature.SCRIPTS_TAB not in hidden_console_features(grants_with(script_deployment=False))
    assert ConsoleFeature.SCRIPTS_TAB not in hidden_console_features(grants_with(run_embedded_scripts=False))
    assert ConsoleFeature.SCRIPTS_TAB in hidden_console_features(
        grants_with(script_deployment=False, run_embedded_scripts=False)
    )


def test_missing_grants_fail_closed():
    assert hidden_console_features({}) == {f.value for f in ConsoleFeature}
    assert not is_allowed({}, "chat")
    with pytest.raises(InvalidInput):
        is_allowed({}, "nope")


def test_default_group_hides_risky_tabs():
    hidden = hidden_console_features(default_grants())
    assert ConsoleFeature.SCRIPTS_TAB in hidden
    assert ConsoleFeature.UNATTENDED_ACCESS_TAB in hidden
    assert ConsoleFeature.LAUNCH_REMOTE_CONTROL_BUTTON not in hidden
    assert ConsoleFeature.FILE_MANAGER_TAB not in hidden


def test_recording_consent():
    assert records_need_consent({})
    assert records_need_consent({"record_sessions": PermissionGrant(True, True)})
    assert not records_need_consent({"record_sessions": PermissionGrant(True, False)})


# ---- chat (§6) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat", "toggle", "expected"),
    [
        (True, False, (True, False)),
        (True, True, (True, True)),
        (False, True, (False, True)),
        (False, False, (False, False)),
    ],
)
def test_chat_state_matrix(chat, toggle, expected):
    assert chat_state(chat, toggle) == expected


@pytest.mark.parametrize(("chat", "toggle"), [(True, True), (False, False), (False, True)])
def test_instant_chat_always_has_chat(chat, toggle):
    assert chat_state(chat, toggle, instant_chat=True) == (True, False)
