"""Lifeline's live state as the real-time tables of spec api-reporting-realtime §4.5.

Row ids must be unique per table for the model's lifetime and fit in 64 bits.
Tables whose rows come from one Lifeline row use its id. The others encode
their origin in high bits so ids never collide and stay stable:

- `queue`: a Technician Group's queue has the group id; a technician's personal
  queue has `PERSONAL_QUEUE_BASE + technician id`.
- `representative_queue`: `MEMBER_ROW_BASE + technician id × 2^20 + group id`
  for group membership, `PERSONAL_ROW_BASE + technician id` for the personal queue.

A team queue is present while at least one of its members is signed in (§4.5
"present while active"). Lifeline has no skills or presentations: those
tables stay empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lifeline.api.realtime_protocol import Snapshot
from lifeline.domain.session_state import ClientKind, EntryMethod, SessionStatus
from lifeline.services.integration.directory import code_name, logged_in_since
from lifeline.services.integration.live_state import LiveCatalog, LivePeople, LiveSessions
from lifeline.store.sessions import SupportSession

PERSONAL_QUEUE_BASE = 1 << 40
PERSONAL_ROW_BASE = 1 << 42
MEMBER_ROW_BASE = 1 << 43
GROUP_ID_BITS = 20
DEFAULT_PRIORITY = 2  # medium
PUBLIC_SITE_ID = 1  # one public site: this installation
CONNECTED_STATUSES = frozenset({SessionStatus.WAITING.value, SessionStatus.ACTIVE.value, SessionStatus.ON_HOLD.value,
                                SessionStatus.TRANSFERRING.value})
KEY_METHODS = frozenset({EntryMethod.API_KEY.value, EntryMethod.PIN.value, EntryMethod.LINK.value,
                         EntryMethod.EMAIL.value, EntryMethod.SMS.value})
ISSUE_METHODS = frozenset({EntryMethod.CHANNEL_LINK.value, EntryMethod.CHANNEL_FORM.value,
                           EntryMethod.INSTANT_CHAT_FORM.value})
#: Tables whose rows all belong to one session; the others come from the people part.
SESSION_TABLES = ("customer_client", "representative_support_session", "support_session",
                  "support_session_attribute")

Row = dict[str, Any]
SessionRows = dict[str, dict[int, Row]]  # table → row id → row, for one session


def personal_queue_id(technician_id: int) -> int:
    return PERSONAL_QUEUE_BASE + technician_id


def _start_method(method: str) -> str:
    if method in KEY_METHODS:
        return "session_key"
    if method in ISSUE_METHODS:
        return "issue"
    return method


def _queue_of(s: SupportSession, catalog: LiveCatalog) -> tuple[int, int]:
    """(queue_id, primary_team_queue_id) of a session."""
    team = s.tech_group_id or 0
    if s.channel_id is not None and not team:
        team = (catalog.channel_groups.get(s.channel_id) or [0])[0]
    if s.technician_id is not None:
        return personal_queue_id(s.technician_id), team
    return team, team


def people_tables(people: LivePeople) -> dict[str, dict[int, Row]]:
    """`representative`, `queue` and `representative_queue`: who is signed in and the queues they make present."""
    reps: dict[int, Row] = {}
    queues: dict[int, Row] = {}
    rep_queues: dict[int, Row] = {}
    online_groups: set[int] = set()
    for t in people.technicians:
        since = logged_in_since(t.presence)
        status = t.presence.status
        pq = personal_queue_id(t.user.id)
        reps[t.user.id] = {
            "created_timestamp": since, "private_display_name": t.user.name, "public_display_name": t.public_name,
            "queue_id": pq, "routing_available": status == "available", "routing_busy": status == "busy",
            "routing_enabled": True, "routing_idle": status == "away", "skill_code_names": "",
            "type": "normal", "user_id": t.user.id, "username": t.user.email,
        }
        queues[pq] = {"created_timestamp": since, "name": t.user.name, "type": "personal"}
        rep_queues[PERSONAL_ROW_BASE + t.user.id] = {"created_timestamp": since, "queue_id": pq,
                                                     "representative_id": t.user.id, "role": "member"}
        if t.user.tech_group_id is not None:
            online_groups.add(t.user.tech_group_id)
            row_id = MEMBER_ROW_BASE + (t.user.id << GROUP_ID_BITS) + t.user.tech_group_id
            rep_queues[row_id] = {"created_timestamp": since, "queue_id": t.user.tech_group_id,
                                  "representative_id": t.user.id, "role": "member"}
    for g in people.groups:
        if g.id in online_groups:
            queues[g.id] = {"code_name": code_name(g.name), "created_timestamp": g.created_at, "name": g.name,
                            "support_team_id": str(g.id), "type": "team"}
    return {
        "queue": queues,
        "representative": reps,
        "representative_queue": {rid: row for rid, row in rep_queues.items() if row["queue_id"] in queues},
    }


def session_rows(live: LiveSessions, catalog: LiveCatalog, *, site_name: str) -> dict[int, SessionRows]:
    """Each open session's rows in the session tables, by session id.

    Kept per session so the hub can replace one session's rows after an event and reuse the
    others' row objects unchanged (which `TableDiffer` then skips by identity).
    """
    built: dict[int, SessionRows] = {}
    for s in live.sessions:
        queue_id, team_id = _queue_of(s, catalog)
        entered = s.waiting_at or s.created_at
        channel = catalog.channels.get(s.channel_id) if s.channel_id is not None else None
        rows: SessionRows = {table: {} for table in SESSION_TABLES}
        rows["support_session"][s.id] = {
            "created_timestamp": s.created_at, "customer_company": "", "customer_company_code": "",
            "customer_description": "", "customer_name": s.customer_name,
            "estimated_pickup_timestamp": entered, "issue_code_name": code_name(channel.name) if channel else "",
            "issue_description": channel.name if channel else "", "lsid": s.lsid,
            "primary_team_queue_id": team_id, "priority": live.priorities.get(s.id, DEFAULT_PRIORITY),
            "public_site_id": PUBLIC_SITE_ID, "public_site_name": site_name, "queue_entry_timestamp": entered,
            "queue_id": queue_id, "start_method": _start_method(s.method),
        }
        if s.status in CONNECTED_STATUSES:
            rows["customer_client"][s.id] = {
                "client_type": "web_chat" if s.client_kind == ClientKind.INSTANT_CHAT.value else "desktop",
                "created_timestamp": s.connecting_at or s.created_at, "elevated": False, "hostname": "",
                "operating_system": s.platform, "support_session_id": s.id,
            }
        built[s.id] = rows
    for p in live.participants:
        if p.user_id is not None and p.session_id in built:
            built[p.session_id]["representative_support_session"][p.id] = {
                "created_timestamp": p.joined_at or p.invited_at, "representative_id": p.user_id,
                "support_session_id": p.session_id}
    for a in live.attributes:
        if a.session_id in built:
            built[a.session_id]["support_session_attribute"][a.id] = {
                "code_name": a.code_name, "created_timestamp": a.created_at, "support_session_id": a.session_id,
                "value": a.value}
    return built


def assemble(people: dict[str, dict[int, Row]], sessions: Mapping[int, SessionRows]) -> Snapshot:
    """The whole model: the people tables plus every session's rows (row objects are shared, not copied)."""
    snapshot: dict[str, dict[int, Row]] = {**people, **{table: {} for table in SESSION_TABLES}}
    for rows in sessions.values():
        for table, table_rows in rows.items():
            snapshot[table].update(table_rows)
    return snapshot
