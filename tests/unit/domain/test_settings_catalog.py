from __future__ import annotations

from datetime import datetime

import pytest

from lifeline.domain.settings_catalog import (
    SETTING_BY_KEY,
    SETTINGS,
    Owner,
    SaveScope,
    SettingKind,
    check_consistency,
    check_scope,
    default_values,
    schedule_open_at,
    sections_for,
    settings_for,
    validate_setting,
    validate_settings,
)
from lifeline.errors import InvalidInput

# ---- catalog invariants -------------------------------------------------------------------------


def test_keys_unique_and_fit_the_store_column():
    assert len(SETTING_BY_KEY) == len(SETTINGS)
    assert all(len(s.key) <= 64 and s.key.isidentifier() for s in SETTINGS)


@pytest.mark.parametrize("definition", SETTINGS, ids=lambda s: s.key)
def test_definition_is_well_formed(definition):
    assert definition.owners and definition.label and definition.group
    if definition.kind == SettingKind.INT:
        assert definition.minimum is not None and definition.maximum is not None
        assert definition.minimum <= definition.maximum
        if definition.default is not None:
            assert definition.minimum <= definition.default <= definition.maximum
        else:
            assert definition.nullable
    if definition.kind == SettingKind.CHOICE:
        assert definition.default in definition.choices
        assert len(set(definition.choices)) == len(definition.choices)
    if definition.kind == SettingKind.TEXT:
        assert definition.max_length is not None and len(definition.default) <= definition.max_length
    if definition.kind == SettingKind.JSON:
        assert definition.validator is not None


@pytest.mark.parametrize("definition", SETTINGS, ids=lambda s: s.key)
def test_every_default_validates_to_itself_for_every_owner(definition):
    for owner in definition.owners:
        assert validate_setting(definition.key, definition.default_value(), owner) == definition.default


def test_default_values_are_fresh_copies():
    first = default_values(Owner.CHANNEL)
    first["timeout_alarms"].append("x")
    assert default_values(Owner.CHANNEL)["timeout_alarms"] == []


def test_default_values_pass_consistency_checks():
    for owner in Owner:
        check_consistency(owner, default_values(owner))


def test_owner_partition_follows_section_28():
    tg = {s.key for s in settings_for(Owner.TECH_GROUP)}
    ch = {s.key for s in settings_for(Owner.CHANNEL)}
    glob = {s.key for s in settings_for(Owner.GLOBAL)}
    shared = {
        "applet_running_mode",
        "terms_text",
        "waiting_timeout_min",
        "timeout_alarms",
        "branding_app_name",
    }
    assert shared <= tg & ch
    assert {"input_priority", "show_estimated_wait", "email_text", "max_active_sessions", "tc_ip_rule",
            "lens_audio", "enforce_tfa", "ua_block_popup"} <= tg - ch  # fmt: skip
    assert {"waiting_message", "auto_transfer_enabled", "auto_start_enabled", "working_hours",
            "incoming_transfer_restriction"} <= ch - tg  # fmt: skip
    assert {"password_min_strength", "tfa_all_admins", "global_ip_rule", "hierarchy_view",
            "show_tg_only_to_assigned_admins", "monitoring_notify"} <= glob  # fmt: skip
    assert {s.key for s in settings_for(Owner.TECHNICIAN)} == {"console_autostart_private"}


def test_spec_defaults_and_ranges():
    s = SETTING_BY_KEY
    assert s["private_code_validity_min"].default == 20
    assert (s["waiting_timeout_min"].minimum, s["waiting_timeout_min"].maximum) == (0, 999)
    assert (s["idle_timeout_min"].minimum, s["idle_timeout_min"].maximum) == (0, 999)
    assert s["email_text"].max_length == 1200
    assert s["email_signature"].max_length == 300
    assert (s["auto_start_below_sessions"].minimum, s["auto_start_below_sessions"].maximum) == (1, 10)
    console = {k: s[k].default for k in ("max_active_sessions", "defer_autostart_min", "busy_threshold",
                                         "away_after_min", "auto_logout_min", "clipboard_mode")}  # fmt: skip
    assert console == {
        "max_active_sessions": 10,
        "defer_autostart_min": 0,
        "busy_threshold": 10,
        "away_after_min": 0,
        "auto_logout_min": 0,
        "clipboard_mode": "universal",
    }
    assert s["ua_admin_credentials_required"].default is False
    assert s["ua_block_popup"].default is False


