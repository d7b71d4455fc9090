// Audit log view: every administrator change, newest first (who, when, what, old and new value).
import { h } from "/static/lib/api.js";
import { button, checkbox } from "../forms.js";
import { TYPE_NAMES } from "../orgmodel.js";

const PAGE_SIZE = 100;

function show(value) {
  if (value === null || value === undefined || value === "") return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function row(entry) {
  return h("tr", { dataset: { entity: entry.entity_type, change: entry.change_type } },
    h("td", {}, new Date(entry.at).toLocaleString()), h("td", {}, entry.requested_by),
    h("td", {}, entry.entity_type), h("td", {}, entry.entity_name), h("td", {}, entry.change_type),
    h("td", {}, [entry.section, entry.field].filter(Boolean).join(" › ")),
    h("td", {}, h("code", {}, show(entry.old_value))), h("td", {}, h("code", {}, show(entry.new_value))),
    h("td", {}, entry.detail || ""));
}

export async function renderAudit(panel, ctx) {
  const { node } = ctx;
  const filterable = Boolean(node && !node.isRoot);
  const onlyThis = checkbox("only_selected", false,
    filterable ? `Only ${TYPE_NAMES[node.type]} “${node.label}”` : "Only the selected item",
    { "data-skip": "true", disabled: !filterable });
  const summary = h("p", { class: "admin-subtitle" });
  const body = h("tbody");
  const more = button("Load older entries", () => load(true));
  let loaded = 0;
  const load = async (append) => {
    const filter = onlyThis.querySelector("input").checked && filterable ? { entityType: node.type, entityId: node.id } : {};
    const page = await ctx.api.audit({ ...filter, offset: append ? loaded : 0, limit: PAGE_SIZE });
    if (!append) { body.replaceChildren(); loaded = 0; }
    loaded += page.entries.length;
    body.append(...page.entries.map(row));
    if (!loaded) body.append(h("tr", {}, h("td", { colspan: "9", class: "admin-placeholder" }, "No changes recorded yet.")));
    summary.textContent = `Showing ${loaded} of ${page.total} change(s), newest first.`;
    more.hidden = loaded >= page.total;
  };
  onlyThis.querySelector("input").addEventListener("change", () => load(false));
  panel.append(h("h2", {}, "Audit log"), summary,
    h("div", { class: "admin-inline" }, onlyThis, button("Refresh", () => load(false))),
    h("table", { class: "admin-table admin-audit", "aria-label": "Audit log" }, h("thead", {}, h("tr", {},
      ["Time", "By", "Entity", "Name", "Change", "Field", "Old value", "New value", "Note"].map((t) => h("th", {}, t)))), body), more);
  await load(false);
}
