from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl
from xml.etree import ElementTree

import pytest

from lifeline.domain.post_to_url import (
    CONTENT_TYPES,
    FORM_FIELD_NAMES,
    RETRY_DELAYS_S,
    XML_FIELD_NAMES,
    ChatAuthor,
    ChatLine,
    ChatOptions,
    PostFormat,
    PostTrigger,
    SessionExport,
    build_form,
    build_json,
    build_payload,
    build_xml,
    check_post_url,
    export_values,
    is_retryable,
    next_retry_delay_s,
    redact_url,
    render_chat,
    retry_delays,
    triggers_for_transition,
)
from lifeline.domain.session_state import ALLOWED_TRANSITIONS, SessionStatus
from lifeline.errors import InvalidInput

S = SessionStatus
T0 = datetime(2026, 5, 4, 14, 5, 9, 123456, tzinfo=UTC)

SEED_XML = (
    "sessionid techid techssoid techname techemail techdescr cfield0 cfield1 cfield2 cfield3 cfield4 cfield5 "
    "tracking0 chatlog notes waitingtime pickuptime closingtime worktime lastactiontime transmitted platform "
    "tsurvey0 tsurvey1 tsurvey2 tsurvey3 tsurvey4 tsurvey5 tsurvey6 tsurvey7 tsurvey8 tsurvey9"
).split()
SEED_FORM = (
    "SessionID TechID TechSSOID TechName TechEmail TechDescr CField0 CField1 CField2 CField3 CField4 CField5 "
    "Tracking0 ChatLog Notes WaitingTime PickupTime ClosingTime WorkTime LastActionTime Transmitted Platform "
    "TSurvey0 TSurvey1 TSurvey2 TSurvey3 TSurvey4 TSurvey5 TSurvey6 TSurvey7 TSurvey8 TSurvey9"
).split()

CHAT = (
    ChatLine(T0, ChatAuthor.SYSTEM, "Connected to Applet (RSA 2048 bits, AES256-SHA 256 bits)"),
    ChatLine(T0 + timedelta(seconds=5), ChatAuthor.TECHNICIAN, "Hello", author_name="Technician 1"),
    ChatLine(T0 + timedelta(seconds=9), ChatAuthor.CUSTOMER, "Hi <there> & bye"),
    ChatLine(
        T0 + timedelta(hours=1),
        ChatAuthor.TECHNICIAN,
        "psst",
        author_name="Technician 2",
        technicians_only=True,
    ),
)

EXPORT = SessionExport(
    session_id=4711,
    tech_id=12,
    tech_sso_id="sso-12",
    tech_name="Ann Tech",
    tech_email="ann@example.com",
    tech_descr="Tier 2",
    cfields=("Bob Customer", "ACME"),
    tracking0="CRM-9",
    chat=CHAT,
    notes="Fixed the printer",
    waiting_time_s=42,
    pickup_time=T0,
    closing_time=T0 + timedelta(minutes=30),
    work_time_s=1500,
    last_action_time=datetime(2026, 5, 4, 16, 30, tzinfo=timezone(timedelta(hours=2))),
    transmitted_bytes=123456,
    platform="Windows",
    tsurvey=(3, "Printer driver"),
)


def test_field_names_are_exactly_the_seed():
    assert list(XML_FIELD_NAMES) == SEED_XML
    assert list(FORM_FIELD_NAMES) == SEED_FORM


def test_values_and_formats():
    values = export_values(EXPORT)
    assert list(values) == SEED_XML
    assert values["sessionid"] == 4711
    assert values["cfield0"] == "Bob Customer" and values["cfield2"] is None
    assert values["pickuptime"] == "2026-05-04T14:05:09Z"
    assert values["closingtime"] == "2026-05-04T14:35:09Z"
    assert values["lastactiontime"] == "2026-05-04T14:30:00Z"
    assert values["tsurvey0"] == 3 and values["tsurvey1"] == "Printer driver" and values["tsurvey9"] is None


def test_chat_rendering():
    assert render_chat(CHAT).splitlines() == [
        "02:05:09 PM Connected to Applet (RSA 2048 bits, AES256-SHA 256 bits)",
        "02:05:14 PM Technician 1: Hello",
        "02:05:18 PM Customer: Hi <there> & bye",
        "03:05:09 PM «Technician 2»: psst",
    ]


@pytest.mark.parametrize(
    "options",
    [ChatOptions(omit_chat_text=True), ChatOptions(omit_chat_from_storage=True), ChatOptions(True, True)],
)
def test_chat_omission_keeps_system_messages_only(options):
    assert (
        render_chat(CHAT, options) == "02:05:09 PM Connected to Applet (RSA 2048 bits, AES256-SHA 256 bits)"
    )
    assert not options.posts_chat_text


