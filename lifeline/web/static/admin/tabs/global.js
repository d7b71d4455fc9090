// Global Settings tab (spec §9-§12): password policy, two-step verification, hierarchy view,
// Technician Group visibility, IP restrictions with their exception list, and the other
// account-wide settings of the catalog. Independent of the tree selection.
import { h } from "/static/lib/api.js";
import { settingsForm } from "./settings.js";

export async function renderGlobal(panel, ctx) {
  const { definitions: defs, values } = await ctx.api.settings("global", 0);
  if (!ctx.isCurrent()) return;
  panel.append(h("h2", {}, "Global Settings"),
    h("p", { class: "admin-subtitle" }, "These settings apply to the whole organization."),
    settingsForm({
      title: "Global Settings", defs, values, scopes: [["Save changes", "save"]],
      save: (payload, scope) => ctx.api.saveSettings("global", 0, payload, scope),
    }));
}
