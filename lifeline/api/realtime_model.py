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

from typing import Any

from lifeline.api.realtime_protocol import Snapshot
from lifeline.domain.session_state import ClientKind, EntryMethod, SessionStatus
from lifeline.services.integration.directory import code_name, logged_in_since
from lifeline.services.integration.live_state import LiveState
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


def personal_queue_id(technician_id: int) -> int:
    return PERSONAL_QUEUE_BASE + technician_id


def _start_method(method: str) -> str:
    if method in KEY_METHODS:
        return "session_key"
    if method in ISSUE_METHODS:
        return "issue"
    return method


def _queue_of(s: SupportSession, state: LiveState) -> tuple[int, int]:
    """(queue_id, primary_team_queue_id) of a session."""
    team = s.tech_group_id or 0
    if s.channel_id is not None and not team:
        team = (state.channel_groups.get(s.channel_id) or [0])[0]
    if s.technician_id is not None:
        return personal_queue_id(s.technician_id), team
    return team, team


def build_snapshot(state: LiveState, *, site_name: str) -> Snapshot:
    reps: dict[int, dict[str, Any]] = {}
    queues: dict[int, dict[str, Any]] = {}
    rep_queues: dict[int, dict[str, Any]] = {}
    online_groups: set[int] = set()
    for t in state.technicians:
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
    for g in state.groups:
        if g.id in online_groups:
            queues[g.id] = {"code_name": code_name(g.name), "created_timestamp": g.created_at, "name": g.name,
                            "support_team_id": str(g.id), "type": "team"}
    rep_queues = {rid: row for rid, row in rep_queues.items() if row["queue_id"] in queues}
    sessions: dict[int, dict[str, Any]] = {}
    clients: dict[int, dict[str, Any]] = {}
    for s in state.sessions:
        queue_id, team_id = _queue_of(s, state)
        entered = s.waiting_at or s.created_at
        channel = state.channels.get(s.channel_id) if s.channel_id is not None else None
        sessions[s.id] = {
            "created_timestamp": s.created_at, "customer_company": "", "customer_company_code": "",
            "customer_description": "", "customer_name": s.customer_name,
            "estimated_pickup_timestamp": entered, "issue_code_name": code_name(channel.name) if channel else "",
            "issue_description": channel.name if channel else "", "lsid": s.lsid,
            "primary_team_queue_id": team_id, "priority": state.priorities.get(s.id, DEFAULT_PRIORITY),
            "public_site_id": PUBLIC_SITE_ID, "public_site_name": site_name, "queue_entry_timestamp": entered,
            "queue_id": queue_id, "start_method": _start_method(s.method),
        }
        if s.status in CONNECTED_STATUSES:
            clients[s.id] = {
                "client_type": "web_chat" if s.client_kind == ClientKind.INSTANT_CHAT.value else "desktop",
                "created_timestamp": s.connecting_at or s.created_at, "elevated": False, "hostname": "",
                "operating_system": s.platform, "support_session_id": s.id,
            }
    return {
        "customer_client": clients,
        "queue": queues,
        "representative": reps,
        "representative_queue": rep_queues,
        "representative_support_session": {
            p.id: {"created_timestamp": p.joined_at or p.invited_at, "representative_id": p.user_id,
                   "support_session_id": p.session_id}
            for p in state.participants if p.user_id is not None and p.session_id in sessions
        },
        "support_session": sessions,
        "support_session_attribute": {
            a.id: {"code_name": a.code_name, "created_timestamp": a.created_at, "support_session_id": a.session_id,
                   "value": a.value}
            for a in state.attributes if a.session_id in sessions
        },
    }
