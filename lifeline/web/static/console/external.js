// The page behind an external technician's one-time invitation (part2 §10): redeem the link once
// (a POST, so a mail scanner fetching the link cannot spend it), then follow the session's chat
// and take part in it over /ws/external/{lsid} (chat, status and participants; never notes). The
// access token stays in this tab's sessionStorage, so a reload keeps the session.

import { ApiError, h, post } from "/static/lib/api.js";
import { clock, linkify, statusLabel } from "/static/console/format.js";
import { LiveSocket } from "/static/console/socket.js";

const root = document.getElementById("ext-root");
const inviteToken = root.dataset.token;
const storeKey = `lifeline.external.${inviteToken}`;

async function call(method, path, access, body) {
  const headers = { "Accept": "application/json", "X-External-Token": access };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

async function joined() {
  const saved = sessionStorage.getItem(storeKey);
  if (saved) return JSON.parse(saved);
  const answer = await post("/api/external/join", { token: inviteToken });
  const entry = { lsid: answer.lsid, access: answer.access_token };
  sessionStorage.setItem(storeKey, JSON.stringify(entry));
  return entry;
}

function sessionView({ lsid, access }) {
  const title = h("strong", {});
  const status = h("span", { class: "cu-muted", id: "ext-status" });
  const log = h("div", { class: "cu-log", role: "log", "aria-live": "polite", "aria-label": "Chat" });
  const input = h("textarea", { rows: 2, maxlength: 4000, "aria-label": "Message", placeholder: "Type a message…" });
  const error = h("div", { class: "cu-error", role: "alert" });
  const compose = h("div", { class: "cu-compose" }, input,
    h("button", { type: "button", class: "cu-button cu-button-primary", onclick: send }, "Send"));
  const seen = new Set();

  async function send() {
    const text = input.value.trim();
    if (!text) return;
    error.textContent = "";
    try {
      await call("POST", `/api/external/sessions/${lsid}/chat`, access, { text });
      input.value = "";
    } catch (e) { error.textContent = e.message; }
  }
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
  });

  function showSession(s) {
    title.textContent = `Session with ${s.customer_name || "the customer"}`;
    status.textContent = statusLabel(s.status);
    compose.hidden = ["closed", "expired"].includes(s.status);
  }

  // Chat lines by id: the registration's history and live events may overlap, never duplicate.
  function addLines(events) {
    const lines = events.filter((e) => e.type === "chat" && !seen.has(e.id));
    for (const e of lines) {
      seen.add(e.id);
      const mine = e.author === "external";
      log.append(h("div", { class: `cu-msg${mine ? " is-mine" : ""}`, dataset: { author: e.author } },
        h("span", { class: "cu-msg-who" }, `${e.actor.name || e.author} · ${clock(e.at)}`), ...linkify(e.text)));
    }
    if (lines.length) log.scrollTop = log.scrollHeight;
  }

  function onEvent(event) {
    if (event.session) showSession(event.session);
    addLines([event]);
    if (event.session && ["closed", "expired"].includes(event.session.status)) socket.stop(); // access ends too
  }

  const socket = new LiveSocket({
    path: `/ws/external/${encodeURIComponent(lsid)}?token=${encodeURIComponent(access)}`,
    onRegistered: (detail) => { showSession(detail.session); addLines(detail.events); },
    onEvent,
  });
  const node = h("section", { class: "cu-chat", id: "ext-chat" },
    h("div", { class: "cu-chat-head" }, title, status), log, error, compose);
  return { node, socket };
}

try {
  const entry = await joined();
  await call("GET", `/api/external/sessions/${encodeURIComponent(entry.lsid)}`, entry.access); // still valid?
  const view = sessionView(entry);
  root.replaceChildren(view.node);
  view.socket.start();
} catch (error) {
  root.replaceChildren(h("main", { class: "cu-card" }, h("h1", {}, "This invitation cannot be used"),
    h("p", { class: "cu-error", id: "ext-error" }, error.message)));
}
