// Render settings from the catalog (key, label, kind, choices, bounds, group, description) as form
// sections, and read the edited values back. Used by the Settings and Global Settings tabs.
import { h } from "/static/lib/api.js";
import { checkbox, field, fieldset } from "./forms.js";
import { ipRuleEditor } from "./ipform.js";

export function humanize(value) {
  const text = String(value).replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function controlFor(def, value) {
  const name = def.key;
  switch (def.kind) {
    case "bool":
      return { row: h("div", { class: "admin-field", dataset: { field: name } }, h("span"), checkbox(name, value, def.label)) };
    case "int": {
      const input = h("input", { type: "number", name, min: def.minimum ?? null, max: def.maximum ?? null, step: "1" });
      input.value = value === null || value === undefined ? "" : String(value);
      return { row: field(def.label, input, def.description) };
    }
    case "choice": {
      const input = h("select", { name }, (def.choices || []).map((c) => h("option", { value: c }, humanize(c))));
      input.value = value;
      return { row: field(def.label, input, def.description) };
    }
    case "json": {
      if (/ip_rule$/.test(name)) {
        const editor = ipRuleEditor(name, value);
        return { row: h("div", { class: "admin-field admin-field-wide", dataset: { field: name } },
          h("span", { class: "admin-field-label" }, def.label), editor.element), read: editor.read };
      }
      const area = h("textarea", { name, "data-skip": "true", rows: "4", spellcheck: "false" });
      area.value = JSON.stringify(value, null, 2);
      return { row: field(def.label, area, def.description || "JSON value."), read: () => JSON.parse(area.value) };
    }
    default: {
      const long = def.kind === "text" && def.max_length && def.max_length > 200;
      const input = long ? h("textarea", { name, rows: "3", maxlength: def.max_length }) :
        h("input", { type: def.kind === "email" ? "email" : def.kind === "url" ? "url" : "text", name, maxlength: def.max_length ?? null });
      input.value = value ?? "";
      return { row: field(def.label, input, def.description) };
    }
  }
}

// Build a form body for `defs` with `values`; returns {element, read()} where read() gives {key: value}.
export function settingsSections(defs, values) {
  const readers = new Map();
  const sections = new Map();
  for (const def of defs) {
    const section = def.group || def.section || "General";
    if (!sections.has(section)) sections.set(section, []);
    const { row, read } = controlFor(def, values[def.key]);
    if (read) readers.set(def.key, read);
    sections.get(section).push(row);
  }
  const element = h("div", { class: "admin-settings-sections" },
    [...sections].map(([title, rows]) => fieldset(title, ...rows)));
  const read = () => {
    const out = {};
    for (const def of defs) {
      if (readers.has(def.key)) {
        try { out[def.key] = readers.get(def.key)(); } catch {
          throw Object.assign(new Error(`${def.label}: the value is not valid JSON.`), { body: { field: def.key } });
        }
        continue;
      }
      const el = element.querySelector(`[name="${CSS.escape(def.key)}"]`);
      if (!el) continue;
      if (def.kind === "bool") out[def.key] = el.checked;
      else if (def.kind === "int") out[def.key] = el.value === "" ? null : Number(el.value);
      else out[def.key] = el.value;
    }
    return out;
  };
  return { element, read };
}

// Only the keys whose value differs from `before` (so a save does not rewrite untouched settings).
export function changedValues(before, after) {
  const out = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(value) !== JSON.stringify(before[key])) out[key] = value;
  }
  return out;
}
