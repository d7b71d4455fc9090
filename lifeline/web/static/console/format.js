// Small formatting helpers shared by the console, the customer pages and the Sessions tab.

import { h } from "/static/lib/api.js";

export function parseTime(value) {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

// "4:05" or "1:02:03" for a number of whole seconds.
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mins = Math.floor((s % 3600) / 60);
  const secs = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(mins).padStart(2, "0")}:${secs}` : `${mins}:${secs}`;
}

export function since(value, now = Date.now()) {
  const t = parseTime(value);
  return t === null ? "" : duration((now - t) / 1000);
}

export function clock(value) {
  const t = parseTime(value);
  return t === null ? "" : new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function dateTime(value) {
  const t = parseTime(value);
  return t === null ? "" : new Date(t).toLocaleString();
}

// Human words for the session statuses of domain/session_state.py.
export const STATUS_LABELS = {
  connecting: "Connecting",
  waiting: "Waiting",
  active: "Active",
  on_hold: "On Hold",
  transferring: "Transferring",
  closed: "Closed",
  expired: "Expired",
};

export const statusLabel = (status) => STATUS_LABELS[status] || status || "";

// Chat text with http(s)/ftp URLs turned into links that open in a new tab; never innerHTML.
const URL_RE = /\b((?:https?|ftp):\/\/[^\s<>"']+)/gi;

export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of String(text).matchAll(URL_RE)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(h("a", { href: match[0], target: "_blank", rel: "noopener noreferrer" }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
