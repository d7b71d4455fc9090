// The workspace on the right: the tab bar and the panel. The chosen tab stays selected while
// the user picks other tree nodes (spec §1: "the current tab stays selected when switching nodes").
import { h } from "/static/lib/api.js";

export class Workspace {
  constructor(tabBar, panel, tabs) {
    this.tabBar = tabBar;
    this.panel = panel;
    this.tabs = tabs; // [{id, label, render(panel, ctx)}], already limited to what the viewer may see
    this.current = tabs.length ? tabs[0].id : null;
    this.context = null;
    this.renderSerial = 0;
    this.drawTabBar();
    tabBar.addEventListener("keydown", (event) => this.handleKey(event));
  }

  drawTabBar() {
    this.tabBar.replaceChildren(...this.tabs.map((tab) => h("button", {
      type: "button", role: "tab", class: "admin-tab", id: `admin-tab-${tab.id}`,
      "aria-selected": tab.id === this.current ? "true" : "false",
      tabindex: tab.id === this.current ? "0" : "-1",
      dataset: { tab: tab.id },
      onclick: () => this.show(tab.id),
    }, tab.label)));
    this.panel.setAttribute("aria-labelledby", `admin-tab-${this.current}`);
  }

  handleKey(event) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = this.tabs.findIndex((t) => t.id === this.current);
    const next = this.tabs[(index + step + this.tabs.length) % this.tabs.length];
    this.show(next.id);
    this.tabBar.querySelector(`[data-tab="${next.id}"]`).focus();
  }

  show(tabId) {
    this.current = tabId;
    this.drawTabBar();
    this.render();
  }

  // Called when the tree selection changes: same tab, new node.
  setContext(context) {
    this.context = context;
    this.render();
  }

  async render() {
    const tab = this.tabs.find((t) => t.id === this.current);
    if (!tab) {
      this.panel.replaceChildren(h("p", { class: "admin-placeholder" }, "There is nothing here you may open."));
      return;
    }
    // A slow response for a node the user has already left must not overwrite the newer one.
    const serial = ++this.renderSerial;
    const target = h("div", { class: "admin-tab-body", dataset: { tab: tab.id } });
    this.panel.replaceChildren(target);
    try {
      await tab.render(target, { ...this.context, isCurrent: () => serial === this.renderSerial });
    } catch (error) {
      if (serial !== this.renderSerial) return;
      target.replaceChildren(h("div", { class: "admin-alert admin-alert-error", role: "alert" },
        error && error.message ? error.message : "This tab could not be loaded."));
    }
  }
}
