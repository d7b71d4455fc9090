// Settings tab: the settings catalog of the selected owner (Technician Group, channel or
// technician), grouped by section, with the save buttons of spec §28. "Apply to …" buttons
// copy every setting on the page (the seed describes copies, not live inheritance).
import { h } from "/static/lib/api.js";
import { button, buttons, showError, submit } from "../forms.js";
import { changedValues, settingsSections } from "../settingsform.js";

export const OWNER_OF_NODE = { tech_group: "tech_group", channel: "channel", technician: "technician" };

// [label, scope, note] per owner type.
const SAVE_BUTTONS = {
  tech_group: [["Save", "save"], ["Apply to subgroups", "subgroups"], ["Apply to all groups", "all_groups"]],
  channel: [["Save Changes", "save"], ["Save settings to all channels", "all_channels"]],
  technician: [["Save", "save"]],
};

const SCOPE_MESSAGES = {
  save: "Settings saved.",
  subgroups: "Settings saved and copied to every subgroup.",
  all_groups: "Settings saved and copied to every Technician Group you administer.",
  all_channels: "Settings saved and copied to every channel.",
};

// Render `defs` for one owner with its save buttons; used by this tab and by Global Settings.
export function settingsForm({ title, defs, values, scopes, save }) {
  let current = values;
  const body = settingsSections(defs, values);
  const form = h("form", { class: "admin-form admin-settings", "aria-label": title });
  form.addEventListener("submit", (e) => e.preventDefault());
  const run = async (scope) => {
    let edited;
    try { edited = body.read(); } catch (error) { showError(form, error); return; }
    // Save writes what changed; a copy sends the whole page, minus what may not be copied that far.
    const copyable = defs.filter((d) => scope !== "all_channels" || d.apply_to_all_allowed !== false).map((d) => d.key);
    const payload = scope === "save" ? changedValues(current, edited) :
      Object.fromEntries(Object.entries(edited).filter(([key]) => copyable.includes(key)));
    if (!Object.keys(payload).length) { showError(form, new Error("Nothing has changed.")); return; }
    const saved = await submit(form, () => save(payload, scope), SCOPE_MESSAGES[scope]);
    if (saved) current = { ...current, ...(saved.values || saved) };
  };
  form.append(body.element,
    buttons(...scopes.map(([label, scope], i) => button(label, () => run(scope), i === 0 ? "primary" : ""))));
  return form;
}

export async function renderSettings(panel, ctx) {
  const { node } = ctx;
  const owner = node && OWNER_OF_NODE[node.type];
  if (!owner) {
    panel.append(h("h2", {}, "Settings"), h("p", { class: "admin-placeholder" },
      "Settings belong to Technician Groups, channels and technicians. Select one in the tree."));
    return;
  }
  const { definitions: defs, values, urls_hidden: urlsHidden } = await ctx.api.settings(owner, node.id);
  if (!ctx.isCurrent()) return;
  const formWith = (shown) => settingsForm({
    title: `Settings of ${node.label}`, defs, values: shown, scopes: SAVE_BUTTONS[owner],
    save: (payload, scope) => ctx.api.saveSettings(owner, node.id, payload, scope),
  });
  let form = formWith(values);
  // Hide post session URLs (part2 §14): the Post-to-URL URLs arrive masked until Show URLs (audited).
  const show = urlsHidden ? buttons(button("Show URLs", async () => {
    const { post_to_url: postToUrl } = await ctx.api.showUrls(node.id);
    const revealed = formWith({ ...values, post_to_url: postToUrl });
    form.replaceWith(revealed);
    form = revealed;
    show.remove();
  })) : null;
  panel.append(h("h2", {}, `Settings: ${node.label}`),
    h("p", { class: "admin-subtitle" }, owner === "tech_group" ?
      "Save changes this group only; the Apply buttons copy every setting on this page." :
      owner === "channel" ? "Auto-transfer and auto-start settings are never copied to other channels." : ""),
    ...(show ? [show] : []), form);
}
