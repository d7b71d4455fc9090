// Modal dialogs on <dialog>: one helper so every console dialog closes, focuses and reports errors alike.

import { h } from "/static/lib/api.js";

// Opens a modal. `build(ctx)` returns the body nodes; ctx.close(result) ends it, ctx.error(text)
// shows a message. `buttons` is a list of {label, primary, danger, action} where action may be async
// and returns the result to close with, or undefined to keep the dialog open.
export function openDialog({ title, className = "", build, buttons = [], cancelLabel = "Cancel" }) {
  return new Promise((resolve) => {
    const layer = document.getElementById("tc-dialog-layer") || document.body;
    const errorBox = h("p", { class: "tc-dialog-error", role: "alert" });
    const dialog = h("dialog", { class: `tc-dialog ${className}`.trim(), "aria-label": title });
    let done = false;
    const ctx = {
      dialog,
      close(result) {
        if (done) return;
        done = true;
        dialog.close();
        dialog.remove();
        resolve(result);
      },
      error(text) { errorBox.textContent = text || ""; },
    };
    const footer = h("div", { class: "tc-dialog-buttons" });
    for (const spec of buttons) {
      const cls = spec.primary ? "tc-button tc-button-primary" : spec.danger ? "tc-button tc-button-danger" : "tc-button";
      const button = h("button", { type: "button", class: cls }, spec.label);
      button.addEventListener("click", async () => {
        button.disabled = true;
        ctx.error("");
        try {
          const result = await spec.action(ctx);
          if (result !== undefined) ctx.close(result);
        } catch (error) {
          ctx.error(error.message || String(error));
        } finally {
          button.disabled = false;
        }
      });
      footer.append(button);
    }
    if (cancelLabel) {
      footer.append(h("button", { type: "button", class: "tc-button", onclick: () => ctx.close(null) }, cancelLabel));
    }
    dialog.append(h("h2", {}, title), ...[build(ctx)].flat(), errorBox, footer);
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); ctx.close(null); });
    layer.append(dialog);
    dialog.showModal();
  });
}