def test_sections_group_the_form():
    sections = sections_for(Owner.TECH_GROUP)
    assert "Technician Console" in sections
    assert [d.key for d in sections["Time-outs"]][:2] == [
        "private_code_validity_min",
        "connecting_timeout_min",
    ]


# ---- validate_setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "owner", "raw", "expected"),
    [
        ("tfa_all_admins", "global", "yes", True),
        ("tfa_all_admins", "global", "off", False),
        ("tfa_all_admins", "global", 1, True),
        ("waiting_timeout_min", "channel", " 15 ", 15),
        ("waiting_timeout_min", "tech_group", 0, 0),
        ("auto_transfer_target_channel", "channel", "", None),
        ("auto_transfer_target_channel", "channel", "3", 3),
        ("hierarchy_view", "global", " extended ", "extended"),
        ("terms_text", "channel", "a\r\nb\rc", "a\nb\nc"),
        ("logout_url", "tech_group", " https://intranet.example/bye ", "https://intranet.example/bye"),
        ("logout_url", "tech_group", "", ""),
        ("email_reply_to", "tech_group", " help@example.com ", "help@example.com"),
    ],
)
def test_normalisation(key, owner, raw, expected):
    assert validate_setting(key, raw, owner) == expected


@pytest.mark.parametrize(
    ("key", "owner", "raw", "fragment"),
    [
        ("no_such_setting", "global", 1, "Unknown setting"),
        ("tfa_all_admins", "tech_group", True, "not a tech_group setting"),
        ("input_priority", "channel", "customer", "not a channel setting"),
        ("waiting_message", "tech_group", "queue_position", "not a tech_group setting"),
        ("tfa_all_admins", "galaxy", True, "Unknown setting owner"),
        ("tfa_all_admins", "global", "maybe", "true or false"),
        ("tfa_all_admins", "global", 2, "true or false"),
        ("waiting_timeout_min", "channel", 1000, "between 0 and 999"),
        ("waiting_timeout_min", "channel", -1, "between 0 and 999"),
        ("waiting_timeout_min", "channel", True, "whole number"),
        ("waiting_timeout_min", "channel", 1.5, "whole number"),
        ("waiting_timeout_min", "channel", "ten", "whole number"),
        ("waiting_timeout_min", "channel", None, "whole number"),
        ("auto_start_below_sessions", "channel", 11, "between 1 and 10"),
        ("auto_start_below_sessions", "channel", 0, "between 1 and 10"),
        ("max_active_sessions", "tech_group", 0, "between 1 and 10"),
        ("private_code_validity_min", "tech_group", 0, "between 1 and 1440"),
        ("auto_transfer_target_channel", "channel", 11, "between 1 and 10"),
        ("hierarchy_view", "global", "tree", "one of compact, extended"),
        ("email_text", "tech_group", "x" * 1201, "limited to 1200"),
        ("email_signature", "tech_group", "x" * 301, "limited to 300"),
        ("email_subject", "tech_group", 5, "must be text"),
        ("terms_text", "channel", "a\x00b", "NUL"),
        ("logout_url", "tech_group", "javascript:alert(1)", "http:// or https://"),
        ("logout_url", "tech_group", "https://exa mple.com", "http:// or https://"),
        ("logout_url", "tech_group", "https://" + "a" * 2050, "limited to 2048"),
        ("logout_url", "tech_group", 7, "must be a URL"),
        ("email_reply_to", "tech_group", "not-an-email", "not an email"),
        ("email_reply_to", "tech_group", None, "must be an email"),
    ],
)
def test_validation_errors(key, owner, raw, fragment):
    with pytest.raises(InvalidInput) as err:
        validate_setting(key, raw, owner)
    assert fragment in err.value.message
    assert err.value.field in (key, "key", "owner")


def test_validate_settings_validates_every_key():
    assert validate_settings({"tfa_all_admins": "yes", "hierarchy_view": "compact"}, Owner.GLOBAL) == {
        "tfa_all_admins": True,
        "hierarchy_view": "compact",
    }
    with pytest.raises(InvalidInput):
        validate_settings({"tfa_all_admins": True, "input_priority": "customer"}, Owner.GLOBAL)


