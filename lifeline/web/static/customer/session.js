// The customer's session page (/session/{lsid}): Terms and Conditions, waiting with queue position
// or estimated wait, Instant Chat, the survey, and how the session ended. The state comes from
// /api/customer/sessions/{lsid} and is kept current over /ws/customer/{lsid} (socket.js resumes
// from the last event id after a network drop).

import { h } from "/static/lib/api.js";
import { customerApi, tokenFor } from "/static/customer/api.js";
import { ChatView } from "/static/customer/chat.js";
import { card, endedView, surveyView, termsView, waitingText } from "/static/customer/views.js";
import { LiveSocket } from "/static/console/socket.js";

// While waiting, `queue/position` events bring the new place when a session ahead leaves; this
// slow re-read is only the fallback (a dropped socket, or far back in a very long queue).
const WAITING_REFRESH_MS = 60_000;

const root = document.getElementById("cu-session");
const lsid = root.dataset.lsid;
const token = tokenFor(lsid);
const surveyKey = `lifeline.survey.${lsid}`;
let current = null;
let redirectUrl = null;
let waitingTimer = null;
let chat = null;
let shown = null; // which screen is on show; re-rendering the same screen would lose scroll and input

function show(node, screen = null) {
  shown = screen;
  root.replaceChildren(node);
}

function ensureChat() {
  if (!chat) {
    chat = new ChatView({
      send: (text) => customerApi.chat(lsid, token, text),
      typing: (on) => customerApi.typing(lsid, token, on).catch(() => {}),
      end: async () => render(await customerApi.close(lsid, token)),
      agentLink: current && current.client_kind === "applet"
        ? `/agent?lsid=${encodeURIComponent(lsid)}&token=${encodeURIComponent(token)}` : null,
    });
  }
  return chat;
}

function learn(history) {
  for (const event of history || []) {
    if (event.type === "chat") ensureChat().add(event);
    if (event.type === "session" && event.op === "status" && event.redirect_url) redirectUrl = event.redirect_url;
  }
}

function render(state) {
  current = state;
  if (state.app_name) document.getElementById("cu-brand").textContent = state.app_name;
  clearInterval(waitingTimer);
  if (state.status === "expired") {
    show(endedView("code_expired"));
    return;
  }
  if (state.status === "closed") {
    renderEnded(state);
    return;
  }
  if (state.terms) {
    if (shown === "terms") return;
    show(termsView(state.terms, {
      onAccept: () => customerApi.terms(lsid, token, true).then(render, failed),
      onDecline: () => customerApi.terms(lsid, token, false).then(render, failed),
    }), "terms");
    return;
  }
  if (state.status === "connecting") {
    if (shown !== "connecting") show(card("Connecting…", h("p", {}, "Please wait while we connect you.")), "connecting");
    return;
  }
  const view = ensureChat();
  if (state.status === "waiting") {
    view.setStatus(waitingText(state.waiting), { chat: state.chat_enabled });
    waitingTimer = setInterval(refresh, WAITING_REFRESH_MS);
  } else if (state.status === "on_hold") {
    view.setStatus("Your technician has put the session on hold. Please wait.", { chat: state.chat_enabled });
  } else if (state.status === "transferring") {
    view.setStatus("You are being transferred to another technician. Please wait.", { chat: state.chat_enabled });
  } else {
    view.setStatus("You are connected to a technician.", { chat: state.chat_enabled });
  }
  if (shown !== "chat") show(view.node, "chat");
}

function renderEnded(state) {
  if (shown === "ended") return;
  endedScreen(state);
  shown = "ended";
}

function endedScreen(state) {
  if (state.close_reason === "aborted_no_technician" && redirectUrl) {
    window.location.assign(redirectUrl);
    return;
  }
  const survey = state.survey;
  if (survey && !sessionStorage.getItem(surveyKey)) {
    if (survey.mode === "self_hosted") {
      show(card("How did we do?", h("p", {}, "Your session has ended. "),
        h("a", { class: "cu-button cu-button-primary", href: survey.url, id: "cu-survey-link" }, "Take the survey")));
      return;
    }
    if (survey.mode === "rescue" && (survey.questions || []).length) {
      show(surveyView(survey, {
        onSubmit: async (answers) => {
          await customerApi.survey(lsid, token, answers);
          sessionStorage.setItem(surveyKey, "answered");
          show(endedView(null, { thanks: true }));
        },
        onSkip: () => { sessionStorage.setItem(surveyKey, "skipped"); show(endedView(state.close_reason)); },
      }));
      return;
    }
  }
  show(endedView(state.close_reason, { thanks: sessionStorage.getItem(surveyKey) === "answered" }));
}

function failed(error) {
  const box = document.getElementById("cu-error");
  if (box) box.textContent = error.message;
  else show(card("Something went wrong", h("p", { class: "cu-error" }, error.message)));
}

async function refresh() {
  try {
    const state = await customerApi.state(lsid, token);
    learn(state.history);
    render(state);
  } catch (error) {
    failed(error);
  }
}

function onEvent(event) {
  switch (event.type) {
    case "chat": ensureChat().add(event); break;
    case "typing": if (chat) chat.typing(event); break;
    case "queue": // only this customer's own place (services/sessions/queue_positions.py)
      if (current && current.status === "waiting") {
        current.waiting = { message: event.message, queue_position: event.queue_position,
          estimated_wait_s: event.estimated_wait_s };
        ensureChat().setStatus(waitingText(current.waiting), { chat: current.chat_enabled });
      }
      break;
    case "session":
      if (event.redirect_url) redirectUrl = event.redirect_url;
      refresh();
      break;
    default: break;
  }
}

if (!token) {
  show(card("This session cannot be opened here",
    h("p", {}, "Sessions open only in the browser tab where they were started."),
    h("p", {}, h("a", { href: "/" }, "Enter a PIN code"))));
} else {
  await refresh();
  if (current && !["closed", "expired"].includes(current.status)) {
    const socket = new LiveSocket({
      path: `/ws/customer/${encodeURIComponent(lsid)}?token=${encodeURIComponent(token)}`,
      onRegistered: () => refresh(), // the socket state has no chat history; the GET has
      onEvent,
    });
    socket.start();
  }
}
