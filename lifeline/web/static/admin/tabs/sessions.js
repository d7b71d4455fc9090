// Administration Center Sessions tab (spec part1 §23): the active and waiting sessions of the
// selected Technician Group, channel or technician, and Start / Transfer / Hold / Unhold / Close.
// Self-contained: renderSessionsTab(container, node) with node = {type, id, label} of the tree.
// Data: /api/admin/sessions (lifeline/web/session_admin/routes.py) and /api/admin/tree for names.

import { get, h, post } from "/static/lib/api.js";
import { clock, duration, parseTime, statusLabel } from "/static/console/format.js";

// The list is a snapshot (Refresh button, as in the seed); it also refreshes itself this often
// while the tab is on screen, so a waiting session's clock and state stay honest.
const AUTO_REFRESH_MS = 3000;
const FILTER_PARAM = { tech_group: "group", channel: "channel", technician: "technician" };

function names(tree) {
  const technicians = new Map();
  const groups = new Map();
  const walk = (group, path) => {
    const label = path ? `${path} / ${group.name}` : group.name;
    groups.set(group.id, label);
    for (const t of group.technicians || []) technicians.set(t.id, { name: t.name, group: group.id });
    for (const child of group.children || []) walk(child, label);
  };
  for (const group of tree.tech_groups || []) walk(group, "");
  const channels = new Map((tree.channels || []).map((c) => [c.id, c.name]));
  return { technicians, groups, channels };
}

function waitedFor(s) {
  const start = parseTime(s.status === "waiting" ? s.waiting_at : s.picked_up_at || s.status_changed_at);
  return start === null ? "" : duration((Date.now() - start) / 1000);
}

export async function renderSessionsTab(container, node) {
  const param = node && FILTER_PARAM[node.type];
  if (!param) {
    container.replaceChildren(h("h2", {}, "Sessions"),
      h("p", { class: "admin-placeholder" }, "Select a Technician Group, a channel or a technician to see its sessions."));
    return;
  }
  const directory = names(await get("/api/admin/tree"));
  const status = h("div", { class: "ss-status", role: "status", "aria-live": "polite" });
  const table = h("div", { class: "ss-list" });
  const actions = h("div", { class: "ss-toolbar" });
  const form = h("div", {});
  let sessions = [];
  let selected = null;
  let timer = null;

  const say = (text, error = false) => {
    status.replaceChildren(text ? h("div", { class: `admin-alert ${error ? "admin-alert-error" : "admin-alert-ok"}` }, text) : "");
  };
  const technicianName = (id) => (id ? (directory.technicians.get(id) || { name: `#${id}` }).name : "—");

  async function load() {
    try {
      sessions = (await get(`/api/admin/sessions?${param}=${encodeURIComponent(node.id)}`)).sessions;
    } catch (error) {
      say(error.message, true);
      return;
    }
    if (selected && !sessions.some((s) => s.lsid === selected)) { selected = null; form.replaceChildren(); }
    draw();
  }

  function draw() {
    if (!sessions.length) {
      table.replaceChildren(h("p", { class: "ss-empty" }, "No active or waiting sessions."));
    } else {
      table.replaceChildren(h("table", { class: "ss-table" },
        h("thead", {}, h("tr", {}, ...["Customer", "Status", "Type", "Technician", "Queue", "Started", "Time"].map((t) => h("th", {}, t)))),
        h("tbody", {}, ...sessions.map((s) => h("tr", {
          class: s.lsid === selected ? "is-selected" : "", dataset: { lsid: s.lsid, status: s.status },
          onclick: () => { selected = s.lsid; form.replaceChildren(); draw(); },
        },
        h("td", {}, s.customer_name || "—"),
        h("td", { class: "ss-status-cell" }, statusLabel(s.status)),
        h("td", {}, s.kind === "channel" ? "Channel" : "Private"),
        h("td", {}, technicianName(s.technician_id)),
        h("td", {}, s.channel_id ? directory.channels.get(s.channel_id) || `#${s.channel_id}`
          : directory.groups.get(s.tech_group_id) || ""),
        h("td", {}, clock(s.created_at)),
        h("td", {}, waitedFor(s)))))));
    }
    drawActions();
  }

  const act = (label, run, disabled = false) => h("button", { type: "button", class: "admin-button", disabled,
    dataset: { action: label.toLowerCase() },
    onclick: async () => {
      try { await run(); } catch (error) { say(error.message, true); }
    } }, label);

  function drawActions() {
    const s = sessions.find((x) => x.lsid === selected);
    actions.replaceChildren(
      h("button", { type: "button", class: "admin-button", onclick: load }, "Refresh"),
      act("Start", () => startForm(s), !s || s.status !== "waiting"),
      act("Transfer", () => transferForm(s), !s),
      act("Hold", () => done(post(`/api/admin/sessions/${s.lsid}/hold`), "Session put on hold."), !s || s.status !== "active"),
      act("Unhold", () => done(post(`/api/admin/sessions/${s.lsid}/unhold`), "Session resumed."), !s || s.status !== "on_hold"),
      act("Close", () => done(post(`/api/admin/sessions/${s.lsid}/close`), "Session closed."), !s));
  }

  async function done(request, message) {
    await request;
    form.replaceChildren();
    say(message);
    await load();
  }

  function technicianSelect() {
    return h("select", { "aria-label": "Technician" }, ...[...directory.technicians].map(([id, t]) =>
      h("option", { value: String(id) }, `${t.name} (${directory.groups.get(t.group) || ""})`)));
  }

  function startForm(s) {
    const pick = technicianSelect();
    form.replaceChildren(h("div", { class: "ss-form" }, h("strong", {}, "Start session with technician"), pick,
      h("div", { class: "admin-buttons" },
        act("Confirm start", () => done(post(`/api/admin/sessions/${s.lsid}/start`, { technician_id: Number(pick.value) }),
          "Session started.")))));
  }

  function transferForm(s) {
    const options = [
      ...[...directory.technicians].map(([id, t]) => [`technician:${id}`, `Technician: ${t.name}`]),
      ...[...directory.groups].map(([id, name]) => [`tech_group:${id}`, `Technician Group: ${name}`]),
      ...[...directory.channels].map(([id, name]) => [`channel:${id}`, `Channel: ${name}`]),
    ];
    const pick = h("select", { "aria-label": "Transfer to" }, ...options.map(([v, t]) => h("option", { value: v }, t)));
    const comment = h("textarea", { "aria-label": "Comment", maxlength: 128, placeholder: "Comment (reason or summary)" });
    form.replaceChildren(h("div", { class: "ss-form" }, h("strong", {}, "Transfer session"), comment, pick,
      h("div", { class: "admin-buttons" }, act("Confirm transfer", () => {
        const [kind, id] = pick.value.split(":");
        return done(post(`/api/admin/sessions/${s.lsid}/transfer`, { target: { kind, id: Number(id) }, comment: comment.value }),
          "Session transferred.");
      }))));
  }

  container.replaceChildren(h("h2", {}, `Sessions — ${node.label || ""}`),
    h("p", { class: "admin-subtitle" }, "Active and waiting sessions. Select one to start, transfer, hold or close it."),
    status, actions, table, form);
  await load();
  timer = setInterval(() => {
    if (!container.isConnected) { clearInterval(timer); return; }
    if (!form.childElementCount) load();
  }, AUTO_REFRESH_MS);
}
