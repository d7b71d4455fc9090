// Administration Center entry point: load who is signed in, draw the tree and the tabs the
// viewer may see, and keep tree selection and workspace in step. Data: endpoints.js.
import { h, post } from "/static/lib/api.js";
import { runDrop, runMenuAction } from "./actions.js";
import { ContextMenu } from "./contextmenu.js";
import { enableDragAndDrop } from "./dnd.js";
import * as endpoints from "./endpoints.js";
import { plainMessage } from "./forms.js";
import { buildTree } from "./orgmodel.js";
import { renderApiAccounts } from "./tabs/api_accounts.js";
import { renderAudit } from "./tabs/audit.js";
import { renderChannels } from "./tabs/channels.js";
import { renderComputers } from "./tabs/computers.js";
import { renderGlobal } from "./tabs/global.js";
import { renderOrganization } from "./tabs/organization.js";
import { renderSettings } from "./tabs/settings.js";
import { renderSessionsTab } from "./tabs/sessions.js";
import { OrgTree } from "./tree.js";
import { Workspace } from "./workspace.js";

// Tabs this page implements, in the order of spec §1; shown only if GET /api/admin/me lists them.
const TABS = [
  { id: "organization", label: "Organization", render: renderOrganization },
  { id: "settings", label: "Settings", render: renderSettings },
  { id: "sessions", label: "Sessions", render: (panel, ctx) => renderSessionsTab(panel, ctx.node) },
  { id: "channels", label: "Channels", render: renderChannels },
  { id: "computers", label: "Computers", render: renderComputers },
  { id: "global_settings", label: "Global Settings", render: renderGlobal },
  { id: "audit", label: "Audit log", render: renderAudit },
  { id: "api_accounts", label: "API accounts", render: (panel) => renderApiAccounts(panel) },
];

class AdminCenter {
  constructor(me) {
    this.me = me;
    this.api = endpoints;
    this.roots = [];
    this.channels = [];
    this.status = document.getElementById("admin-status");
    this.tree = new OrgTree(document.getElementById("admin-tree"), {
      onSelect: (node) => { this.status.replaceChildren(); this.workspace.setContext(this.context(node)); },
      onContextMenu: (node, x, y) => this.menu.open(node, me, x, y),
    });
    this.menu = new ContextMenu(document.getElementById("admin-menu-layer"), (id, node) => runMenuAction(this, id, node));
    enableDragAndDrop(this.tree, (action, source, target) => runDrop(this, action, source, target));
    this.workspace = new Workspace(document.getElementById("admin-tabs"), document.getElementById("admin-panel"),
      TABS.filter((t) => me.tabs.has(t.id)));
    document.getElementById("admin-tree-search").addEventListener("input", (e) => this.tree.applyFilter(e.target.value));
  }

  context(node) {
    return { node, me: this.me, api: this.api, tree: this.tree, app: this };
  }

  // Reload the organization and redraw; then select `key` (or keep the current selection).
  async refresh(key = this.tree.selectedKey, { showTab } = {}) {
    const tree = await this.api.tree();
    this.channels = tree.channels || [];
    this.roots = buildTree(tree);
    this.tree.render(this.roots);
    if (showTab && this.workspace.tabs.some((t) => t.id === showTab)) this.workspace.current = showTab;
    this.workspace.drawTabBar();
    const target = key && this.tree.node(key) ? key : this.roots[0]?.key;
    if (target) this.selectKey(target);
    else this.workspace.setContext(this.context(null));
  }

  selectKey(key) {
    this.tree.select(key);
  }

  flash(message) {
    this.status.replaceChildren(h("div", { class: "admin-alert admin-alert-ok" }, message)); // #admin-status is the live region
  }

  flashError(message) {
    this.status.replaceChildren(h("div", { class: "admin-alert admin-alert-error", role: "alert" }, message));
  }
}

async function signOut() {
  try { await post("/api/auth/logout"); } finally { location.assign("/login?app=admin"); }
}

async function boot() {
  document.getElementById("admin-sign-out").addEventListener("click", signOut);
  try {
    const me = await endpoints.me();
    const app = new AdminCenter(me);
    window.lifelineAdmin = app; // handy from the browser console; nothing depends on it
    await app.refresh(null);
    document.body.dataset.ready = "true";
  } catch (error) {
    if (error && error.status === 401) { location.assign(`/login?app=admin&next=${encodeURIComponent(location.pathname)}`); return; }
    document.getElementById("admin-panel").replaceChildren(
      h("div", { class: "admin-alert admin-alert-error", role: "alert" }, plainMessage(error)));
  }
}

boot();
