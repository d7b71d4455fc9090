// Organization tab: the selected node's form (profile fields, status, group moves), the
// Technician Group's permissions and assigned administrators, an Admin Group's rights.
import { h } from "/static/lib/api.js";
import { button, buttons, checkbox, field, fieldset, readForm, select, showError, submit, textInput } from "../forms.js";
import { groupChoices, TYPE_NAMES } from "../orgmodel.js";
import { permissionsPanel } from "./permissions.js";

const STATUS = [["true", "Enabled"], ["false", "Disabled"]];
const GRANTS = [
  ["command_center", "Grant access to Command Center"], ["reports", "Administration Center > Reports"],
  ["callingcard", "Administration Center > CallingCard"], ["channels", "Administration Center > Channels"],
  ["global_settings", "Administration Center > Global Settings"], ["resources", "Administration Center > Resources"],
  ["account", "Administration Center > Account"],
];

function statusField(record) {
  return field("Status", select("enabled", STATUS, String(record.enabled !== false)));
}

function personFields(type, record) {
  return [
    field("Name", textInput("name", record.name, { required: true }), "Shown in the tree and the Technician Console."),
    field("Nickname", textInput("nickname", record.nickname), "The name customers see in chat."),
    field("Email", h("input", { type: "email", name: "email", value: record.email ?? "", required: true }), "Used to sign in."),
    field("Single Sign-On ID", textInput("sso_id", record.sso_id)),
    field("Description", h("textarea", { name: "description", rows: "2" }, record.description ?? "")),
    field("New password", h("input", { type: "password", name: "password", autocomplete: "new-password" }),
      "Leave empty to keep the current password. It must meet the password policy (Global Settings)."),
    statusField(record),
  ];
}

function groupFields(record) {
  return [
    field("Group name", textInput("name", record.name, { required: true })),
    field("Description", h("textarea", { name: "description", rows: "2" }, record.description ?? "")),
    statusField(record),
  ];
}

// Fields each PATCH endpoint accepts (the API refuses unknown fields).
const PATCH_FIELDS = {
  master_admin: ["name", "email", "nickname", "sso_id", "description", "enabled", "has_technician_seat"],
  admin: ["name", "email", "nickname", "sso_id", "description", "enabled", "has_technician_seat"],
  technician: ["name", "email", "nickname", "sso_id", "description", "enabled", "standard_license",
    "mobile_license", "never_auto_start"],
  admin_group: ["name", "description", "enabled", "rights_mode", "grants", "command_center_only"],
  tech_group: ["name", "description", "enabled"],
  computer_group: ["name", "description", "enabled"],
  external_group: ["name", "description", "enabled"],
  external_tech: ["name", "email", "enabled"],
  channel: ["name", "description"],
};

// The PATCH body: only accepted fields, statuses as booleans.
function patchBody(type, values) {
  const out = {};
  for (const key of PATCH_FIELDS[type]) if (key in values) out[key] = values[key];
  if ("enabled" in out) out.enabled = out.enabled === "true" || out.enabled === true;
  return out;
}

function rootSummary(panel, node, ctx) {
  panel.append(
    h("h2", {}, node.label),
    h("p", { class: "admin-subtitle" }, `${node.children.length} item(s). Right-click ${node.label} in the tree for what you can create here.`),
    node.children.length ? h("table", { class: "admin-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Type"), h("th", {}, "Status"))),
      h("tbody", {}, node.children.map((child) => h("tr", {},
        h("td", {}, h("a", { href: "#", onclick: (e) => { e.preventDefault(); ctx.app.selectKey(child.key); } }, child.label)),
        h("td", {}, TYPE_NAMES[child.type]), h("td", {}, child.enabled ? "Enabled" : "Disabled"))))) : null);
}

