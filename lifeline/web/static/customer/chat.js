// Instant Chat (part2 §8): the customer's chat-only client in the browser.

import { h } from "/static/lib/api.js";
import { clock, linkify } from "/static/console/format.js";
import { TypingSignal } from "/static/console/typing.js";

// A typing indicator disappears this long after the last "start" (senders repeat every 4 s).
const TYPING_TTL_MS = 6000;

export class ChatView {
  constructor({ send, typing, end, agentLink }) {
    this.messages = new Map(); // event id -> event
    this.typingUntil = new Map(); // technician name -> ms
    this.log = h("div", { class: "cu-log", role: "log", "aria-live": "polite", "aria-label": "Chat" });
    this.status = h("div", { class: "cu-muted", id: "cu-chat-status", role: "status" });
    this.typingLine = h("div", { class: "cu-typing", "aria-live": "polite" });
    this.input = h("textarea", { rows: 2, placeholder: "Type your message…", "aria-label": "Message", maxlength: 4000 });
    const sendButton = h("button", { type: "button", class: "cu-button cu-button-primary" }, "Send");
    const endButton = h("button", { type: "button", class: "cu-button", id: "cu-end" }, "End chat");
    this.error = h("div", { class: "cu-error", role: "alert" });
    const signal = new TypingSignal(typing);
    const submit = async () => {
      const text = this.input.value.trim();
      if (!text) return;
      this.error.textContent = "";
      try {
        await send(text);
        this.input.value = "";
        signal.stop();
      } catch (error) { this.error.textContent = error.message; }
    };
    sendButton.addEventListener("click", submit);
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(); }
    });
    this.input.addEventListener("input", () => (this.input.value ? signal.poke() : signal.stop()));
    endButton.addEventListener("click", () => { endButton.disabled = true; end(); });
    this.compose = h("div", { class: "cu-compose" }, this.input, sendButton);
    this.node = h("section", { class: "cu-chat", id: "cu-chat" },
      h("div", { class: "cu-chat-head" }, h("strong", {}, "Chat with support"), endButton),
      h("div", { class: "cu-chat-head" }, this.status),
      agentLink ? h("div", { class: "cu-chat-head cu-muted" }, "For remote help, ",
        h("a", { href: agentLink }, "download and run the Lifeline applet"), ".") : null,
      this.log, this.typingLine, this.error, this.compose);
    setInterval(() => this.drawTyping(), 1000);
  }

  setStatus(text, { chat = true } = {}) {
    this.status.textContent = text;
    this.compose.hidden = !chat;
  }

  add(event) {
    if (typeof event.id !== "number" || this.messages.has(event.id)) return;
    this.messages.set(event.id, event);
    const customer = event.author === "customer";
    if (!customer) this.typingUntil.delete(event.actor.name);
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    const ordered = [...this.messages.values()].sort((a, b) => a.id - b.id);
    this.log.replaceChildren(...ordered.map((e) => {
      const mine = e.author === "customer";
      const system = e.author === "system";
      return h("div", { class: `cu-msg${mine ? " is-mine" : ""}${system ? " is-system" : ""}`, dataset: { author: e.author } },
        system ? null : h("span", { class: "cu-msg-who" }, `${mine ? "You" : e.actor.name} · ${clock(e.at)}`),
        ...linkify(e.text));
    }));
    if (atBottom || customer) this.log.scrollTop = this.log.scrollHeight;
    this.drawTyping();
  }

  typing(event) {
    if (event.actor.kind === "customer") return;
    if (event.op === "start") this.typingUntil.set(event.actor.name, Date.now() + TYPING_TTL_MS);
    else this.typingUntil.delete(event.actor.name);
    this.drawTyping();
  }

  drawTyping() {
    const names = [...this.typingUntil].filter(([, until]) => until > Date.now()).map(([name]) => name);
    this.typingLine.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
  }
}
