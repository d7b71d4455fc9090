// The right column of a session workspace: session details with inline editing of the name and
// custom fields (Inline editing of Queue permission, part2 §5), notes, participants and history.

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { clock, dateTime, statusLabel } from "/static/console/format.js";
import { can, detail, eventsOf, state, subscribe } from "/static/console/state.js";

const FIELD_COUNT = 5;
const METHOD_LABELS = {
  pin: "PIN Code", link: "Link", email: "Email", sms: "SMS", calling_card: "Calling Card",
  channel_link: "Channel link", channel_form: "Custom Live Support Form", instant_chat_form: "Instant Chat form",
  api_key: "API session key", unattended: "Unattended", lan: "Connect On LAN", lens: "Lens",
};

const CLIENT_LABELS = {
  applet: "Applet", instant_chat: "Instant Chat", mobile: "Mobile Applet", lens: "Lens", calling_card: "Calling Card",
};

export function sidePanel(sessionId, config, report) {
  const s = () => state.sessions.get(sessionId);
  const fields = h("dl", { class: "tc-fields" });
  const notesList = h("ul", { class: "tc-history tc-notes-list" });
  const noteInput = h("textarea", { class: "tc-notes", maxlength: 1024, "aria-label": "New note",
    placeholder: "Notes are seen by technicians only" });
  const noteButton = h("button", { type: "button", class: "tc-button tc-button-small" }, "Add note");
  const participants = h("ul", { class: "tc-history tc-participants" });
  const history = h("ul", { class: "tc-history tc-session-history" });

  noteButton.addEventListener("click", async () => {
    try {
      await consoleApi.addNote(s().lsid, noteInput.value);
      noteInput.value = "";
    } catch (error) { report(error); }
  });

  function editable(index, value) {
    const session = s();
    const open = session && !["closed", "expired"].includes(session.status);
    const span = h("span", { class: "tc-field-value", dataset: { field: String(index) } }, value || "—");
    if (!open || !can("inline_editing")) return span;
    span.classList.add("tc-field-edit");
    span.tabIndex = 0;
    span.title = "Click to edit";
    const startEdit = () => {
      const input = h("input", { type: "text", value: value || "", maxlength: index === 0 ? 128 : 64,
        "aria-label": config.labels[index] });
      let done = false;
      const finish = async (save) => {
        if (done) return;
        done = true;
        if (save && input.value !== (value || "")) {
          const body = index === 0 ? { name: input.value } : { fields: { [index]: input.value } };
          try { await consoleApi.editFields(s().lsid, body); } catch (error) { report(error); }
        }
        drawFields();
      };
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") finish(true);
        if (event.key === "Escape") finish(false);
      });
      input.addEventListener("blur", () => finish(true));
      span.replaceChildren(input);
      input.focus();
      input.select();
    };
    span.addEventListener("click", startEdit);
    span.addEventListener("keydown", (event) => { if (event.key === "Enter") startEdit(); });
    return span;
  }

  function drawFields() {
    const session = s();
    if (!session) return;
    const rows = [[config.labels[0], editable(0, session.customer_name)]];
    for (let n = 1; n <= FIELD_COUNT; n += 1) {
      rows.push([config.labels[n], editable(n, session.custom_fields[String(n)] || "")]);
    }
    const queue = session.channel_id ? (config.channels[session.channel_id] || {}).name : session.kind === "private" ? "Private" : "Group";
    rows.push(["Status", statusLabel(session.status) + (session.close_reason ? ` (${session.close_reason.replaceAll("_", " ")})` : "")]);
    rows.push(["Session ID", String(session.id)]);
    rows.push(["Method", METHOD_LABELS[session.method] || session.method]);
    rows.push(["Client", CLIENT_LABELS[session.client_kind] || session.client_kind]);
    rows.push(["Queue", queue || ""]);
    if (session.pin_code) rows.push(["PIN code", session.pin_code]);
    rows.push(["Created", dateTime(session.created_at)]);
    fields.replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  }

  function drawNotes() {
    const notes = eventsOf(sessionId, "note");
    notesList.replaceChildren(...(notes.length ? notes.map((n) => h("li", {},
      h("strong", {}, `${clock(n.at)} ${n.actor.name}: `), n.text)) : [h("li", {}, "No notes yet.")]));
  }

  function drawPeople() {
    participants.replaceChildren(...detail(sessionId).participants.map((p) =>
      h("li", {}, `${p.name || state.names.technician[p.user_id] || `Technician #${p.user_id}`} — ${p.role}${p.left_at || p.state === "left" ? " (left)" : ""}`)));
    history.replaceChildren(...eventsOf(sessionId).filter((e) => e.type !== "chat" && e.type !== "note")
      .map((e) => h("li", {}, `${clock(e.at)} ${describe(e, config)}`)));
  }

  const root = h("aside", { class: "tc-side" },
    h("h3", {}, "Details"), fields,
    h("h3", {}, "Notes"), notesList, noteInput, h("div", {}, noteButton),
    h("h3", {}, "Participants"), participants,
    h("h3", {}, "History"), history);
  const unsubscribers = [
    subscribe(`session:${sessionId}`, () => { drawFields(); drawPeople(); }),
    subscribe(`notes:${sessionId}`, drawNotes),
  ];
  root.refresh = () => { drawFields(); drawNotes(); drawPeople(); };
  root.dispose = () => unsubscribers.forEach((u) => u());
  root.refresh();
  return root;
}

export function targetName(to, config) {
  if (!to) return "";
  if (to.kind === "channel") return (config.channels[to.id] || {}).name || `channel #${to.id}`;
  if (to.kind === "tech_group") return state.names.tech_group[to.id] || `group #${to.id}`;
  if (to.id === state.me.id) return "you";
  return state.names.technician[to.id] || `technician #${to.id}`;
}

function describe(e, config) {
  const who = e.actor.name || e.actor.kind;
  if (e.type === "session") {
    if (e.op === "created") return `Session created by ${who}`;
    if (e.op === "transferred") return `${e.auto ? "Automatically transferred" : `Transferred by ${who}`} to ${targetName(e.to, config)}${e.comment ? `: “${e.comment}”` : ""}`;
    if (e.op === "fields") return `Details edited by ${who}`;
    if (e.op === "status") return `${statusLabel(e.status)}${e.close_reason ? ` (${e.close_reason.replaceAll("_", " ")})` : ""} — ${who}`;
  }
  if (e.type === "participant") return `${e.name} ${e.op} (${e.role})`;
  if (e.type === "survey") return `${e.kind === "technician" ? "Technician" : "Customer"} survey answered`;
  return `${e.type} ${e.op}`;
}