async function saveNode(form, node, ctx, extra = () => ({})) {
  const values = { ...readForm(form), ...extra() };
  const saved = await submit(form, async () => {
    const record = await ctx.api.update(node.type, node.id, patchBody(node.type, values));
    if (values.password) await ctx.api.setPassword(node.type, node.id, values.password);
    if (values.force_tfa_reset) await ctx.api.reset2sv(node.type, node.id);
    if ("move_to" in values) {
      const current = node.parentGroupId ?? null;
      const target = values.move_to === "" ? null : Number(values.move_to);
      if (target !== current && node.type === "technician") await ctx.api.moveTechnician(node.id, target);
      if (target !== current && node.type === "tech_group") await ctx.api.moveTechGroup(node.id, target);
    }
    if ("admin_group" in values) {
      const target = values.admin_group === "" ? null : Number(values.admin_group);
      if (target !== (node.adminGroupId ?? null)) await ctx.api.setAdminGroup(node.id, target);
    }
    return record;
  }, "Changes saved.");
  if (saved) await ctx.app.refresh(node.key);
}

function moveField(node, ctx) {
  const choices = groupChoices(ctx.app.roots).filter(([id]) => node.type !== "tech_group" || !isInside(ctx, id, node));
  if (node.type === "tech_group") {
    return field("Parent group", select("move_to", [["", "(Top level)"], ...choices.map(([id, p]) => [String(id), p])],
      node.parentGroupId ?? ""), "Or drag the group onto another group in the tree.");
  }
  return field("Move to Technician Group", select("move_to", choices.map(([id, p]) => [String(id), p]), node.parentGroupId ?? ""),
    "Or drag the technician onto a group in the tree.");
}

// True if group `id` is `node` itself or one of its descendants (a group cannot move into itself).
function isInside(ctx, id, node) {
  for (let n = ctx.tree.node(`tech_group:${id}`); n; n = ctx.tree.parentOf(n.key)) if (n.key === node.key) return true;
  return false;
}

function adminRightsFields(record) {
  const restricted = record.rights_mode === "restricted";
  const mode = (value, label) => {
    const input = h("input", { type: "radio", name: "rights_mode", value });
    input.checked = (restricted ? "restricted" : "standard") === value;
    return h("label", { class: "admin-check" }, input, label);
  };
  const grants = new Set(record.grants || []);
  return fieldset("Administrative rights",
    mode("standard", "Standard administrator rights"),
    mode("restricted", "Restricted administrator rights (at least one option):"),
    h("div", { class: "admin-perm-option" },
      GRANTS.map(([key, label]) => checkbox(`grant_${key}`, grants.has(key), label, { "data-skip": "true", dataset: { grant: key } }))),
    checkbox("command_center_only", record.command_center_only, "Access Command Center only"));
}

// Every node of `type` in the tree, by id (names for assignment lists).
function nodesOfType(ctx, type) {
  const out = new Map();
  const walk = (nodes) => nodes.forEach((n) => { if (n.type === type) out.set(n.id, n); walk(n.children); });
  walk(ctx.app.roots);
  return out;
}

// A list of links with an "Unassign" button each (administrator ↔ Technician Group).
function assignmentList(title, items, empty, onUnassign, ctx) {
  const box = fieldset(title);
  box.append(items.length ? h("ul", { class: "admin-list" }, items.map((item) => h("li", { class: "admin-inline" },
    h("a", { href: "#", onclick: (e) => { e.preventDefault(); ctx.app.selectKey(item.key); } }, item.label),
    ctx.me.isMaster ? button("Unassign", async () => {
      try { await onUnassign(item); await ctx.app.refresh(); } catch (error) { showError(box, error); }
    }, "quiet") : null))) : h("p", { class: "admin-placeholder" }, empty));
  return box;
}

function groupAdminsBox(record, node, ctx) {
  const admins = nodesOfType(ctx, "admin");
  const items = (record.assigned_admin_ids || []).map((id) => admins.get(id)).filter(Boolean);
  return assignmentList("Assigned administrators", items,
    "No administrator is assigned. Drag an administrator onto this group in the tree to assign one.",
    (admin) => ctx.api.unassignAdmin(admin.id, node.id), ctx);
}

