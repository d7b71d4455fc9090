// The Technician Group's Permissions panel (spec §4): one check box per permission, its
// sub-option, and for Master Administrators a lock check box per permission. Administrators
// see locked permissions greyed out and cannot change them.
import { h } from "/static/lib/api.js";
import { button, buttons, checkbox, fieldset, submit } from "../forms.js";
import { groupChoices } from "../orgmodel.js";
import { humanize } from "../settingsform.js";

function targetPicker(key, option, grant, ctx) {
  const chosen = new Set((grant.targets || []).map((t) => `${t.type}:${t.id}`));
  const types = new Set(option.target_types || ["tech_group"]);
  const choices = [];
  if (types.has("tech_group")) for (const [id, path] of groupChoices(ctx.app.roots)) choices.push([`tech_group:${id}`, `Group: ${path}`]);
  if (types.has("channel")) for (const c of ctx.app.channels) choices.push([`channel:${c.id}`, `Channel: ${c.name}`]);
  const list = h("select", { multiple: true, size: String(Math.min(6, Math.max(2, choices.length))), "data-skip": "true",
    dataset: { targets: key }, "aria-label": `${option.label}: targets` },
  choices.map(([value, label]) => h("option", { value }, label)));
  for (const opt of list.options) opt.selected = chosen.has(opt.value);
  return list;
}

function optionControl(def, grant, ctx) {
  const option = def.option || (def.options && def.options[0]);
  if (!option) return null;
  const value = grant.option ?? option.default;
  if (option.kind === "flag") {
    return h("div", { class: "admin-perm-option" }, checkbox(`opt_${def.key}`, value, option.label, { "data-skip": "true", dataset: { option: def.key } }));
  }
  const selectEl = h("select", { "data-skip": "true", dataset: { option: def.key }, "aria-label": `${def.label}: ${option.label}` },
    option.choices.map((c) => h("option", { value: c }, humanize(c))));
  selectEl.value = value;
  const parts = [h("span", {}, `${option.label}:`), selectEl];
  if (option.targets_choice) parts.push(targetPicker(def.key, option, grant, ctx));
  return h("div", { class: "admin-perm-option" }, ...parts);
}

// Read every row back into {key: {allowed, option, targets, locked}}.
function readGrants(table, catalog, original) {
  const grants = {};
  for (const def of catalog) {
    const q = (sel) => table.querySelector(`[${sel}="${CSS.escape(def.key)}"]`);
    const allowed = q("data-allowed").checked;
    const lock = q("data-lock");
    const optionEl = q("data-option");
    const targetsEl = q("data-targets");
    // Only masters see lock boxes; anyone else sends the lock back as it was.
    const grant = { allowed, locked: lock ? lock.checked : Boolean((original[def.key] || {}).locked) };
    if (optionEl) grant.option = optionEl.type === "checkbox" ? optionEl.checked : optionEl.value;
    if (targetsEl) {
      grant.targets = [...targetsEl.selectedOptions].map((o) => {
        const [type, id] = o.value.split(":");
        return { type, id: Number(id) };
      });
    }
    grants[def.key] = grant;
  }
  return grants;
}

export async function permissionsPanel(panel, node, ctx) {
  const [catalog, grants] = await Promise.all([ctx.api.permissionCatalog(), ctx.api.permissions(node.id)]);
  if (!ctx.isCurrent()) return;
  const master = ctx.me.isMaster;
  const rows = catalog.map((def) => {
    const grant = grants[def.key] || { allowed: def.default_allowed };
    const lockedForMe = grant.locked && !master;
    const allowed = h("input", { type: "checkbox", "data-skip": "true", dataset: { allowed: def.key }, id: `perm-${def.key}` });
    allowed.checked = Boolean(grant.allowed);
    allowed.disabled = lockedForMe;
    const option = optionControl(def, grant, ctx);
    if (option && lockedForMe) option.querySelectorAll("input, select").forEach((el) => { el.disabled = true; });
    const lockCell = master ?
      checkbox(`lock_${def.key}`, grant.locked, "Lock", { "data-skip": "true", dataset: { lock: def.key }, "aria-label": `Lock ${def.label}` }) :
      (grant.locked ? h("span", { class: "admin-perm-locked" }, "Locked by a Master Administrator") : "");
    return h("tr", { dataset: { permission: def.key } },
      h("td", {}, h("label", { class: "admin-check", for: `perm-${def.key}` }, allowed, def.label), option),
      h("td", {}, lockCell));
  });
  const table = h("table", { class: "admin-perm-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Permission"), h("th", {}, master ? "Lock" : ""))), h("tbody", {}, rows));
  const save = (scope, message) => submit(form, () => ctx.api.savePermissions(node.id, readGrants(table, catalog, grants), scope), message);
  const form = h("form", { class: "admin-form admin-permissions", "aria-label": "Permissions" },
    fieldset("Permissions", table,
      buttons(
        button("Save permissions", () => save("save", "Permissions saved."), "primary"),
        button("Apply to subgroups", () => save("subgroups", "Permissions saved and copied to every subgroup.")),
        button("Apply to all groups", () => save("all_groups", "Permissions saved and copied to every group you administer.")))));
  form.addEventListener("submit", (e) => e.preventDefault());
  panel.append(form);
}
