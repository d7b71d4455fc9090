// The organization tree: rendering, expand/collapse, selection, keyboard navigation, search.
// Nodes come from orgmodel.js as {key, type, id, label, count, enabled, children, isRoot}.
import { h } from "/static/lib/api.js";
import { ICONS } from "./orgmodel.js";

// A tree this small opens fully the first time; larger ones start with only the roots open
// (spec §1: close unused branches on very large accounts).
const OPEN_ALL_UP_TO_NODES = 200;

function allKeys(nodes, out = []) {
  for (const n of nodes) { out.push(n.key); allKeys(n.children, out); }
  return out;
}

export class OrgTree {
  constructor(container, { onSelect, onContextMenu }) {
    this.container = container;
    this.onSelect = onSelect;
    this.onContextMenu = onContextMenu;
    this.expanded = new Set(["root:masters", "root:admins", "root:technicians", "root:channels", "root:external"]);
    this.drawn = false;
    this.selectedKey = null;
    this.nodes = new Map();
    this.filter = "";
    container.addEventListener("keydown", (event) => this.handleKey(event));
  }

  // Replace the tree's content, keeping expansion, selection and the search filter.
  render(roots) {
    if (!this.drawn) {
      const keys = allKeys(roots);
      if (keys.length <= OPEN_ALL_UP_TO_NODES) keys.forEach((k) => this.expanded.add(k));
      this.drawn = true;
    }
    this.nodes.clear();
    const list = h("ul", { role: "group" }, roots.map((node) => this.renderNode(node, 1, null)));
    this.container.replaceChildren(list);
    if (!this.nodes.has(this.selectedKey)) this.selectedKey = null;
    this.applyFilter(this.filter);
    this.refreshTabStops();
  }

  renderNode(node, level, parentKey) {
    this.nodes.set(node.key, { node, parentKey });
    const hasChildren = node.children.length > 0;
    const isOpen = this.expanded.has(node.key);
    const toggle = h("button", {
      type: "button", class: "admin-tree-toggle", tabindex: "-1",
      "aria-label": isOpen ? `Collapse ${node.label}` : `Expand ${node.label}`,
      hidden: !hasChildren,
      onclick: (event) => { event.stopPropagation(); this.toggle(node.key); },
    }, hasChildren ? (isOpen ? "▼" : "▶") : "");
    const row = h("div", { class: "admin-tree-row" },
      toggle,
      h("span", { class: "admin-tree-icon", "aria-hidden": "true" }, ICONS[node.type] || "•"),
      h("span", { class: "admin-tree-label" }, node.label),
      node.count !== undefined && node.count !== null ? h("span", { class: "admin-tree-count" }, `(${node.count})`) : null);
    const item = h("li", {
      role: "treeitem", class: "admin-tree-item", tabindex: "-1",
      "aria-level": String(level), "aria-selected": node.key === this.selectedKey ? "true" : "false",
      "aria-expanded": hasChildren ? String(isOpen) : null,
      "aria-label": node.enabled === false ? `${node.label} (disabled)` : node.label,
      dataset: { key: node.key, type: node.type, id: node.id ?? "" },
    }, row);
    item.classList.toggle("is-root", Boolean(node.isRoot));
    item.classList.toggle("is-disabled", node.enabled === false);
    row.addEventListener("click", () => this.select(node.key));
    row.addEventListener("contextmenu", (event) => {
      event.preventDefault();
      this.select(node.key);
      this.onContextMenu(node, event.clientX, event.clientY);
    });
    if (hasChildren) {
      const children = h("ul", { role: "group" }, node.children.map((child) => this.renderNode(child, level + 1, node.key)));
      children.hidden = !isOpen;
      item.append(children);
    }
    return item;
  }

  itemFor(key) {
    return this.container.querySelector(`[data-key="${CSS.escape(key)}"]`);
  }

  node(key) {
    const entry = this.nodes.get(key);
    return entry ? entry.node : null;
  }

  parentOf(key) {
    const entry = this.nodes.get(key);
    return entry && entry.parentKey ? this.node(entry.parentKey) : null;
  }

