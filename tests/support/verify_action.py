"""`verify_action`: an action's live events are valid, complete and enough to keep a console current.

STYLE.md practice 10, after Zulip's `BaseAction.verify_action`:

1. register on /ws/console and take the initial state (plus the detail of the session under test);
2. run the action;
3. capture the events delivered over the websocket until the expected (type, op) pairs have arrived;
4. validate each against its typed model (`lifeline.protocol.session_events.validate_event`);
5. apply them to the old state, the way a console does;
6. refetch the state over HTTP and assert it equals the applied one; fail if nothing changed.

How events apply: an event that carries `session` (a `SessionSummary`) replaces that session's queue row,
inserts it, or removes it, by the queue's membership rule (open status; owned by the technician, an outgoing
transfer of theirs, or unowned in their group's queue or one of their channels'); presence events set the
presence status; every stored event of the watched session is appended to its history, a note also extends
its notes. Session
participants are not compared: taking ownership adds an owner row without an event of its own.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from typing import Any

from lifeline.protocol.session_events import validate_event
from tests.support.sessions import Tech, receive_until

OPEN = {"connecting", "waiting", "active", "on_hold", "transferring"}
COMPARED_STATE_KEYS = ("technician", "presence", "permissions", "hidden_features", "queue")
COMPARED_DETAIL_KEYS = ("session", "notes", "events")


def _in_queue(row: dict[str, Any], me: dict[str, Any]) -> bool:
    if row["status"] not in OPEN:
        return False
    if row["technician_id"] == me["id"]:
        return True
    if row["previous_technician_id"] == me["id"] and row["status"] == "transferring":
        return True
    if row["technician_id"] is not None:
        return False
    if row["channel_id"] is not None:
        return row["channel_id"] in me["channel_ids"]
    return row["tech_group_id"] == me["tech_group_id"]


def apply_events(state: dict[str, Any], detail: dict[str, Any] | None,
                 events: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The console's view after `events`, computed from the view before them."""
    state, detail = copy.deepcopy(state), copy.deepcopy(detail)
    me = state["technician"]
    for event in events:
        if event["type"] == "presence" and event["technician_id"] == me["id"]:
            state["presence"] = {"status": event["status"], "chosen_status": event["chosen_status"]}
        summary = event.get("session")
        if summary is not None:
            queue = [row for row in state["queue"] if row["lsid"] != summary["lsid"]]
            if _in_queue(summary, me):
                queue.append(summary)
            state["queue"] = sorted(queue, key=lambda row: (row["created_at"], row["id"]))
        if detail is not None and event.get("lsid") == detail["session"]["lsid"] and event["id"] is not None:
            detail["events"].append(event)
            if summary is not None:
                detail["session"] = summary
            if event["type"] == "note":
                detail["notes"] = f"{detail['notes']}\n{event['text']}" if detail["notes"] else event["text"]
    return state, detail


def _compared(state: dict[str, Any], detail: dict[str, Any] | None) -> dict[str, Any]:
    view = {key: state[key] for key in COMPARED_STATE_KEYS}
    if detail is not None:
        view["detail"] = {key: detail[key] for key in COMPARED_DETAIL_KEYS}
    return view


def _difference(applied: dict[str, Any], fetched: dict[str, Any]) -> str:
    parts = [f"{key}:\n  applied {applied[key]!r}\n  fetched {fetched[key]!r}"
             for key in applied if applied[key] != fetched.get(key)]
    return "applying the events does not give the fetched state:\n" + "\n".join(parts)


def verify_action(tech: Tech, action: Callable[[], object], *, expect: Sequence[tuple[str, str]],
                  lsid: str | None = None) -> list[dict[str, Any]]:
    """Run `action` as seen by `tech`'s console; returns the events it delivered (in order).

    `expect` lists the (type, op) pairs the action must deliver, in order; `lsid` names a session whose
    history and notes are compared too (chat and notes do not change the queue).
    """
    with tech.ws() as ws:
        ws.send(json.dumps({"op": "register"}))
        opening, _ = receive_until(ws, lambda m: m["type"] == "state", "the console state")
        before, cursor = opening["state"], opening["last_event_id"]
        detail_before = tech.get(f"/api/console/sessions/{lsid}") if lsid else None
        action()
        events: list[dict[str, Any]] = []
        for type_, op in expect:
            message, skipped = receive_until(
                ws, lambda m, t=type_, o=op: m["type"] == "event" and (m["event"]["type"], m["event"]["op"]) == (t, o),
                f"the {type_}/{op} event")
            events += [m["event"] for m in skipped if m["type"] == "event"] + [message["event"]]
    for event in events:
        validate_event(event)  # raises pydantic.ValidationError naming the bad field
        assert event["id"] is None or event["id"] > cursor, f"an event from before the state: {event}"
    applied, applied_detail = apply_events(before, detail_before, events)
    after = tech.get("/api/console/state")
    detail_after = tech.get(f"/api/console/sessions/{lsid}") if lsid else None
    assert _compared(applied, applied_detail) != _compared(before, detail_before), "the action changed nothing"
    expected, actual = _compared(applied, applied_detail), _compared(after, detail_after)
    assert expected == actual, _difference(expected, actual)
    return events
