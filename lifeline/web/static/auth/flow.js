// What every sign-in page shares: the app and return path the page was opened
// with, the message area, and moving on to the URL the server names.

import { ApiError, h, post } from "/static/lib/api.js";

const card = document.querySelector(".auth-card");

export function step() {
  const body = { app: card.dataset.app };
  if (card.dataset.return) body.next = card.dataset.return;
  return body;
}

export function showMessage(text, kind = "error") {
  const box = document.getElementById("auth-message");
  box.textContent = text;
  box.className = `auth-message auth-${kind}`;
  box.hidden = !text;
}

// The server's messages are written for people (429 says how long to wait, 403 why).
export function showError(error) {
  const unreachable = error instanceof TypeError && !(error instanceof ApiError);
  const text = unreachable ? "Lifeline could not be reached. Try again." : error.message;
  showMessage(text, "error");
}

// A full sign-in inside the password-expiry notice window stops to say so (§9),
// offering to change the password now or to continue; otherwise go straight on.
export function go(result) {
  const days = result.password_expires_in_days;
  if (result.stage !== "full" || !days) {
    window.location.assign(result.next);
    return;
  }
  showMessage(`Your password expires in ${days} day${days === 1 ? "" : "s"}.`, "info");
  const changeUrl = `/login/password?app=${encodeURIComponent(card.dataset.app)}`;
  const links = h("p", { class: "auth-notice-actions" },
    h("a", { href: changeUrl, id: "change-password-now" }, "Change it now"), " · ",
    h("a", { href: result.next, id: "continue" }, "Continue"));
  document.getElementById("auth-message").after(links);
  for (const form of document.querySelectorAll("form")) form.hidden = true;
}

// Run `action` on submit with the button disabled, reporting errors in place.
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    showMessage("");
    try {
      await action(new FormData(form));
    } catch (error) {
      showError(error);
      button.disabled = false;
    }
  });
}

export function wireSignOut() {
  const button = document.getElementById("sign-out");
  if (!button) return;
  button.addEventListener("click", async () => {
    try { await post("/api/auth/logout"); } finally {
      window.location.assign(`/login?app=${encodeURIComponent(card.dataset.app)}`);
    }
  });
}
