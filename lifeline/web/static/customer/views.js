// The screens of the customer's session page. Each returns a node; session.js picks one by state.

import { h } from "/static/lib/api.js";
import { duration } from "/static/console/format.js";
import { surveyForm } from "/static/console/survey_form.js";

export function card(title, ...body) {
  return h("main", { class: "cu-card" }, h("h1", {}, title), ...body);
}

// Terms and Conditions (part1 §15): plain text; with "force scrolling", Accept stays disabled
// until the customer has scrolled to the end. Decline ends the session.
export function termsView(terms, { onAccept, onDecline }) {
  const text = h("div", { class: "cu-terms", tabindex: "0", id: "cu-terms-text" }, terms.text);
  const accept = h("button", { type: "button", class: "cu-button cu-button-primary", id: "cu-terms-accept" }, "Accept");
  const decline = h("button", { type: "button", class: "cu-button", id: "cu-terms-decline" }, "Decline");
  const hint = h("p", { class: "cu-muted" }, "Please scroll to the end to accept.");
  const atEnd = () => text.scrollTop + text.clientHeight >= text.scrollHeight - 2;
  const update = () => {
    const blocked = terms.force_scroll && !atEnd();
    accept.disabled = blocked;
    hint.hidden = !blocked;
  };
  text.addEventListener("scroll", update);
  accept.addEventListener("click", () => { accept.disabled = true; onAccept(); });
  decline.addEventListener("click", () => { decline.disabled = true; onDecline(); });
  const node = card("Terms and Conditions", h("p", {}, "Please read and accept these terms to continue."),
    text, hint, h("p", { class: "cu-error", id: "cu-error", role: "alert" }), h("div", { class: "cu-buttons" }, decline, accept));
  requestAnimationFrame(update); // measure once laid out: short terms need no scrolling
  update();
  return node;
}

// The line above the chat while waiting (part1 §15): queue position or estimated waiting time.
export function waitingText(waiting) {
  if (!waiting) return "A technician will be with you shortly.";
  if (waiting.message === "queue_position" && waiting.queue_position) {
    return `You are number ${waiting.queue_position} in the queue.`;
  }
  if (waiting.message === "estimated_wait" && waiting.estimated_wait_s !== null && waiting.estimated_wait_s !== undefined) {
    const minutes = Math.max(1, Math.round(waiting.estimated_wait_s / 60));
    return `Estimated waiting time: about ${minutes} minute${minutes === 1 ? "" : "s"} (${duration(waiting.estimated_wait_s)}).`;
  }
  return "A technician will be with you shortly.";
}

export function surveyView(survey, { onSubmit, onSkip }) {
  const form = surveyForm(survey, { prefix: "cu" });
  const submit = h("button", { type: "button", class: "cu-button cu-button-primary", id: "cu-survey-submit" }, "Submit");
  const skip = h("button", { type: "button", class: "cu-button" }, "No thanks");
  const error = h("p", { class: "cu-error", role: "alert" });
  submit.addEventListener("click", async () => {
    submit.disabled = true;
    error.textContent = "";
    try { await onSubmit(form.answers()); } catch (e) { error.textContent = e.message; submit.disabled = false; }
  });
  skip.addEventListener("click", onSkip);
  return card("How did we do?", h("p", {}, "Your session has ended. Please answer a few questions."),
    form, error, h("div", { class: "cu-buttons" }, skip, submit));
}

const ENDINGS = {
  terms_declined: ["Session ended", "You declined the Terms and Conditions, so the session was not started."],
  waiting_timeout: ["No technician available", "Sorry, no technician could take your session in time. Please try again later."],
  aborted_no_technician: ["No technician available", "Sorry, no technician is available right now. Please try again later."],
  connecting_timeout: ["Session ended", "The session timed out before it started."],
  idle_timeout: ["Session ended", "The session ended after a period of inactivity."],
  customer: ["Session ended", "You ended the session. Thank you."],
  code_expired: ["PIN Code or Link has expired", "Ask your technician for a new PIN code or link."],
};

export function endedView(reason, { thanks = false } = {}) {
  if (thanks) return card("Thank you", h("p", {}, "Thank you for your feedback. You can close this window."));
  const [title, text] = ENDINGS[reason] || ["Session ended", "Your support session has ended. Thank you."];
  return card(title, h("p", { id: "cu-ended-text" }, text), h("p", {}, h("a", { href: "/" }, "Start a new session")));
}