# ---- JSON settings ------------------------------------------------------------------------------


def test_ip_rule_setting():
    value = {"default": "deny", "exceptions": [{"network_id": "10.0.0.0", "subnet_mask": "255.0.0.0"}]}
    assert validate_setting("tc_ip_rule", value, "tech_group") == value
    with pytest.raises(InvalidInput, match="host bits"):
        validate_setting("global_ip_rule", {"default": "deny", "exceptions": [
            {"network_id": "10.0.0.1", "subnet_mask": "255.0.0.0"}]}, "global")  # fmt: skip


def test_alarms_are_sorted_and_checked():
    value = [
        {"kind": "waiting", "after_s": 300, "color": "red"},
        {"kind": "waiting", "after_s": 120, "color": "yellow"},
        {"kind": "connecting", "after_s": 60, "color": "orange"},
    ]
    assert [a["after_s"] for a in validate_setting("timeout_alarms", value, "channel")] == [60, 120, 300]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"kind": "waiting"}, "must be a list"),
        ([{"kind": "active", "after_s": 1, "color": "red"}], "kind must be"),
        ([{"kind": "waiting", "after_s": 0, "color": "red"}], "after_s"),
        ([{"kind": "waiting", "after_s": 59941, "color": "red"}], "after_s"),
        ([{"kind": "waiting", "after_s": "60", "color": "red"}], "after_s"),
        ([{"kind": "waiting", "after_s": 60, "color": "pink"}], "color"),
        ([{"kind": "waiting", "after_s": 60}], "missing"),
        ([{"kind": "waiting", "after_s": 60, "color": "red", "sound": 1}], "unknown"),
        (
            [
                {"kind": "waiting", "after_s": 60, "color": "red"},
                {"kind": "waiting", "after_s": 60, "color": "red"},
            ],
            "same kind",
        ),
        ([{"kind": "waiting", "after_s": i + 1, "color": "red"} for i in range(11)], "at most 10"),
    ],
)
def test_bad_alarms(value, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        validate_setting("timeout_alarms", value, "tech_group")


GOOD_SCHEDULE = {"start": "08:00", "end": "17:30", "time_zone": "Europe/Budapest",
                 "days": [True, True, True, True, True, False, False]}  # fmt: skip


def test_schedule_setting():
    assert validate_setting("working_hours", GOOD_SCHEDULE, "channel") == GOOD_SCHEDULE


@pytest.mark.parametrize(
    "change",
    [
        {"start": "8:00"},
        {"end": "24:00"},
        {"time_zone": "Mars Base"},
        {"time_zone": 5},
        {"days": [True] * 6},
        {"days": [1, 1, 1, 1, 1, 0, 0]},
    ],
)
def test_bad_schedules(change):
    with pytest.raises(InvalidInput):
        validate_setting("working_hours", {**GOOD_SCHEDULE, **change}, "channel")


@pytest.mark.parametrize(
    ("schedule", "when", "open_"),
    [
        (GOOD_SCHEDULE, datetime(2026, 3, 2, 8, 0), True),  # Monday 08:00
        (GOOD_SCHEDULE, datetime(2026, 3, 2, 17, 30), False),  # end is exclusive
        (GOOD_SCHEDULE, datetime(2026, 3, 2, 7, 59), False),
        (GOOD_SCHEDULE, datetime(2026, 3, 7, 12, 0), False),  # Saturday
        ({**GOOD_SCHEDULE, "start": "00:00", "end": "00:00"}, datetime(2026, 3, 3, 23, 59), True),
        (
            {**GOOD_SCHEDULE, "start": "22:00", "end": "06:00"},
            datetime(2026, 3, 6, 23, 0),
            True,
        ),  # Friday night
        (
            {**GOOD_SCHEDULE, "start": "22:00", "end": "06:00"},
            datetime(2026, 3, 7, 5, 0),
            True,
        ),  # shift from Friday
        (
            {**GOOD_SCHEDULE, "start": "22:00", "end": "06:00"},
            datetime(2026, 3, 8, 5, 0),
            False,
        ),  # Sunday early
        ({**GOOD_SCHEDULE, "start": "22:00", "end": "06:00"}, datetime(2026, 3, 2, 12, 0), False),
    ],
)
def test_schedule_open_at(schedule, when, open_):
    assert schedule_open_at(schedule, when) is open_


def test_survey_setting():
    value = {
        "mode": "rescue",
        "questions": [
            {"text": "Solved?", "type": "dropdown", "answers": ["1", "2", "3", "4", "5"], "mandatory": True},
            {"text": "Comments", "type": "open"},
        ],
    }
    result = validate_setting("customer_survey", value, "channel")
    assert result["questions"][1] == {"text": "Comments", "type": "open", "answers": [], "mandatory": False,
                                      "enabled": True}  # fmt: skip
    assert result["url"] == "" and result["append_session_details"] is False


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"mode": "paper"}, "mode must be"),
        ({"mode": "self_hosted"}, "needs its URL"),
        ({"mode": "self_hosted", "url": "ftp://x"}, "http"),
        ({"mode": "rescue", "questions": [{"text": "Q", "type": "dropdown", "answers": ["a"]}]}, "exactly 5"),
        ({"mode": "rescue", "questions": [{"text": "Q", "type": "open", "answers": ["a"]}]}, "no predefined"),
        ({"mode": "rescue", "questions": [{"text": " ", "type": "open"}]}, "cannot be empty"),
        ({"mode": "rescue", "questions": [{"text": "Q", "type": "scale"}]}, "open or dropdown"),
        ({"mode": "rescue", "questions": [{"text": "Q", "type": "open"}] * 11}, "at most 10"),
        ({"url": "https://x.example"}, "missing"),
    ],
)
def test_bad_surveys(value, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        validate_setting("technician_survey", value, "tech_group")


def test_private_custom_fields():
    fields = [{"enabled": False, "mandatory": False, "type": "open_text"} for _ in range(5)]
    fields[0] = {"enabled": True, "mandatory": True, "type": "dropdown", "choices": ["Windows", "Mac"]}
    result = validate_setting("private_custom_fields", fields, "tech_group")
    assert result[0]["choices"] == ["Windows", "Mac"] and result[1]["choices"] == []


@pytest.mark.parametrize(
    ("first", "fragment"),
    [
        ({"enabled": False, "mandatory": True, "type": "open_text"}, "mandatory while disabled"),
        ({"enabled": True, "mandatory": False, "type": "dropdown"}, "at least one choice"),
        ({"enabled": True, "mandatory": False, "type": "dropdown", "choices": ["a", "a"]}, "twice"),
        ({"enabled": True, "mandatory": False, "type": "number"}, "open_text or dropdown"),
        ({"enabled": True, "mandatory": False, "type": "dropdown", "choices": ["x" * 65]}, "limited to 64"),
    ],
)
def test_bad_private_custom_fields(first, fragment):
    fields = [{"enabled": False, "mandatory": False, "type": "open_text"} for _ in range(5)]
    fields[0] = first
    with pytest.raises(InvalidInput, match=fragment):
        validate_setting("private_custom_fields", fields, "tech_group")


def test_private_custom_fields_need_all_five():
    with pytest.raises(InvalidInput, match="all 5"):
        validate_setting("private_custom_fields", [], "tech_group")


# ---- save scopes (§28) --------------------------------------------------------------------------

SCOPE_CASES = [
    # key, owner, scope, allowed
    ("max_active_sessions", "tech_group", "save", True),
    ("max_active_sessions", "tech_group", "subgroups", True),
    ("max_active_sessions", "tech_group", "all_groups", True),
    ("max_active_sessions", "tech_group", "all_channels", False),
    ("waiting_timeout_min", "channel", "save", True),
    ("waiting_timeout_min", "channel", "all_channels", True),
    ("waiting_timeout_min", "channel", "subgroups", False),
    ("waiting_timeout_min", "channel", "all_groups", False),
    ("waiting_timeout_min", "tech_group", "subgroups", True),
    ("auto_transfer_enabled", "channel", "save", True),
    ("auto_transfer_enabled", "channel", "all_channels", False),
    ("auto_transfer_after_min", "channel", "all_channels", False),
    ("auto_transfer_target_channel", "channel", "all_channels", False),
    ("auto_start_enabled", "channel", "all_channels", False),
    ("auto_start_below_sessions", "channel", "all_channels", False),
    ("incoming_transfer_restriction", "channel", "all_channels", True),
    ("working_hours", "channel", "all_channels", True),
    ("tc_ip_rule", "tech_group", "subgroups", True),
    ("password_min_strength", "global", "save", True),
    ("password_min_strength", "global", "all_groups", False),
    ("console_autostart_private", "technician", "save", True),
    ("console_autostart_private", "technician", "subgroups", False),
]


@pytest.mark.parametrize(("key", "owner", "scope", "allowed"), SCOPE_CASES)
def test_check_scope(key, owner, scope, allowed):
    if allowed:
        check_scope(key, owner, scope)
    else:
        with pytest.raises(InvalidInput):
            check_scope(SETTING_BY_KEY[key], owner, scope)


def test_check_scope_rejects_wrong_owner_and_unknown_scope():
    with pytest.raises(InvalidInput, match="not a channel setting"):
        check_scope("max_active_sessions", "channel", "save")
    with pytest.raises(InvalidInput, match="Unknown save scope"):
        check_scope("max_active_sessions", "tech_group", "everywhere")


def test_every_setting_can_be_saved_on_each_owner():
    for definition in SETTINGS:
        for owner in definition.owners:
            check_scope(definition, owner, SaveScope.SAVE)


# ---- consistency --------------------------------------------------------------------------------


def test_monitoring_disabled_forces_every_time_notification():
    values = {**default_values(Owner.GLOBAL), "monitoring_disabled": True, "monitoring_notify": "on_login"}
    assert check_consistency(Owner.GLOBAL, values)["monitoring_notify"] == "every_time"


@pytest.mark.parametrize(
    ("owner", "change", "field"),
    [
        ("channel", {"terms_enabled": True, "terms_text": "  "}, "terms_text"),
        ("tech_group", {"no_tech_action": "abort_redirect"}, "no_tech_abort_url"),
        ("channel", {"auto_transfer_enabled": True}, "auto_transfer_target_channel"),
    ],
)
def test_inconsistent_values(owner, change, field):
    with pytest.raises(InvalidInput) as err:
        check_consistency(owner, {**default_values(Owner(owner)), **change})
    assert err.value.field == field


def test_auto_transfer_to_itself_refused():
    values = {
        **default_values(Owner.CHANNEL),
        "auto_transfer_enabled": True,
        "auto_transfer_target_channel": 3,
    }
    check_consistency(Owner.CHANNEL, values, channel_number=4)
    with pytest.raises(InvalidInput, match="itself"):
        check_consistency(Owner.CHANNEL, values, channel_number=3)


# ---- Post-to-URL (part2 §14) --------------------------------------------------------------------


def test_post_to_url_is_a_tech_group_json_setting_and_hiding_its_urls_a_global_one():
    definition = SETTING_BY_KEY["post_to_url"]
    assert definition.owners == frozenset({Owner.TECH_GROUP}) and definition.kind == SettingKind.JSON
    assert definition.default == {"urls": {}, "format": "form", "omit_chat_text": False,
                                  "omit_chat_from_storage": False}
    hide = SETTING_BY_KEY["hide_post_session_urls"]
    assert hide.owners == frozenset({Owner.GLOBAL}) and hide.kind == SettingKind.BOOL and hide.default is False


def test_post_to_url_validates_through_the_domain_parser():
    saved = validate_setting("post_to_url", {"urls": {"end": " https://crm.example/end ", "every_start": ""},
                                             "format": "json"}, "tech_group")
    assert saved == {"urls": {"end": "https://crm.example/end"}, "format": "json", "omit_chat_text": False,
                     "omit_chat_from_storage": False}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"urls": {"sometimes": "https://crm.example/"}}, "unknown trigger 'sometimes'"),
        ({"format": "csv"}, "format must be form, xml or json"),
        ({"urls": {"end": "ftp://crm.example/"}}, "absolute http:// or https:// URL"),
        ({"omit_chat_text": "yes"}, "omit_chat_text must be true or false"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_post_to_url_refusals(raw, fragment):
    with pytest.raises(InvalidInput) as caught:
        validate_setting("post_to_url", raw, "tech_group")
    assert fragment in caught.value.message
    assert caught.value.field.startswith("post_to_url")


def test_post_to_url_is_not_a_channel_setting():
    with pytest.raises(InvalidInput):
        validate_setting("post_to_url", {}, "channel")
