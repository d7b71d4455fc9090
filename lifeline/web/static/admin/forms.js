// Form building blocks shared by every tab: labelled fields, check boxes, button rows,
// plain-words error display next to the form, and the confirmation dialog.
import { h } from "/static/lib/api.js";

let fieldSerial = 0;

// A labelled input. `input` is any form control; returns the row element.
export function field(labelText, input, help) {
  const id = input.id || `admin-f${++fieldSerial}`;
  input.id = id;
  return h("div", { class: "admin-field", dataset: { field: input.name || "" } },
    h("label", { for: id }, labelText),
    input,
    help ? h("div", { class: "admin-field-help" }, help) : null);
}

export function textInput(name, value, attrs = {}) {
  return h("input", { type: "text", name, value: value ?? "", ...attrs });
}

export function select(name, options, value, attrs = {}) {
  const el = h("select", { name, ...attrs },
    options.map(([optValue, label]) => h("option", { value: optValue }, label)));
  el.value = value === null || value === undefined ? "" : String(value);
  return el;
}

export function checkbox(name, checked, labelText, attrs = {}) {
  const input = h("input", { type: "checkbox", name, ...attrs });
  input.checked = Boolean(checked);
  return h("label", { class: "admin-check" }, input, labelText);
}

export function button(label, onclick, kind = "") {
  return h("button", { type: "button", class: `admin-button ${kind ? `admin-button-${kind}` : ""}`, onclick }, label);
}

export function buttons(...items) {
  return h("div", { class: "admin-buttons" }, ...items);
}

export function fieldset(legend, ...children) {
  return h("fieldset", { class: "admin-fieldset" }, h("legend", {}, legend), ...children);
}

// Turn whatever went wrong into one sentence a person can act on.
export function plainMessage(error) {
  if (error && error.status === 401) return "Your sign-in has expired. Reload the page to sign in again.";
  if (error && error.status === 403 && !(error.body && error.body.message)) return "You do not have permission to do that.";
  if (error && error.message) return error.message;
  return "Something went wrong. Try again.";
}

// Put a message banner just above the form's buttons (where the user just clicked), or on top.
function placeBanner(form, banner) {
  const buttonRows = form.querySelectorAll(".admin-buttons");
  const anchor = buttonRows[buttonRows.length - 1];
  if (anchor) anchor.before(banner); else form.prepend(banner);
  banner.scrollIntoView({ block: "nearest" });
}

// Show an API error inside `form`: a banner by the buttons, and the message under the field it names.
export function showError(form, error) {
  clearMessages(form);
  const message = plainMessage(error);
  placeBanner(form, h("div", { class: "admin-alert admin-alert-error", role: "alert" }, message));
  const name = error && error.body && error.body.field;
  if (!name) return;
  const control = form.querySelector(`[name="${CSS.escape(String(name).split(".").pop())}"]`);
  const row = control && control.closest(".admin-field");
  if (row) {
    row.classList.add("has-error");
    row.append(h("div", { class: "admin-field-error" }, message));
  }
}

export function showOk(form, message) {
  clearMessages(form);
  placeBanner(form, h("div", { class: "admin-alert admin-alert-ok", role: "status" }, message));
}

export function clearMessages(form) {
  form.querySelectorAll(".admin-alert, .admin-field-error").forEach((el) => el.remove());
  form.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
}

// Run an API call for `form`, reporting success or failure next to it. Returns the result or null.
export async function submit(form, call, okMessage = "Saved.") {
  const controls = form.querySelectorAll("button");
  controls.forEach((b) => { b.disabled = true; });
  try {
    const result = await call();
    if (okMessage) showOk(form, okMessage);
    return result ?? {};
  } catch (error) {
    showError(form, error);
    return null;
  } finally {
    controls.forEach((b) => { b.disabled = false; });
  }
}

// Read the named controls of `form` into a plain object (check boxes → booleans, numbers → numbers).
export function readForm(form) {
  const data = {};
  for (const el of form.querySelectorAll("input[name], select[name], textarea[name]")) {
    if (el.dataset.skip === "true") continue;
    if (el.type === "checkbox") data[el.name] = el.checked;
    else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
    else if (el.type === "number") data[el.name] = el.value === "" ? null : Number(el.value);
    else data[el.name] = el.value;
  }
  return data;
}

// A modal question with a default-safe answer. Resolves to true only on the confirm button.
export function confirmDialog(title, text, confirmLabel = "Delete") {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "admin-dialog", "aria-labelledby": "admin-dialog-title" });
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    dialog.append(
      h("h2", { id: "admin-dialog-title" }, title),
      h("p", {}, text),
      buttons(button(confirmLabel, () => done(true), "danger"), button("Cancel", () => done(false))),
    );
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector(".admin-button:last-child").focus();
  });
}

// A modal form asking for a few values (the "Create …" menu entries). `onSubmit(values)` runs
// while the dialog is open, so an API error is shown inside it, by the field it names, and the
// person can correct the value. Resolves to onSubmit's result, or null if cancelled.
export function promptDialog(title, fields, onSubmit, confirmLabel = "Create") {
  return new Promise((resolve) => {
    const form = h("form", { class: "admin-form", method: "dialog", novalidate: true });
    const dialog = h("dialog", { class: "admin-dialog", "aria-label": title }, h("h2", {}, title), form);
    for (const [name, label, type, value] of fields) {
      form.append(field(label, h("input", { type: type || "text", name, value: value ?? "", required: true })));
    }
    const finish = (result) => { dialog.close(); dialog.remove(); resolve(result); };
    form.append(buttons(
      h("button", { type: "submit", class: "admin-button admin-button-primary" }, confirmLabel),
      button("Cancel", () => finish(null)),
    ));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await submit(form, () => onSubmit(readForm(form)), "");
      if (result) finish(result);
    });
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); finish(null); });
    document.body.append(dialog);
    dialog.showModal();
    form.querySelector("input").focus();
  });
}
