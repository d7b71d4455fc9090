// Pure rules of the session list: which section a session belongs to, its clock, its colour.
// Mirrors lifeline/services/sessions/queue.py (visibility) and lifeline/domain/timeouts.py (alarms).

import { parseTime } from "/static/console/format.js";

export const SECTIONS = [
  { key: "incoming", title: "Incoming transfers" },
  { key: "mine", title: "My sessions" },
  { key: "waiting", title: "Waiting for me" },
  { key: "group", title: "Group queue" },
  { key: "channel", title: "Channel queue" },
  { key: "outgoing", title: "Outgoing transfers" },
  { key: "collaborating", title: "Collaborating" },
  { key: "missed", title: "Missed" },
];

const OPEN = new Set(["connecting", "waiting", "active", "on_hold", "transferring"]);

// How long a transfer into a channel or group queue counts as in flight (spec part1 §18: "the move
// itself can take up to 90 seconds more"): Outgoing in the queue it left, Incoming in the one it reached.
export const TRANSFER_IN_FLIGHT_MS = 90_000;

const isSet = (value) => value !== null && value !== undefined;

// The section of session `s` for technician `me`, or null when it is not in my queue any more.
// `transfer` is the last `session/transferred` event of the session (state.transferOf), if any.
export function sectionOf(s, me, collaborating, transfer = null, nowMs = Date.now()) {
  if (!OPEN.has(s.status)) return isMissed(s) ? "missed" : null;
  if (s.status === "transferring") {
    if (s.technician_id === me.id) return "incoming";
    if (s.previous_technician_id === me.id) return "outgoing";
  }
  if (s.technician_id === me.id) {
    return s.status === "waiting" || s.status === "connecting" ? "waiting" : "mine";
  }
  if (!isSet(s.technician_id)) {
    const queue = s.status === "waiting" ? queueOf(s, me) : null;
    const flying = inFlight(transfer, nowMs);
    if (queue) return flying ? "incoming" : queue;
    return flying && leftMyQueue(transfer, me) ? "outgoing" : null;
  }
  return collaborating.has(s.id) ? "collaborating" : null;
}

// "channel" or "group" when the unowned session waits in one of my queues (services/sessions/queue.py).
function queueOf(s, me) {
  if (isSet(s.channel_id)) return (me.channel_ids || []).includes(s.channel_id) ? "channel" : null;
  return s.tech_group_id === me.tech_group_id ? "group" : null;
}

function inFlight(transfer, nowMs) {
  if (!transfer || !transfer.to || transfer.to.kind === "technician") return false;
  const at = parseTime(transfer.at);
  return at !== null && nowMs - at < TRANSFER_IN_FLIGHT_MS;
}

// The transfer came out of my queue: I sent it, or it left one of my channels or my group's queue.
function leftMyQueue(transfer, me) {
  if (transfer.from_technician_id === me.id) return true;
  if (isSet(transfer.from_channel_id)) return (me.channel_ids || []).includes(transfer.from_channel_id);
  return isSet(transfer.from_tech_group_id) && transfer.from_tech_group_id === me.tech_group_id;
}

// Reached Waiting and ended without ever being picked up (domain/session_state.is_missed).
export function isMissed(s) {
  return s.status === "closed" && Boolean(s.waiting_at) && !s.picked_up_at;
}

// When the row's clock started: time in the current state.
export function clockStart(s) {
  switch (s.status) {
    case "waiting": return s.waiting_at || s.status_changed_at;
    case "active": case "on_hold": return s.picked_up_at || s.status_changed_at;
    case "connecting": return s.connecting_at || s.created_at;
    case "closed": return s.waiting_at || s.created_at;
    default: return s.status_changed_at;
  }
}

// The time-out settings that govern `s`: a channel session reads its channel's, a private one its group's.
export function timeoutsOf(s, config) {
  if (s.channel_id !== null && s.channel_id !== undefined) {
    const channel = config.channels[s.channel_id];
    return channel && channel.timeouts ? channel.timeouts : null;
  }
  return config.group_timeouts;
}

// When a waiting session will be dropped from the queue (ms since epoch), or null if never.
export function waitingDeadline(s, timeouts) {
  if (s.status !== "waiting" || !timeouts || !timeouts.waiting_timeout_min) return null;
  const since = parseTime(s.waiting_at);
  return since === null ? null : since + timeouts.waiting_timeout_min * 60_000;
}

// {expiring, color}: red during the last minute before the waiting time-out wins over alarms;
// otherwise the colour of the highest alarm of the row's kind whose threshold has passed.
export function rowColour(s, config, nowMs) {
  const timeouts = timeoutsOf(s, config);
  const deadline = waitingDeadline(s, timeouts);
  if (deadline !== null && nowMs >= deadline - config.red_before_removal_s * 1000 && nowMs < deadline + 90_000) {
    return { expiring: true, color: "red" };
  }
  const kind = s.status === "waiting" ? "waiting" : s.status === "connecting" ? "connecting" : null;
  if (!kind || !timeouts) return { expiring: false, color: null };
  const since = parseTime(kind === "waiting" ? s.waiting_at : s.connecting_at);
  if (since === null) return { expiring: false, color: null };
  const age = (nowMs - since) / 1000;
  let best = null;
  for (const alarm of timeouts.timeout_alarms || []) {
    if (alarm.kind === kind && age >= alarm.after_s && (!best || alarm.after_s > best.after_s)) best = alarm;
  }
  return { expiring: false, color: best ? best.color : null };
}
