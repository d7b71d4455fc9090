// Technician Console bootstrap: read the page's configuration, start the live connection, wire the
// header. Everything the server says arrives through socket.js → dispatch.js → state.js → views.

import { consoleApi } from "/static/console/api.js";
import { createSessionDialog } from "/static/console/create_session.js";
import { applyRegistration, dispatch } from "/static/console/dispatch.js";
import { initQueue } from "/static/console/queue.js";
import { loadReplies, manageReplies } from "/static/console/replies.js";
import { LiveSocket } from "/static/console/socket.js";
import { can, notify, state } from "/static/console/state.js";
import { initStatus } from "/static/console/status.js";
import { initWorkspaces, openSession } from "/static/console/workspace.js";

const config = JSON.parse(document.getElementById("tc-config").textContent);
const messageBox = document.getElementById("tc-message");
let messageTimer = null;

function report(error) {
  if (error && error.status === 401) {
    window.location.assign("/login?app=console");
    return;
  }
  messageBox.textContent = error && error.message ? error.message : String(error);
  messageBox.classList.remove("is-ok");
  messageBox.hidden = false;
  clearTimeout(messageTimer);
  messageTimer = setTimeout(() => { messageBox.hidden = true; }, 8000);
}

const actions = {
  open: (id) => openSession(id).catch(report),
  pickUp: async (id) => {
    const s = state.sessions.get(id);
    try {
      await consoleApi.pickUp(s.lsid);
      await openSession(id);
    } catch (error) { report(error); }
  },
};

const CONNECTION_WORDS = { connecting: "Connecting…", open: "Connected", offline: "Reconnecting…",
  refused: "Signed out" };

function showConnection(value) {
  const badge = document.getElementById("tc-connection");
  badge.dataset.state = value;
  badge.textContent = CONNECTION_WORDS[value] || value;
  if (value === "refused") window.location.assign("/login?app=console&next=/console");
}

function applyHiddenFeatures() {
  document.getElementById("tc-new-session").hidden = !can("start_private_sessions");
  for (const el of document.querySelectorAll("[data-console-feature]")) {
    el.hidden = state.hidden.has(el.dataset.consoleFeature);
  }
}

function wireHeader() {
  document.getElementById("tc-new-session").addEventListener("click", () => createSessionDialog(config).catch(report));
  document.getElementById("tc-replies-manage").addEventListener("click", () => manageReplies().catch(report));
  document.getElementById("tc-sign-out").addEventListener("click", async () => {
    try {
      await consoleApi.setPresence("offline");
      await consoleApi.signOut();
    } finally {
      window.location.assign("/login?app=console");
    }
  });
}

initQueue(document.getElementById("tc-queue"), config, actions);
initWorkspaces(config, report);
initStatus(report);
wireHeader();

const socket = new LiveSocket({
  path: "/ws/console",
  onConnection: showConnection,
  onRegistered: (registered) => {
    applyRegistration(registered);
    applyHiddenFeatures();
  },
  onEvent: dispatch,
});
window.lifelineConsole = { state, socket, notify }; // for operators debugging from the browser console

// Opening the console logs the technician in with the status they chose last time (part1 §22).
// One request at a time on purpose: the first console request creates the presence row.
async function logIn() {
  const initial = await consoleApi.state();
  if (initial.presence.status === "offline") {
    const chosen = initial.presence.chosen_status;
    await consoleApi.setPresence(chosen && chosen !== "offline" ? chosen : "available");
  }
}

logIn().catch(report).finally(() => {
  socket.start();
  loadReplies().catch(report);
});
