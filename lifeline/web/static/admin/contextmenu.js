// The tree's right-click menu: which entries a node offers depends on the signed-in
// user's role (spec §1, §31) and on the node type. The server still checks every action;
// the menu only avoids offering what would certainly be refused.
import { h } from "/static/lib/api.js";

// Entry ids understood by actions.js.
const CREATE_MASTER = ["create_master_admin", "Create Master Administrator"];
const CREATE_ADMIN = ["create_admin", "Create administrator"];
const CREATE_ADMIN_GROUP = ["create_admin_group", "Create group"];
const CREATE_TECH_GROUP = ["create_tech_group", "Create group"];
const CREATE_TECHNICIAN = ["create_technician", "Create technician"];
const CREATE_COMPUTER_GROUP = ["create_computer_group", "Create Computer Group"];
const CREATE_EXTERNAL_GROUP = ["create_external_group", "Create group"];
const CREATE_EXTERNAL_TECH = ["create_external_tech", "Create external technician"];

// The entries for `node` as [id, label, {danger}] lists, given the viewer from GET /api/admin/me.
export function menuEntries(node, me) {
  const master = me.isMaster;
  const mayTouchGroup = (groupId) => master || me.assignedGroupIds.has(groupId);
  const status = node.enabled === false ? ["enable", "Enable"] : ["disable", "Disable"];
  const remove = ["delete", "Delete", { danger: true }];
  switch (node.type) {
    case "root:masters": return master ? [CREATE_MASTER] : [];
    case "root:admins": return master ? [CREATE_ADMIN, CREATE_ADMIN_GROUP] : [];
    case "admin_group": return master ? [CREATE_ADMIN, CREATE_ADMIN_GROUP, null, status, remove] : [];
    case "master_admin":
    case "admin": return master && node.id !== me.userId ? [status, null, remove] : [];
    case "root:technicians": return master ? [CREATE_TECH_GROUP] : [];
    case "tech_group":
      return mayTouchGroup(node.id) ? [CREATE_TECH_GROUP, CREATE_TECHNICIAN, CREATE_COMPUTER_GROUP, null, status, remove] : [];
    case "technician": return mayTouchGroup(node.parentGroupId) ? [status, null, remove] : [];
    case "computer_group": return mayTouchGroup(node.parentGroupId) ? [remove] : [];
    case "root:external": return master ? [CREATE_EXTERNAL_GROUP] : [];
    case "external_group": return master ? [CREATE_EXTERNAL_TECH, null, remove] : [];
    case "external_tech": return master ? [remove] : [];
    default: return [];
  }
}

export class ContextMenu {
  constructor(layer, onChoose) {
    this.layer = layer;
    this.onChoose = onChoose;
    this.menu = null;
    this.returnFocus = null;
    document.addEventListener("pointerdown", (event) => {
      if (this.menu && !this.menu.contains(event.target)) this.close();
    });
    window.addEventListener("blur", () => this.close());
    window.addEventListener("resize", () => this.close());
  }

  open(node, me, x, y) {
    this.close();
    const entries = menuEntries(node, me);
    if (!entries.length) return;
    this.returnFocus = document.activeElement;
    const menu = h("ul", { class: "admin-menu", role: "menu", "aria-label": `Actions for ${node.label}` });
    for (const entry of entries) {
      if (entry === null) { menu.append(h("li", { class: "admin-menu-separator", role: "separator" })); continue; }
      const [id, label, opts = {}] = entry;
      const itemButton = h("button", {
        type: "button", role: "menuitem", class: `admin-menu-item${opts.danger ? " is-danger" : ""}`,
        dataset: { action: id },
        onclick: () => { this.close(); this.onChoose(id, node); },
      }, label);
      menu.append(h("li", { role: "none" }, itemButton));
    }
    menu.addEventListener("keydown", (event) => this.handleKey(event));
    this.layer.append(menu);
    const { innerWidth, innerHeight } = window;
    const rect = menu.getBoundingClientRect();
    menu.style.left = `${Math.min(x, innerWidth - rect.width - 4)}px`;
    menu.style.top = `${Math.min(y, innerHeight - rect.height - 4)}px`;
    this.menu = menu;
    menu.querySelector("button").focus();
  }

  close() {
    if (!this.menu) return;
    this.menu.remove();
    this.menu = null;
    if (this.returnFocus && document.contains(this.returnFocus)) this.returnFocus.focus();
    this.returnFocus = null;
  }

  handleKey(event) {
    const items = [...this.menu.querySelectorAll("button")];
    const index = items.indexOf(document.activeElement);
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step) {
      event.preventDefault();
      items[(index + step + items.length) % items.length].focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      this.close();
    }
  }
}
