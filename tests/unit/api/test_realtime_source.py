"""The hub's model source: which bus subjects make the next read incremental or full, and the
differ's identity shortcut it relies on (unchanged sessions share their row objects)."""

from __future__ import annotations

from lifeline.api import realtime_protocol as rt
from lifeline.api.realtime_model import assemble
from lifeline.api.realtime_source import ModelSource, touched_lsid

LSID = "c69a8e10bea9428f816cfababe9815fe"


def test_session_and_attribute_subjects_name_the_session_they_touched() -> None:
    assert touched_lsid(f"session.{LSID}") == LSID
    assert touched_lsid(f"api.session.{LSID}") == LSID
    assert touched_lsid("technician.7") is None and touched_lsid("org") is None


def test_session_events_are_noted_and_organization_events_force_a_full_read() -> None:
    source = ModelSource(site_name="support.example.com")
    source.full = False
    source.note(f"session.{LSID}")
    source.note("technician.3")
    source.note("presence")
    assert source.touched == {LSID} and source.full is False
    source.note("org")
    assert source.full is True
    source.full = False
    source.note("api.accounts")
    assert source.full is True


def _session_row(lsid: str, name: str) -> dict[str, object]:
    return {"customer_name": name, "lsid": lsid, "queue_id": 1, "priority": 2}


def test_shared_row_objects_are_skipped_and_replaced_rows_still_diffed() -> None:
    kept = {"support_session": {1: _session_row("a" * 32, "Ann")}}
    before = assemble({}, {1: kept, 2: {"support_session": {2: _session_row("b" * 32, "Bob")}}})
    after = assemble({}, {1: kept, 2: {"support_session": {2: _session_row("b" * 32, "Bea")}},
                          3: {"support_session": {3: _session_row("c" * 32, "Cy")}}})
    (message,) = rt.TableDiffer(("support_session",)).diff(before, after)
    assert message["update"] == {"support_session": {"2": {"customer_name": "Bea"}}}
    assert list(message["insert"]["support_session"]) == ["3"]
    assert "delete" not in message or message["delete"] == {}
    assert rt.TableDiffer(("support_session",)).diff(after, after) == []
