// "Create new session" (part1 §17, part2 §5): name and the group's enabled custom fields, then one
// connection method — PIN Code (shown with the URL the customer types it into), Link, Email or SMS.

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { openDialog } from "/static/console/dialog.js";

function methodsOf(group) {
  const methods = [];
  if (group.pin_enabled) methods.push(["pin", "PIN Code"]);
  if (group.link_enabled) methods.push(["link", "Link"]);
  if (group.email_via_server || group.email_via_default_client) methods.push(["email", "Email"]);
  if (group.sms_enabled) methods.push(["sms", "SMS"]);
  return methods;
}

function fieldInputs(config) {
  const inputs = new Map(); // index -> element
  const nodes = [];
  const add = (index, label, element) => {
    element.id = `tc-new-field-${index}`;
    inputs.set(index, element);
    nodes.push(h("label", { for: element.id }, label), element);
  };
  add(0, `${config.labels[0]} (optional)`, h("input", { type: "text", maxlength: 128 }));
  (config.group.private_custom_fields || []).forEach((field, i) => {
    const index = i + 1;
    if (!field.enabled) return;
    const label = `${config.labels[index]}${field.mandatory ? "" : " (optional)"}`;
    const element = field.type === "dropdown"
      ? h("select", {}, h("option", { value: "" }, "—"), ...field.choices.map((c) => h("option", { value: c }, c)))
      : h("input", { type: "text", maxlength: 64 });
    element.required = field.mandatory;
    add(index, label, element);
  });
  return { nodes, inputs };
}

export function createSessionDialog(config) {
  const methods = methodsOf(config.group);
  const { nodes, inputs } = fieldInputs(config);
  const email = h("input", { type: "email", id: "tc-new-email", placeholder: "customer@example.com" });
  const phone = h("input", { type: "tel", id: "tc-new-phone", placeholder: "+1 555 0100" });
  const extra = h("div", {});
  const result = h("div", { class: "tc-new-result", "aria-live": "polite" });
  const tabs = h("div", { class: "tc-dialog-tabs", role: "tablist", "aria-label": "Connection method" });
  let method = methods.length ? methods[0][0] : null;
  const select = (key) => {
    method = key;
    for (const b of tabs.children) b.setAttribute("aria-selected", String(b.dataset.method === key));
    extra.replaceChildren(...(key === "email" ? [h("label", { for: email.id }, "Customer email"), email]
      : key === "sms" ? [h("label", { for: phone.id }, "Customer phone number"), phone] : []));
    result.replaceChildren();
  };
  for (const [key, title] of methods) {
    tabs.append(h("button", { type: "button", role: "tab", dataset: { method: key }, onclick: () => select(key) }, title));
  }
  if (method) select(method);
  const pinUrl = config.group.pin_display_url || `${config.public_url}/`;

  function showResult(answer) {
    const copyRow = (value, label) => {
      const input = h("input", { type: "text", readonly: true, value, "aria-label": label });
      return h("div", { class: "tc-copyable" }, input,
        h("button", { type: "button", class: "tc-button", onclick: () => navigator.clipboard?.writeText(value) }, "Copy"));
    };
    if (answer.pin) {
      result.replaceChildren(h("p", {}, "Give the customer this PIN code:"),
        h("div", { class: "tc-code", id: "tc-new-pin" }, answer.pin),
        h("p", {}, "They enter it at ", h("a", { href: pinUrl, target: "_blank", rel: "noopener", id: "tc-new-pin-url" }, pinUrl)));
    } else if (answer.mailto) {
      result.replaceChildren(h("p", {}, "Send the link from your own email program:"),
        h("a", { class: "tc-button tc-button-primary", href: answer.mailto }, "Open email"), copyRow(answer.link, "Link"));
    } else if (method === "email") {
      result.replaceChildren(h("p", {}, "The connection email has been sent."), copyRow(answer.link, "Link"));
    } else if (method === "sms") {
      result.replaceChildren(h("p", {}, "The SMS has been sent."), copyRow(answer.link, "Link"));
    } else {
      result.replaceChildren(h("p", {}, "Send the customer this one-time link:"), copyRow(answer.link, "Session link"));
    }
  }

  return openDialog({
    title: "Create new session",
    cancelLabel: "Close",
    build: () => methods.length
      ? [...nodes, h("h3", {}, "Connection method"), tabs, extra, result]
      : [h("p", {}, "Your group allows no connection method for private sessions.")],
    buttons: methods.length ? [{ label: "Create", primary: true, action: async () => {
      const fields = {};
      for (const [index, element] of inputs) if (index > 0 && element.value.trim()) fields[index] = element.value.trim();
      const answer = await consoleApi.createSession({
        method, name: inputs.get(0).value.trim(), fields, email: email.value.trim(), phone: phone.value.trim(),
      });
      showResult(answer);
      return undefined; // stay open: the technician reads the code out
    } }] : [],
  });
}
