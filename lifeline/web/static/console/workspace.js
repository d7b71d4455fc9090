// Session tabs and their workspaces: header with the actions the session's state and the group's
// permissions allow, a banner for transfers and endings, the chat column and the side column.

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { statusLabel } from "/static/console/format.js";
import { chatPanel } from "/static/console/chat.js";
import { sidePanel, targetName } from "/static/console/side.js";
import { technicianSurvey } from "/static/console/survey.js";
import { inviteDialog, inviteExternalDialog, transferDialog } from "/static/console/transfer.js";
import { can, closeTab, detail, isHidden, notify, openTab, state, subscribe, transferOf } from "/static/console/state.js";

const spaces = new Map(); // session id -> workspace element
let config;
let report;

export function initWorkspaces(consoleConfig, reporter) {
  config = consoleConfig;
  report = reporter;
  subscribe("tabs", drawTabs);
  subscribe("registered", () => { for (const id of state.open) loadDetail(id); });
  subscribe("closed", (id) => {
    const s = state.sessions.get(id);
    if (s && s.technician_id === state.me.id && s.picked_up_at) {
      technicianSurvey(s).catch(report);
    }
  });
}

export async function openSession(id) {
  openTab(id);
  if (!detail(id).loaded) await loadDetail(id);
}

async function loadDetail(id) {
  const s = state.sessions.get(id);
  if (!s) return;
  try {
    const answer = await consoleApi.detail(s.lsid);
    const d = detail(id);
    state.sessions.set(id, answer.session);
    for (const event of answer.events) {
      d.events.set(event.id, event);
      if (event.type === "session" && event.op === "transferred") {
        d.transfer = transferOf(event);
      }
      if (event.type === "survey" && event.kind === "technician" && event.actor.id === state.me.id) d.surveyDone = true;
      if (event.actor && event.actor.kind === "technician" && event.actor.id) state.names.technician[event.actor.id] = event.actor.name;
    }
    d.participants = answer.participants.map((p) => ({ ...p, state: p.left_at ? "left" : "joined" }));
    d.loaded = true;
  } catch (error) {
    if (error.status === 404) detail(id).gone = true;
    else report(error);
  }
  notify(`session:${id}`);
  notify(`chat:${id}`);
  notify(`notes:${id}`);
}

function drawTabs() {
  const bar = document.getElementById("tc-tabs");
  bar.replaceChildren(...state.open.map((id) => {
    const s = state.sessions.get(id);
    const d = detail(id);
    return h("button", {
      type: "button", role: "tab", class: `tc-tab${d.unread ? " has-unread" : ""}`,
      "aria-selected": String(id === state.active), dataset: { sessionId: String(id) },
      onclick: () => { openTab(id); },
    }, s ? s.customer_name || (s.pin_code ? `PIN ${s.pin_code}` : "Customer") : `Session ${id}`);
  }));
  for (const [id, el] of spaces) {
    if (!state.open.includes(id)) {
      el.dispose();
      el.remove();
      spaces.delete(id);
    }
  }
  const host = document.getElementById("tc-workspaces");
  document.getElementById("tc-empty").hidden = state.open.length > 0;
  for (const id of state.open) {
    if (!spaces.has(id)) {
      const el = workspace(id);
      spaces.set(id, el);
      host.append(el);
    }
    spaces.get(id).hidden = id !== state.active;
  }
  if (state.active !== null) detail(state.active).unread = 0;
}

function action(label, handler, { primary = false, danger = false, name } = {}) {
  const cls = `tc-button${primary ? " tc-button-primary" : ""}${danger ? " tc-button-danger" : ""}`;
  return h("button", { type: "button", class: cls, dataset: { action: name || label.toLowerCase() },
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try { await handler(); } catch (error) { report(error); } finally { button.disabled = false; }
    } }, label);
}

