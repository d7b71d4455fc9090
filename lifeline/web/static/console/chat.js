// The chat column of a session workspace: history, typing indicator, predefined replies and
// URLs, and the compose box. Technicians-only lines are marked; the customer never sees them.

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { clock, linkify } from "/static/console/format.js";
import { repliesOf } from "/static/console/replies.js";
import { can, detail, eventsOf, state, subscribe } from "/static/console/state.js";
import { TypingSignal } from "/static/console/typing.js";

export function chatPanel(sessionId, report) {
  const s = () => state.sessions.get(sessionId);
  const log = h("div", { class: "tc-log", role: "log", "aria-live": "polite", "aria-label": "Chat" });
  const typingLine = h("div", { class: "tc-typing", "aria-live": "polite" });
  const input = h("textarea", { rows: 2, placeholder: "Type a message…", "aria-label": "Chat message", maxlength: 4000 });
  const internal = h("input", { type: "checkbox", "aria-label": "Technicians only" });
  const sendButton = h("button", { type: "button", class: "tc-button tc-button-primary" }, "Send");
  const typing = new TypingSignal((on) => consoleApi.typing(s().lsid, on).catch(() => {}));

  const replySelect = h("select", { "aria-label": "Predefined reply" });
  const urlSelect = h("select", { "aria-label": "Predefined URL" });
  const sendReply = h("button", { type: "button", class: "tc-button tc-button-small" }, "Send reply");
  const sendUrl = h("button", { type: "button", class: "tc-button tc-button-small" }, "Send URL");
  const tools = h("div", { class: "tc-compose-tools" },
    replySelect, sendReply,
    h("span", { dataset: { permission: "send_urls" } }, urlSelect, " ", sendUrl));

  async function send(text, { techniciansOnly = internal.checked } = {}) {
    const value = text.trim();
    if (!value) return;
    try {
      await consoleApi.chat(s().lsid, value, techniciansOnly);
      typing.stop();
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  }

  sendButton.addEventListener("click", async () => { if (await send(input.value)) input.value = ""; });
  input.addEventListener("keydown", async (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      if (await send(input.value)) input.value = "";
    }
  });
  input.addEventListener("input", () => (input.value ? typing.poke() : typing.stop()));
  sendReply.addEventListener("click", () => {
    const reply = repliesOf("reply").find((r) => String(r.id) === replySelect.value);
    if (reply) send(reply.content, { techniciansOnly: false });
  });
  sendUrl.addEventListener("click", () => {
    const url = repliesOf("url").find((r) => String(r.id) === urlSelect.value);
    const typed = input.value.trim();
    if (url) send(url.content, { techniciansOnly: false });
    else if (/^(https?|ftp):\/\//i.test(typed)) send(typed, { techniciansOnly: false }).then((ok) => { if (ok) input.value = ""; });
    else report(new Error("Choose a predefined URL, or type a URL starting with http://, https:// or ftp://."));
  });

  function fillReplies() {
    const options = (kind, empty) => [h("option", { value: "" }, empty),
      ...repliesOf(kind).map((r) => h("option", { value: String(r.id), title: r.content }, r.name))];
    replySelect.replaceChildren(...options("reply", "Predefined replies…"));
    urlSelect.replaceChildren(...options("url", "Predefined URLs…"));
  }

  function drawLog() {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.replaceChildren(...eventsOf(sessionId, "chat").map(messageNode));
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function drawTyping() {
    const live = [...detail(sessionId).typing.values()].filter((t) => t.until > Date.now());
    typingLine.textContent = live.length ? `${live.map((t) => t.name).join(", ")} ${live.length > 1 ? "are" : "is"} typing…` : "";
  }

  function drawCompose() {
    const session = s();
    const open = session && !["closed", "expired"].includes(session.status);
    const mayChat = can("chat") || can("chat_toggle");
    const usable = open && mayChat && session.chat_enabled && (session.technician_id === state.me.id || state.collaborating.has(sessionId));
    compose.hidden = !usable;
    tools.hidden = !usable;
    tools.querySelector('[data-permission="send_urls"]').hidden = !can("send_urls");
  }

  const compose = h("div", { class: "tc-compose" }, input,
    h("label", { class: "tc-internal", title: "Only technicians in the session see it" }, internal, " Technicians only"),
    sendButton);
  const root = h("section", { class: "tc-chat", "aria-label": "Chat" }, log, typingLine, tools, compose);
  const unsubscribers = [
    subscribe(`chat:${sessionId}`, drawLog),
    subscribe(`typing:${sessionId}`, drawTyping),
    subscribe(`session:${sessionId}`, drawCompose),
    subscribe("replies", fillReplies),
  ];
  const typingTimer = setInterval(drawTyping, 1000);
  root.refresh = () => { drawLog(); drawTyping(); drawCompose(); fillReplies(); };
  root.dispose = () => { unsubscribers.forEach((u) => u()); clearInterval(typingTimer); typing.stop(); };
  root.focusInput = () => input.focus();
  root.refresh();
  return root;
}

function messageNode(event) {
  const mine = event.actor.kind === "technician" && event.actor.id === state.me.id;
  const system = event.author === "system";
  const cls = ["tc-msg", mine ? "is-mine" : "", system ? "is-system" : ""].filter(Boolean).join(" ");
  const who = `${event.actor.name || event.author}${event.technicians_only ? " (technicians only)" : ""} · ${clock(event.at)}`;
  return h("div", { class: cls, dataset: { author: event.author, eventId: String(event.id) } },
    system ? null : h("span", { class: "tc-msg-who" }, who), ...linkify(event.text));
}
