// Predefined replies and URLs (part2 §3): the technician's own list, kept server-side, with the
// Manage dialog (add, edit, delete, import and export of replies.xml).

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { openDialog } from "/static/console/dialog.js";
import { notify } from "/static/console/state.js";

export let replies = [];

export async function loadReplies() {
  replies = (await consoleApi.replies()).replies;
  notify("replies");
}

export const repliesOf = (kind) => replies.filter((r) => r.kind === kind);

function editor(kind, item, onSaved, guard) {
  const name = h("input", { type: "text", maxlength: 128, value: item ? item.name : "", "aria-label": "Name" });
  const content = kind === "url"
    ? h("input", { type: "text", value: item ? item.content : "", placeholder: "https://… or ftp://…", "aria-label": "URL" })
    : h("textarea", { "aria-label": "Content" }, item ? item.content : "");
  const save = h("button", { type: "button", class: "tc-button tc-button-primary" }, item ? "Save" : "Add");
  const form = h("div", { class: "tc-reply-editor" },
    h("label", {}, "Name"), name, h("label", {}, kind === "url" ? "URL" : "Content"), content,
    h("div", { class: "tc-dialog-buttons" }, save));
  save.addEventListener("click", guard(async () => {
    if (item) await consoleApi.updateReply(item.id, kind, name.value, content.value);
    else await consoleApi.addReply(kind, name.value, content.value);
    name.value = "";
    content.value = "";
    await loadReplies();
    onSaved();
  }));
  return form;
}

export function manageReplies() {
  return openDialog({
    title: "Manage predefined replies",
    className: "tc-replies-dialog",
    cancelLabel: "Close",
    build(ctx) {
      const body = h("div", {});
      const tabs = h("div", { class: "tc-dialog-tabs", role: "tablist" });
      const pages = [["reply", "Predefined Replies"], ["url", "Predefined URLs"], ["io", "Import/Export"]];
      let current = "reply";
      const guard = (fn) => async (...args) => {
        ctx.error("");
        try { await fn(...args); } catch (error) { ctx.error(error.message); }
      };
      const show = (key) => {
        current = key;
        for (const button of tabs.children) button.setAttribute("aria-selected", String(button.dataset.key === key));
        body.replaceChildren(key === "io" ? importExport(ctx, guard) : listPage(key, guard, () => show(current)));
      };
      for (const [key, title] of pages) {
        tabs.append(h("button", { type: "button", role: "tab", dataset: { key }, onclick: () => show(key) }, title));
      }
      show("reply");
      return [tabs, body];
    },
  });
}

function listPage(kind, guard, redraw) {
  const items = repliesOf(kind);
  const list = h("ul", { class: "tc-replies-list" }, items.length ? items.map((item) => h("li", {},
    h("strong", {}, item.name),
    h("span", { class: "tc-reply-text" }, item.content),
    h("button", { type: "button", class: "tc-button tc-button-small", onclick: () => {
      list.after(editor(kind, item, redraw, guard));
    } }, "Edit"),
    h("button", { type: "button", class: "tc-button tc-button-small tc-button-danger", onclick: guard(async () => {
      await consoleApi.deleteReply(item.id);
      await loadReplies();
      redraw();
    }) }, "Delete"))) : h("li", {}, "Nothing yet."));
  const add = editor(kind, null, redraw, guard);
  return h("div", {}, list, h("h3", {}, "Add new"), add);
}

function importExport(ctx, guard) {
  const file = h("input", { type: "file", accept: ".xml,text/xml", "aria-label": "replies.xml to import" });
  const result = h("p", { class: "tc-muted", role: "status" });
  return h("div", {},
    h("p", {}, "One file holds both replies and URLs. Importing adds to your list; nothing is replaced."),
    h("div", { class: "tc-dialog-buttons" },
      h("button", { type: "button", class: "tc-button", onclick: guard(async () => {
        const blob = await consoleApi.exportReplies();
        const link = h("a", { href: URL.createObjectURL(blob), download: "replies.xml" });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      }) }, "Export replies.xml")),
    h("label", {}, "Import"), file,
    h("div", { class: "tc-dialog-buttons" },
      h("button", { type: "button", class: "tc-button tc-button-primary", onclick: guard(async () => {
        if (!file.files.length) throw new Error("Choose a replies.xml file first.");
        const answer = await consoleApi.importReplies(await file.files[0].text());
        await loadReplies();
        result.textContent = `${answer.imported} item(s) imported.`;
      }) }, "Import")),
    result);
}
