// The console's model of the world: what the server told us at registration, kept current by
// dispatch.js. Views never fetch on their own to learn about changes; they subscribe here.

export const state = {
  me: null,              // {id, name, email, tech_group_id, channel_ids}: channel_ids = my channel queues
  presence: { status: "offline", chosen_status: "available" },
  permissions: {},       // permission key -> {allowed, option, targets}
  hidden: new Set(),     // ConsoleFeature values to hide (domain/permissions.hidden_console_features)
  settings: {},          // the group's console-relevant settings (alarms, connection methods, fields…)
  labels: {},            // custom field labels {name, custom_field_1..5}
  names: { technician: {}, tech_group: {} }, // id -> name, learnt from events and the transfer dialog
  sessions: new Map(),   // session id -> SessionSummary (protocol/session_events.py)
  details: new Map(),    // session id -> per-session extras (see detail())
  collaborating: new Set(), // session ids I was invited into (participant events)
  open: [],              // session ids with a workspace tab, in tab order
  active: null,          // session id of the visible tab
  lastEventId: null,
  clockSkewMs: 0,        // server time minus browser time, for waiting clocks and alarms
};

const listeners = new Map(); // topic -> Set(fn)

export function subscribe(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function notify(topic, payload) {
  for (const fn of listeners.get(topic) || []) fn(payload);
}

// Extras the summary does not carry. `events` holds the session's stored events by id (history
// fetched when a tab opens, plus live ones), so the two never duplicate or reorder each other.
export function detail(id) {
  if (!state.details.has(id)) {
    state.details.set(id, {
      loaded: false, events: new Map(), participants: [], typing: new Map(),
      transfer: null, unread: 0, surveyDone: false,
    });
  }
  return state.details.get(id);
}

export function eventsOf(id, type) {
  return [...detail(id).events.values()].filter((e) => !type || e.type === type).sort((a, b) => a.id - b.id);
}

export const can = (key) => Boolean(state.permissions[key] && state.permissions[key].allowed);
export const isHidden = (feature) => state.hidden.has(feature);
export const now = () => Date.now() + state.clockSkewMs;

// What the console keeps of a `session/transferred` event: the banner, the comment in the queue
// row, and where the session came from (Outgoing / Incoming while the transfer is in flight).
export function transferOf(event) {
  return {
    to: event.to, comment: event.comment, auto: event.auto, at: event.at, by: event.actor,
    from_technician_id: event.from_technician_id, from_channel_id: event.from_channel_id,
    from_tech_group_id: event.from_tech_group_id,
  };
}

export function upsertSession(summary) {
  if (!summary) return;
  state.sessions.set(summary.id, summary);
}

export function openTab(id) {
  if (!state.open.includes(id)) state.open.push(id);
  state.active = id;
  detail(id).unread = 0;
  notify("tabs");
}

export function closeTab(id) {
  state.open = state.open.filter((x) => x !== id);
  if (state.active === id) state.active = state.open[state.open.length - 1] ?? null;
  notify("tabs");
}