function adminGroupsBox(record, node, ctx) {
  const groups = nodesOfType(ctx, "tech_group");
  const items = (record.assigned_tech_group_ids || []).map((id) => groups.get(id)).filter(Boolean);
  return assignmentList("Assigned Technician Groups", items,
    "Not assigned to any Technician Group. Drag this administrator onto a group in the tree to assign it.",
    (group) => ctx.api.unassignAdmin(node.id, group.id), ctx);
}

function adminGroupField(node, ctx) {
  const groups = [...nodesOfType(ctx, "admin_group").values()].map((g) => [String(g.id), g.label]);
  return field("Administrator Group", select("admin_group", [["", "(No group: standard rights)"], ...groups], node.adminGroupId ?? ""),
    "An administrator belongs to at most one group and gets its rights.");
}

export async function renderOrganization(panel, ctx) {
  const { node } = ctx;
  if (!node) { panel.append(h("p", { class: "admin-placeholder" }, "Select an item in the organization tree.")); return; }
  if (node.isRoot) { rootSummary(panel, node, ctx); return; }
  const record = await ctx.api.record(node.type, node.id, node.record);
  if (!ctx.isCurrent()) return;
  panel.append(h("h2", {}, record.name || node.label), h("p", { class: "admin-subtitle" }, TYPE_NAMES[node.type]));
  const form = h("form", { class: "admin-form", "aria-label": `${TYPE_NAMES[node.type]} ${node.label}` });
  form.addEventListener("submit", (e) => e.preventDefault());
  let extra = () => ({});
  switch (node.type) {
    case "master_admin": case "admin":
      form.append(fieldset("Configuration", ...personFields(node.type, record),
        checkbox("has_technician_seat", record.has_technician_seat, "Technician seat (may also work in the Technician Console)"),
        checkbox("force_tfa_reset", false, "Force two-step verification reset")));
      if (node.type === "admin") form.append(fieldset("Membership", adminGroupField(node, ctx)));
      break;
    case "technician":
      form.append(fieldset("Configuration", ...personFields(node.type, record)),
        fieldset("Group and licences", moveField(node, ctx),
          checkbox("standard_license", record.standard_license !== false, "Standard licence"),
          checkbox("mobile_license", record.mobile_license, "Mobile licence"),
          checkbox("never_auto_start", record.never_auto_start, "Never auto-start waiting channel sessions"),
          checkbox("force_tfa_reset", false, "Force two-step verification reset")));
      break;
    case "admin_group":
      form.append(fieldset("Configuration", ...groupFields(record)), adminRightsFields(record));
      extra = () => ({ grants: [...form.querySelectorAll("[data-grant]")].filter((i) => i.checked).map((i) => i.dataset.grant) });
      break;
    case "tech_group":
      form.append(fieldset("Configuration", ...groupFields(record), moveField(node, ctx)));
      break;
    case "external_tech":
      form.append(fieldset("Configuration",
        field("Name", textInput("name", record.name, { required: true })),
        field("Email", h("input", { type: "email", name: "email", value: record.email ?? "" })), statusField(record)));
      break;
    case "channel":
      form.append(fieldset("Channel", field("Channel name", textInput("name", record.name, { required: true })),
        field("Description", h("textarea", { name: "description", rows: "2" }, record.description ?? ""))),
        h("p", { class: "admin-subtitle" }, "Assign this channel to Technician Groups on the Channels tab."));
      break;
    default:
      form.append(fieldset("Configuration", ...groupFields(record)));
  }
  form.append(buttons(button("Save changes", () => saveNode(form, node, ctx, extra), "primary")));
  panel.append(form);
  if (node.type === "tech_group") {
    await permissionsPanel(panel, node, ctx);
    panel.append(groupAdminsBox(record, node, ctx));
  }
  if (node.type === "admin") panel.append(adminGroupsBox(record, node, ctx));
  if (node.type === "technician") {
    panel.append(fieldset("Permissions", h("p", { class: "admin-subtitle" },
      "Technician permissions are set at the Technician Group level.")));
  }
}
