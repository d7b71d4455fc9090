// The one place server events change the console (STYLE.md practice 9, after Zulip's
// server_events_dispatch.js). Every event type of lifeline/protocol/session_events.py has a
// handler here; each updates `state` and announces which views must redraw. Unknown types are
// ignored so an older console survives a newer server.

import { TRANSFER_IN_FLIGHT_MS } from "/static/console/queue_model.js";
import { detail, notify, state, transferOf, upsertSession } from "/static/console/state.js";

// How long a typing indicator lives without a fresh "start" (the sender repeats while typing).
const TYPING_TTL_MS = 6000;

function rememberEvent(event) {
  if (typeof event.id === "number") detail(event.session_id).events.set(event.id, event);
  if (event.actor && event.actor.kind === "technician" && event.actor.id) {
    state.names.technician[event.actor.id] = event.actor.name;
  }
  if (event.type === "participant" && event.user_id) state.names.technician[event.user_id] = event.name;
}

const HANDLERS = {
  session(event) {
    const before = state.sessions.get(event.session_id);
    upsertSession(event.session);
    rememberEvent(event);
    if (event.op === "transferred") {
      detail(event.session_id).transfer = transferOf(event);
      // The row leaves Outgoing / Incoming when the in-flight window ends (queue_model.sectionOf).
      setTimeout(() => notify("queue"), TRANSFER_IN_FLIGHT_MS);
    }
    if (event.op === "status" && event.status === "closed" && before && before.status !== "closed") {
      notify("closed", event.session_id);
    }
    notify("queue");
    notify(`session:${event.session_id}`);
  },

  participant(event) {
    rememberEvent(event);
    if (event.user_id === state.me.id) {
      if (event.op === "left") state.collaborating.delete(event.session_id);
      else if (event.role === "collaborator") state.collaborating.add(event.session_id);
      notify("queue");
    }
    const d = detail(event.session_id);
    d.participants = d.participants.filter((p) => p.id !== event.participant_id);
    d.participants.push({ id: event.participant_id, role: event.role, user_id: event.user_id, name: event.name,
      state: event.op });
    notify(`session:${event.session_id}`);
  },

  chat(event) {
    rememberEvent(event);
    if (event.session) { // the first line of a session carries the summary (it sets first_chat_at)
      upsertSession(event.session);
      notify("queue");
    }
    const d = detail(event.session_id);
    d.typing.delete(typingKey(event.actor));
    if (state.active !== event.session_id && !(event.actor.kind === "technician" && event.actor.id === state.me.id)) {
      d.unread += 1;
      notify("tabs");
    }
    notify(`chat:${event.session_id}`);
  },

  note(event) {
    rememberEvent(event);
    notify(`notes:${event.session_id}`);
  },

  survey(event) {
    rememberEvent(event);
    if (event.kind === "technician" && event.actor.id === state.me.id) detail(event.session_id).surveyDone = true;
    notify(`session:${event.session_id}`);
  },

  typing(event) {
    if (event.actor.kind === "technician" && event.actor.id === state.me.id) return;
    const d = detail(event.session_id);
    const key = typingKey(event.actor);
    if (event.op === "start") d.typing.set(key, { name: event.actor.name, until: Date.now() + TYPING_TTL_MS });
    else d.typing.delete(key);
    notify(`typing:${event.session_id}`);
  },

  presence(event) {
    if (event.technician_id !== state.me.id) return;
    state.presence = { status: event.status, chosen_status: event.chosen_status };
    notify("presence");
  },
};

function typingKey(actor) {
  return `${actor.kind}:${actor.id ?? actor.name}`;
}

export function dispatch(event) {
  const handler = HANDLERS[event.type];
  if (handler) handler(event);
}

// A fresh registration (first connect, or after resync): replace everything the state message covers.
export function applyRegistration(registered) {
  state.me = registered.technician;
  state.presence = registered.presence;
  state.permissions = Object.fromEntries(
    Object.entries(registered.permissions).map(([key, allowed]) => [key, { allowed }]));
  state.hidden = new Set(registered.hidden_features);
  const keep = new Map();
  for (const [id, s] of state.sessions) {
    if (state.open.includes(id)) keep.set(id, s); // an open tab keeps its last known summary
  }
  state.sessions = keep;
  state.collaborating.clear();
  for (const s of registered.queue) {
    upsertSession(s);
    const owner = s.technician_id;
    const outgoing = s.status === "transferring" && s.previous_technician_id === state.me.id;
    if (owner !== null && owner !== state.me.id && !outgoing) state.collaborating.add(s.id);
  }
  for (const id of state.open) detail(id).loaded = false; // refetch history: events may have been missed
  notify("registered");
  notify("presence");
  notify("queue");
  notify("tabs");
}
