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

// The section of session `s` for technician `me`, or null when it is not in my queue any more.
export function sectionOf(s, me, collaborating) {
  if (!OPEN.has(s.status)) return isMissed(s) ? "missed" : null;
  if (s.status === "transferring") {
    if (s.technician_id === me.id) return "incoming";
    if (s.previous_technician_id === me.id) return "outgoing";
  }
  if (s.technician_id === me.id) {
    return s.status === "waiting" || s.status === "connecting" ? "waiting" : "mine";
  }
  if (s.technician_id === null || s.technician_id === undefined) {
    if (s.status !== "waiting") return null;
    if (s.channel_id !== null && s.channel_id !== undefined) return "channel";
    if (s.tech_group_id === me.tech_group_id) return "group";
    return null;
  }
  return collaborating.has(s.id) ? "collaborating" : null;
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
