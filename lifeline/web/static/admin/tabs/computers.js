// Computers tab (spec §27): the Computer Groups of a Technician Group and their state.
import { h } from "/static/lib/api.js";
import { TYPE_NAMES } from "../orgmodel.js";

function groupTable(groups, ctx) {
  return h("table", { class: "admin-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Computer Group"), h("th", {}, "Technician Group"), h("th", {}, "Status"))),
    h("tbody", {}, groups.map(({ node, owner }) => h("tr", {},
      h("td", {}, h("a", { href: "#", onclick: (e) => { e.preventDefault(); ctx.app.selectKey(node.key); } }, node.label)),
      h("td", {}, owner.label), h("td", {}, node.enabled ? "Enabled" : "Disabled")))));
}

// Computer Groups in `node`'s subtree, with the Technician Group each belongs to.
function computerGroupsUnder(node) {
  const out = [];
  const walk = (n) => n.children.forEach((child) => {
    if (child.type === "computer_group") out.push({ node: child, owner: n });
    walk(child);
  });
  walk(node);
  return out;
}

export async function renderComputers(panel, ctx) {
  const { node } = ctx;
  const technicians = ctx.app.roots.find((r) => r.key === "root:technicians");
  const scope = node && (node.type === "tech_group" || node.key === "root:technicians") ? node :
    node && node.type === "computer_group" ? ctx.tree.parentOf(node.key) : technicians;
  if (!scope) {
    panel.append(h("h2", {}, "Computers"), h("p", { class: "admin-placeholder" }, "You administer no Technician Groups."));
    return;
  }
  const groups = computerGroupsUnder(scope);
  panel.append(h("h2", {}, `Computers: ${scope.label}`),
    h("p", { class: "admin-subtitle" }, `Computer Groups in ${scope.isRoot ? "every Technician Group" : `${TYPE_NAMES[scope.type]} ${scope.label} and its subgroups`}.`),
    groups.length ? groupTable(groups, ctx) :
      h("p", { class: "admin-placeholder" }, "No Computer Groups yet. Right-click a Technician Group and choose Create Computer Group."));
}
