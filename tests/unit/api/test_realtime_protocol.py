"""Real-time state API wire protocol: subprotocol, framing, messages, order, catalog and the differ."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lifeline.api import realtime_protocol as rt

# -- subprotocol ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["ingredi state api", "ingredi%20state%20api"])
def test_both_subprotocol_spellings_are_echoed_verbatim(spelling: str) -> None:
    assert rt.select_subprotocol([spelling]) == spelling
    assert rt.select_subprotocol(["chat", spelling]) == spelling


def test_other_subprotocols_are_refused() -> None:
    for offered in ([], ["ingredi"], ["Ingredi State API"], ["ingredi+state+api"]):
        assert rt.select_subprotocol(offered) is None


def test_raw_header_splits_on_commas_only() -> None:
    assert rt.parse_subprotocol_header("ingredi state api") == ["ingredi state api"]
    assert rt.parse_subprotocol_header(" chat , ingredi%20state%20api ") == ["chat", "ingredi%20state%20api"]
    assert rt.parse_subprotocol_header(None) == []


# -- framing ----------------------------------------------------------------------------------------------


def test_messages_are_compact_json_with_one_trailing_newline() -> None:
    data = rt.encode_message({"type": "model_update", "insert": {"queue": {"1": {"name": "a\nb"}}}})
    assert data == b'{"type":"model_update","insert":{"queue":{"1":{"name":"a\\nb"}}}}\n'
    assert data.count(b"\n") == 1


def test_large_messages_split_and_only_the_last_frame_ends_the_message() -> None:
    data = rt.encode_message({"type": "model_update", "insert": {"queue": {"1": {"name": "x" * 100}}}})
    frames = rt.split_frames(data, 16)
    assert b"".join(frames) == data and all(len(f) <= 16 for f in frames)
    assert [f.endswith(b"\n") for f in frames] == [False] * (len(frames) - 1) + [True]
    buffer = rt.MessageBuffer()
    received = [line for frame in frames for line in buffer.feed(frame)]
    assert [json.loads(line) for line in received] == [json.loads(data)]


def test_buffer_splits_two_messages_in_one_frame_and_keeps_partial_input() -> None:
    buffer = rt.MessageBuffer()
    assert buffer.feed('{"type":"authenticate","credentials":{"bearer_token":"T"}}\n{"type":"sub') == [
        '{"type":"authenticate","credentials":{"bearer_token":"T"}}'
    ]
    assert buffer.pending_bytes > 0
    assert buffer.feed('scribe","tables":"all"}\n') == ['{"type":"subscribe","tables":"all"}']
    assert buffer.pending_bytes == 0
    assert buffer.feed("\n\n") == []


def test_buffer_refuses_endless_or_invalid_input() -> None:
    with pytest.raises(rt.ProtocolViolation):
        rt.MessageBuffer(max_message_bytes=8).feed("x" * 9)
    with pytest.raises(rt.ProtocolViolation):
        rt.MessageBuffer().feed(b"\xff\n")


# -- client messages and order ----------------------------------------------------------------------------


def test_parse_client_messages() -> None:
    assert rt.parse_client_message(
        '{"type":"authenticate","credentials":{"bearer_token":"T"}}'
    ) == rt.Authenticate("T")
    legacy = '{"type":"authenticate","credentials":{"username":"u","password":"p"}}'
    assert rt.parse_client_message(legacy) == rt.Authenticate(None)  # answered as a failed login
    assert rt.parse_client_message('{"type":"subscribe","tables":["queue"]}') == rt.Subscribe(["queue"])
    for bad in ("nope", "[1]", '{"type":"hello"}', '{"type":"subscribe"}'):
        with pytest.raises(rt.ProtocolViolation):
            rt.parse_client_message(bad)


def test_phases_are_serial() -> None:
    rt.check_message_order(rt.RealtimeState.CONNECTED, rt.Authenticate("T"))
    rt.check_message_order(rt.RealtimeState.AUTHENTICATED, rt.Subscribe("all"))
    rt.check_message_order(rt.RealtimeState.STREAMING, rt.Authenticate("T"))  # ignored, not refused
    with pytest.raises(rt.ProtocolViolation, match="expected authenticate"):
        rt.check_message_order(rt.RealtimeState.CONNECTED, rt.Subscribe("all"))
    with pytest.raises(rt.ProtocolViolation, match="expected subscribe"):
        rt.check_message_order(rt.RealtimeState.AUTHENTICATED, rt.Authenticate("T"))
    with pytest.raises(rt.ProtocolViolation):
        rt.check_message_order(rt.RealtimeState.CLOSED, rt.Authenticate("T"))


def test_resolve_tables() -> None:
    assert rt.resolve_tables("all") == tuple(rt.REALTIME_TABLES)
    assert rt.resolve_tables(["support_session", "queue", "queue"]) == ("queue", "support_session")
    cases = {
        rt.REASON_NO_TABLES: [],
        rt.REASON_BAD_TABLES: "queue",
        "Unknown table: representative_support_session_tool": ["representative_support_session_tool"],
    }
    for reason, tables in cases.items():
        with pytest.raises(rt.SubscriptionRejected) as caught:
            rt.resolve_tables(tables)
        assert caught.value.reason == reason
    with pytest.raises(rt.SubscriptionRejected):
        rt.resolve_tables([1])


# -- server messages --------------------------------------------------------------------------------------


def test_server_message_shapes() -> None:
    assert rt.authenticate_response(True) == {"type": "authenticate_response", "success": True}
    assert rt.authenticate_response(False, rt.REASON_INVALID_TOKEN)["reason"] == "Invalid or expired token"
    assert rt.subscribe_response(1475308800, True) == {
        "type": "subscribe_response", "timestamp": 1475308800, "success": True,
    }  # fmt: skip
    failed = rt.subscribe_response(1, False, rt.REASON_TOO_MANY_INTEGRATIONS)
    assert failed["timestamp"] == 1 and failed["success"] is False
    assert rt.truncate_model() == {"type": "truncate_model"}
    assert rt.model_update(delete={"queue": ["3"]}) == {"type": "model_update", "delete": {"queue": ["3"]}}
    with pytest.raises(ValueError):
        rt.authenticate_response(False)
    with pytest.raises(ValueError):
        rt.subscribe_response(1, False)
    with pytest.raises(ValueError):
        rt.model_update({}, {}, {})


# -- catalog ----------------------------------------------------------------------------------------------


def test_catalog_has_the_eleven_real_time_tables() -> None:
    assert list(rt.REALTIME_TABLES) == [
        "customer_client", "queue", "representative", "representative_queue",
        "representative_support_session", "support_session", "support_session_attribute",
        "support_session_skill", "presentation_session", "attendee", "presenter",
    ]  # fmt: skip
    assert rt.REALTIME_TABLES["queue"]["support_team_id"] is rt.ColumnType.STRING
    assert rt.REALTIME_TABLES["representative"]["routing_busy"] is rt.ColumnType.BOOLEAN
    assert len(rt.REALTIME_TABLES["support_session"]) == 16
    assert all("created_timestamp" in columns for columns in rt.REALTIME_TABLES.values())


def test_rows_are_type_checked_and_timestamps_become_unix_seconds() -> None:
    row = {
        "created_timestamp": datetime(2016, 10, 1, 8, tzinfo=UTC),
        "name": "Tier 1",
        "type": "team",
    }
    assert rt.encode_row("queue", row) == {"created_timestamp": 1475308800, "name": "Tier 1", "type": "team"}
    for table, bad in (
        ("queue", {"nope": 1}),
        ("representative", {"routing_busy": 1}),
        ("representative", {"user_id": True}),
        ("representative", {"username": 5}),
        ("nope", {}),
    ):
        with pytest.raises((KeyError, TypeError)):
            rt.encode_row(table, bad)
    assert rt.encode_row_id(rt.MAX_ROW_ID) == "18446744073709551615"
    for bad_id in (-1, rt.MAX_ROW_ID + 1, True):
        with pytest.raises(ValueError):
            rt.encode_row_id(bad_id)


# -- the differ -------------------------------------------------------------------------------------------

TEAM = {
    "created_timestamp": 10,
    "name": "Tier 1",
    "code_name": "tier1",
    "support_team_id": "4",
    "type": "team",
}
REP = {"created_timestamp": 11, "username": "ann", "routing_idle": False, "routing_busy": False, "user_id": 7}


def test_full_copy_is_inserts_only_and_nothing_for_an_empty_model() -> None:
    differ = rt.TableDiffer()
    assert differ.full_copy({}) == []
    assert differ.full_copy({"queue": {}}) == []
    assert differ.full_copy({"queue": {3: TEAM}, "representative": {1: REP}}) == [
        {"type": "model_update", "insert": {"queue": {"3": TEAM}, "representative": {"1": REP}}}
    ]


def test_updates_carry_only_changed_columns() -> None:
    differ = rt.TableDiffer()
    busy = REP | {"routing_busy": True}
    assert differ.diff({"representative": {1: REP}}, {"representative": {1: busy}}) == [
        {"type": "model_update", "update": {"representative": {"1": {"routing_busy": True}}}}
    ]
    assert differ.diff({"representative": {1: REP}}, {"representative": {1: dict(REP)}}) == []


def test_inserts_updates_and_deletes_in_one_message_in_stable_order() -> None:
    differ = rt.TableDiffer()
    before = {"queue": {3: TEAM, 9: TEAM | {"name": "Old"}}, "representative": {1: REP}}
    after = {"queue": {3: TEAM | {"name": "Tier One"}, 12: TEAM, 10: TEAM}, "representative": {}}
    [message] = differ.diff(before, after)
    assert message == {
        "type": "model_update",
        "insert": {"queue": {"10": TEAM, "12": TEAM}},
        "update": {"queue": {"3": {"name": "Tier One"}}},
        "delete": {"queue": ["9"], "representative": ["1"]},
    }
    assert list(message["insert"]["queue"]) == ["10", "12"]  # ascending ids, not insertion order
    assert rt.encode_message(message) == rt.encode_message(differ.diff(before, after)[0])


def test_only_subscribed_tables_are_sent() -> None:
    differ = rt.TableDiffer(rt.resolve_tables(["representative"]))
    assert differ.diff({}, {"queue": {3: TEAM}}) == []
    assert differ.full_copy({"queue": {3: TEAM}, "representative": {1: REP}}) == [
        {"type": "model_update", "insert": {"representative": {"1": REP}}}
    ]
    with pytest.raises(KeyError):
        rt.TableDiffer(("nope",))


def test_reset_truncates_then_sends_the_new_full_copy() -> None:
    differ = rt.TableDiffer()
    assert differ.reset({}) == [{"type": "truncate_model"}]
    assert differ.reset({"queue": {1: TEAM}}) == [
        {"type": "truncate_model"},
        {"type": "model_update", "insert": {"queue": {"1": TEAM}}},
    ]


def test_datetime_and_int_timestamps_compare_equal() -> None:
    differ = rt.TableDiffer()
    as_datetime = TEAM | {"created_timestamp": datetime.fromtimestamp(10, UTC)}
    assert differ.diff({"queue": {3: TEAM}}, {"queue": {3: as_datetime}}) == []