  toggle(key, open = !this.expanded.has(key)) {
    const item = this.itemFor(key);
    const group = item && item.querySelector(":scope > ul");
    if (!group) return;
    if (open) this.expanded.add(key); else this.expanded.delete(key);
    group.hidden = !open;
    item.setAttribute("aria-expanded", String(open));
    const toggle = item.querySelector(":scope > .admin-tree-row > .admin-tree-toggle");
    toggle.textContent = open ? "▼" : "▶";
    toggle.setAttribute("aria-label", `${open ? "Collapse" : "Expand"} ${this.node(key).label}`);
  }

  // Open every ancestor of `key` so it can be seen.
  reveal(key) {
    for (let parent = this.parentOf(key); parent; parent = this.parentOf(parent.key)) this.toggle(parent.key, true);
  }

  select(key, { focus = true, notify = true } = {}) {
    if (!this.nodes.has(key)) return;
    this.selectedKey = key;
    for (const el of this.container.querySelectorAll('[aria-selected="true"]')) el.setAttribute("aria-selected", "false");
    this.reveal(key);
    const item = this.itemFor(key);
    item.setAttribute("aria-selected", "true");
    this.refreshTabStops();
    if (focus) item.focus();
    if (notify) this.onSelect(this.node(key));
  }

  // Exactly one tree item is in the tab order: the selected one, or the first.
  refreshTabStops() {
    const items = [...this.container.querySelectorAll(".admin-tree-item")];
    items.forEach((el) => el.setAttribute("tabindex", "-1"));
    const current = (this.selectedKey && this.itemFor(this.selectedKey)) || items[0];
    if (current) current.setAttribute("tabindex", "0");
  }

  visibleItems() {
    return [...this.container.querySelectorAll(".admin-tree-item")].filter((el) => el.offsetParent !== null);
  }

  handleKey(event) {
    const item = event.target.closest(".admin-tree-item");
    if (!item || event.target !== item) return;
    const key = item.dataset.key;
    const visible = this.visibleItems();
    const index = visible.indexOf(item);
    const moveTo = (el) => { if (el) this.select(el.dataset.key); };
    const open = this.expanded.has(key);
    const hasChildren = item.querySelector(":scope > ul") !== null;
    const handled = {
      ArrowDown: () => moveTo(visible[index + 1]),
      ArrowUp: () => moveTo(visible[index - 1]),
      Home: () => moveTo(visible[0]),
      End: () => moveTo(visible[visible.length - 1]),
      ArrowRight: () => (hasChildren && !open ? this.toggle(key, true) : moveTo(item.querySelector(":scope > ul > li"))),
      ArrowLeft: () => (hasChildren && open ? this.toggle(key, false) : moveTo(item.parentElement.closest(".admin-tree-item"))),
      Enter: () => this.select(key),
      ContextMenu: () => this.openMenuAtItem(item),
    }[event.key];
    const shiftF10 = event.key === "F10" && event.shiftKey;
    if (!handled && !shiftF10) return;
    event.preventDefault();
    if (shiftF10) this.openMenuAtItem(item); else handled();
  }

  openMenuAtItem(item) {
    const rect = item.querySelector(".admin-tree-row").getBoundingClientRect();
    this.onContextMenu(this.node(item.dataset.key), rect.left + 24, rect.bottom);
  }

  // Show only the nodes whose label contains `text`, with their ancestors; open those ancestors.
  applyFilter(text) {
    this.filter = text.trim().toLowerCase();
    const items = this.container.querySelectorAll(".admin-tree-item");
    items.forEach((el) => el.classList.remove("is-hidden", "is-match"));
    if (!this.filter) return;
    const keep = new Set();
    for (const [key, { node }] of this.nodes) {
      if (!node.label.toLowerCase().includes(this.filter)) continue;
      this.itemFor(key).classList.add("is-match");
      for (let k = key; k; k = this.nodes.get(k).parentKey) keep.add(k);
      this.reveal(key);
    }
    items.forEach((el) => { if (!keep.has(el.dataset.key)) el.classList.add("is-hidden"); });
  }
}