def test_storage_option():
    assert ChatOptions().stores_chat_text
    assert ChatOptions(omit_chat_text=True).stores_chat_text
    assert not ChatOptions(omit_chat_from_storage=True).stores_chat_text


def test_xml_payload():
    root = ElementTree.fromstring(build_xml(EXPORT))
    assert root.tag == "session"
    assert [child.tag for child in root] == SEED_XML
    assert root.findtext("sessionid") == "4711"
    assert root.findtext("cfield3") == ""
    assert "Hi <there> & bye" in root.findtext("chatlog")
    assert build_xml(EXPORT).startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_form_payload():
    pairs = parse_qsl(build_form(EXPORT).decode("ascii"), keep_blank_values=True)
    assert [k for k, _ in pairs] == SEED_FORM
    form = dict(pairs)
    assert form["SessionID"] == "4711"
    assert form["TechName"] == "Ann Tech"
    assert form["CField5"] == ""
    assert form["TSurvey0"] == "3"
    assert "«Technician 2»: psst" in form["ChatLog"]


def test_json_payload():
    data = json.loads(build_json(EXPORT))
    assert list(data) == SEED_XML
    assert data["sessionid"] == 4711 and data["transmitted"] == 123456
    assert data["cfield4"] is None


@pytest.mark.parametrize("fmt", list(PostFormat))
def test_build_payload_dispatch(fmt):
    body, content_type = build_payload(EXPORT, fmt, ChatOptions(omit_chat_text=True))
    assert content_type == CONTENT_TYPES[fmt]
    assert b"Hello" not in body
    assert b"Connected" in body and b"Applet" in body


def test_minimal_export():
    values = export_values(SessionExport(session_id=1))
    assert values["sessionid"] == 1 and values["chatlog"] == ""
    assert all(values[name] is None for name in SEED_XML if name not in ("sessionid", "chatlog"))


def test_export_validation():
    with pytest.raises(InvalidInput):
        SessionExport(session_id=1, cfields=("x",) * 7)
    with pytest.raises(InvalidInput):
        SessionExport(session_id=1, tsurvey=(1,) * 11)
    with pytest.raises(InvalidInput):
        SessionExport(session_id=1, pickup_time=datetime(2026, 1, 1))


# -- triggers ----------------------------------------------------------------------------------------

ALLOWED = [(o, n) for o, news in ALLOWED_TRANSITIONS.items() for n in sorted(news)]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
@pytest.mark.parametrize(("first", "to_tech"), list(itertools.product([True, False], repeat=2)))
def test_triggers_over_every_allowed_transition(old, new, first, to_tech):
    fired = triggers_for_transition(old, new, first_activation=first, to_technician=to_tech)
    expected = set()
    if new is S.ACTIVE:
        expected.add(PostTrigger.EVERY_START)
        if first:
            expected.add(PostTrigger.FIRST_START)
    if new is S.CLOSED:
        expected.add(PostTrigger.END)
    if new is S.ON_HOLD or (new is S.TRANSFERRING and to_tech):
        expected.add(PostTrigger.SUSPEND)
    assert fired == expected


def test_expiry_posts_nothing():
    assert triggers_for_transition(S.CONNECTING, S.EXPIRED, first_activation=True) == frozenset()


# -- URLs and retries -------------------------------------------------------------------------------


def test_post_url_validation_and_redaction():
    url = check_post_url(" https://user:s3cret@crm.example:8443/hook?x=1 ")
    assert url == "https://user:s3cret@crm.example:8443/hook?x=1"
    assert redact_url(url) == "https://user:***@crm.example:8443/hook?x=1"
    assert redact_url("https://crm.example/hook") == "https://crm.example/hook"
    for bad in ["ftp://crm.example/", "crm.example/hook", "https:///nohost"]:
        with pytest.raises(InvalidInput):
            check_post_url(bad)


def test_retry_schedule():
    assert retry_delays() == RETRY_DELAYS_S
    assert list(RETRY_DELAYS_S) == sorted(RETRY_DELAYS_S)
    assert [next_retry_delay_s(n) for n in range(1, len(RETRY_DELAYS_S) + 2)] == [*RETRY_DELAYS_S, None]
    with pytest.raises(InvalidInput):
        next_retry_delay_s(0)


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (500, True),
        (503, True),
        (429, True),
        (408, True),
        (200, False),
        (404, False),
        (400, False),
    ],
)
def test_retryable(status, retry):
    assert is_retryable(status) is retry
