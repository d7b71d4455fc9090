// The session list (left pane): sections, live clocks, alarm colours, Pick up.

import { h } from "/static/lib/api.js";
import { clock, duration, parseTime, statusLabel } from "/static/console/format.js";
import { SECTIONS, clockStart, rowColour, sectionOf } from "/static/console/queue_model.js";
import { detail, now, notify, state, subscribe } from "/static/console/state.js";

const TICK_MS = 1000;

let root;
let config;
const rows = new Map(); // session id -> {el, session}
const dismissed = new Set(); // missed sessions the technician has acknowledged

export function initQueue(container, consoleConfig, actions) {
  root = container;
  config = consoleConfig;
  subscribe("queue", () => render(actions));
  subscribe("tabs", () => markSelected());
  setInterval(tick, TICK_MS);
}

function queueLabel(s) {
  if (s.channel_id !== null && s.channel_id !== undefined) {
    const channel = config.channels[s.channel_id];
    return channel ? channel.name : `Channel #${s.channel_id}`;
  }
  return s.kind === "private" ? "Private" : "Group";
}

function label(s) {
  return s.customer_name || (s.pin_code ? `PIN ${s.pin_code}` : "Customer");
}

// Custom fields as extra columns of the session list (part2 §5): the filled ones, with their names.
function customFields(s) {
  return Object.entries(s.custom_fields || {}).filter(([, value]) => value)
    .map(([index, value]) => h("span", { class: "tc-row-field", dataset: { field: index } },
      `${config.labels[Number(index)] || `Field ${index}`}: ${value}`));
}

function transferNote(s) {
  const last = detail(s.id).transfer;
  if (!last) return null;
  return last.comment ? `“${last.comment}”` : null;
}

function rowFor(s, section, actions) {
  const pickable = ["waiting", "group", "channel", "incoming"].includes(section) &&
    (s.status === "waiting" || s.status === "transferring");
  const el = h("div", {
    class: "tc-row", role: "row", tabindex: "0", dataset: { sessionId: String(s.id), lsid: s.lsid, section },
    onclick: () => actions.open(s.id),
    onkeydown: (event) => { if (event.key === "Enter") actions.open(s.id); },
  },
  h("span", { class: "tc-row-name" }, label(s)),
  h("span", { class: "tc-row-time" }),
  h("span", { class: "tc-row-meta" },
    h("span", { class: "tc-badge", "data-status": s.status }, section === "missed" ? "Missed" : statusLabel(s.status)),
    h("span", {}, queueLabel(s)),
    s.status === "connecting" && s.pin_code ? h("span", {}, `PIN ${s.pin_code}`) : null,
    section === "incoming" || section === "outgoing" ? h("span", {}, transferNote(s)) : null,
    section === "missed" ? h("span", {}, `waited from ${clock(s.waiting_at)}`) : null,
    ...customFields(s)),
  pickable || section === "missed" ? h("span", { class: "tc-row-actions" },
    pickable ? h("button", {
      type: "button", class: "tc-button tc-button-small tc-button-primary",
      onclick: (event) => { event.stopPropagation(); actions.pickUp(s.id); },
    }, "Pick up") : null,
    section === "missed" ? h("button", {
      type: "button", class: "tc-button tc-button-small",
      onclick: (event) => { event.stopPropagation(); dismissed.add(s.id); notify("queue"); },
    }, "Dismiss") : null) : null);
  return el;
}

function render(actions) {
  const groups = new Map(SECTIONS.map((section) => [section.key, []]));
  for (const s of state.sessions.values()) {
    const section = sectionOf(s, state.me, state.collaborating, detail(s.id).transfer, now());
    if (section && !(section === "missed" && dismissed.has(s.id))) groups.get(section).push(s);
  }
  rows.clear();
  const parts = [];
  let total = 0;
  for (const { key, title } of SECTIONS) {
    const list = groups.get(key);
    if (!list.length) continue;
    total += key === "missed" || key === "outgoing" ? 0 : list.length;
    list.sort((a, b) => (parseTime(clockStart(a)) ?? 0) - (parseTime(clockStart(b)) ?? 0));
    parts.push(h("div", { class: "tc-queue-section", dataset: { section: key } }, title));
    for (const s of list) {
      const el = rowFor(s, key, actions);
      rows.set(s.id, { el, session: s });
      parts.push(el);
    }
  }
  if (!parts.length) parts.push(h("p", { class: "tc-queue-empty" }, "No sessions in your queue."));
  root.replaceChildren(...parts);
  document.getElementById("tc-queue-count").textContent = total ? `${total} open` : "";
  markSelected();
  tick();
}

function markSelected() {
  for (const [id, { el }] of rows) el.classList.toggle("is-selected", id === state.active);
}

function tick() {
  const t = now();
  for (const { el, session } of rows.values()) {
    const start = parseTime(clockStart(session));
    el.querySelector(".tc-row-time").textContent = start === null ? "" : duration((t - start) / 1000);
    const { expiring, color } = rowColour(session, config, t);
    el.classList.toggle("is-expiring", expiring);
    if (color && !expiring) el.dataset.alarm = color;
    else delete el.dataset.alarm;
  }
}