function actionsFor(s) {
  const mine = s.technician_id === state.me.id;
  const unowned = s.technician_id === null || s.technician_id === undefined;
  const buttons = [];
  const pickable = (s.status === "waiting" && (mine || unowned)) || (s.status === "transferring" && mine);
  if (pickable) buttons.push(action("Pick up", () => consoleApi.pickUp(s.lsid), { primary: true, name: "pickup" }));
  if (mine && s.status === "active" && can("hold_sessions")) buttons.push(action("Hold", () => consoleApi.hold(s.lsid)));
  if (mine && s.status === "on_hold" && can("hold_sessions")) buttons.push(action("Unhold", () => consoleApi.unhold(s.lsid)));
  const working = mine && (s.status === "active" || s.status === "on_hold");
  if (working && can("transfer_sessions")) buttons.push(action("Transfer", () => transferDialog(s)));
  if (mine && s.status === "active" && can("collaboration_invitations")) {
    buttons.push(action("Invite technician", () => inviteDialog(s), { name: "invite" }));
  }
  if (mine && s.status === "active" && can("invite_external")) {
    buttons.push(action("Invite external technician", () => inviteExternalDialog(s), { name: "invite-external" }));
  }
  if (mine && !["closed", "expired", "transferring"].includes(s.status)) {
    buttons.push(action("Close session", async () => {
      await consoleApi.close(s.lsid);
    }, { danger: true, name: "close" }));
  }
  if (["closed", "expired"].includes(s.status) && mine && s.picked_up_at && !detail(s.id).surveyDone) {
    buttons.push(action("Technician survey", () => technicianSurvey(s), { name: "survey" }));
  }
  buttons.push(action("Close tab", async () => closeTab(s.id), { name: "close-tab" }));
  return buttons;
}

function bannerFor(s) {
  const d = detail(s.id);
  const t = d.transfer;
  if (["closed", "expired"].includes(s.status)) {
    const why = s.close_reason ? ` (${s.close_reason.replaceAll("_", " ")})` : "";
    return h("div", { class: "tc-ws-banner is-closed" }, `This session has ended${why}.`);
  }
  if (s.status === "transferring" && s.previous_technician_id === state.me.id && s.technician_id !== state.me.id) {
    return h("div", { class: "tc-ws-banner" }, `Outgoing transfer to ${targetName(t && t.to, config)} — waiting for pick-up.`);
  }
  const away = s.technician_id !== state.me.id && !state.collaborating.has(s.id) && t && t.from_technician_id === state.me.id;
  if (away) {
    return h("div", { class: "tc-ws-banner tc-transferred-by" }, h("strong", {}, "Transferred. "),
      `Transferred by ${t.by.name} to ${targetName(t.to, config)}${t.comment ? `: “${t.comment}”` : ""}`);
  }
  if (t && (s.technician_id === state.me.id || s.status === "waiting")) {
    return h("div", { class: "tc-ws-banner tc-transferred-by" }, h("strong", {}, "Transferred by "),
      `${t.by.name}${t.auto ? " (automatic)" : ""}${t.comment ? `: “${t.comment}”` : ""}`);
  }
  return null;
}

function workspace(id) {
  const s = () => state.sessions.get(id);
  const title = h("h2", { class: "tc-ws-title" });
  const badge = h("span", { class: "tc-badge" });
  const actions = h("div", { class: "tc-ws-actions" });
  const banner = h("div", {});
  const chat = chatPanel(id, report);
  const side = sidePanel(id, config, report);
  const root = h("div", { class: "tc-workspace", role: "tabpanel", dataset: { sessionId: String(id) } },
    h("div", { class: "tc-ws-head" }, title, badge, actions), banner,
    // The remote-desktop panel (console/remote/mount.js) is prepended to .tc-ws-body, above the split.
    h("div", { class: "tc-ws-body" }, h("div", { class: "tc-ws-split" }, chat, side)));
  function draw() {
    const session = s();
    if (!session) return;
    title.textContent = session.customer_name || (session.pin_code ? `PIN ${session.pin_code}` : "Customer");
    badge.dataset.status = session.status;
    badge.textContent = statusLabel(session.status);
    actions.replaceChildren(...actionsFor(session));
    const node = bannerFor(session);
    banner.replaceChildren(...(node ? [node] : []));
    for (const el of root.querySelectorAll("[data-console-feature]")) el.hidden = isHidden(el.dataset.consoleFeature);
  }
  const unsubscribe = subscribe(`session:${id}`, () => { draw(); drawTabs(); });
  root.dispose = () => { unsubscribe(); chat.dispose(); side.dispose(); };
  draw();
  return root;
}
