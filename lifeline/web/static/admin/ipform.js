// Editor for an IP rule value {default: "grant"|"deny", exceptions: [{network_id, subnet_mask}]}
// (spec §12): "By default, all users will be granted/denied access, except the following".
import { h } from "/static/lib/api.js";
import { button } from "./forms.js";

let serial = 0;

// Returns {element, read()}; read() gives the rule to send back to the API.
export function ipRuleEditor(name, value) {
  const rule = { default: (value && value.default) || "grant", exceptions: [...((value && value.exceptions) || [])] };
  const group = `admin-ip-${name}-${++serial}`;
  const radio = (choice, label) => {
    const input = h("input", { type: "radio", name: group, value: choice, "data-skip": "true" });
    input.checked = rule.default === choice;
    input.addEventListener("change", () => { rule.default = choice; });
    return h("label", { class: "admin-check" }, input, label);
  };
  const list = h("tbody");
  const table = h("table", { class: "admin-table admin-ip-table", "aria-label": "Exceptions" },
    h("thead", {}, h("tr", {}, h("th", {}, "Network ID"), h("th", {}, "Subnet mask"), h("th", {}, ""))), list);
  const drawList = () => {
    list.replaceChildren(...(rule.exceptions.length ? rule.exceptions.map((item, index) => h("tr", {},
      h("td", {}, item.network_id), h("td", {}, item.subnet_mask),
      h("td", {}, button("Remove", () => { rule.exceptions.splice(index, 1); drawList(); }, "quiet")))) :
      [h("tr", {}, h("td", { colspan: "3", class: "admin-placeholder" }, "No exceptions defined yet"))]));
  };
  const network = h("input", { type: "text", "data-skip": "true", placeholder: "192.168.1.0", "aria-label": "Network ID", size: "15" });
  const mask = h("input", { type: "text", "data-skip": "true", placeholder: "255.255.255.0", "aria-label": "Subnet mask", size: "15" });
  const add = button("Add", () => {
    if (!network.value.trim() || !mask.value.trim()) return;
    rule.exceptions.push({ network_id: network.value.trim(), subnet_mask: mask.value.trim() });
    network.value = ""; mask.value = "";
    drawList();
  });
  drawList();
  const element = h("div", { class: "admin-ip-rule", dataset: { setting: name } },
    h("div", {}, "By default, all users will be:"),
    radio("grant", "Granted access"), radio("deny", "Denied access"),
    h("div", {}, "Except the following:"), table,
    h("div", { class: "admin-inline" }, network, mask, add));
  return { element, read: () => ({ default: rule.default, exceptions: rule.exceptions.map((e) => ({ ...e })) }) };
}
