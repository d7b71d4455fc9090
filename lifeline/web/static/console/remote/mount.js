// Puts a remote-desktop panel into every session workspace of the Technician Console whose session
// is Active, and takes it away when the workspace goes or the session stops being Active.
//
// Loaded by templates/console/console.html with one <script> line; it only reads the console's DOM
// (.tc-workspace[data-session-id]) and state (state.js), so the console needs no other change.

import { state } from "/static/console/state.js";
import { remotePanel } from "/static/console/remote/panel.js";

const CHECK_MS = 500;
const panels = new Map(); // workspace element -> panel

function sync() {
  for (const ws of document.querySelectorAll(".tc-workspace[data-session-id]")) {
    const s = state.sessions.get(Number(ws.dataset.sessionId));
    const active = Boolean(s && s.status === "active" && s.lsid);
    if (active && !panels.has(ws)) {
      const panel = remotePanel(s.lsid);
      panels.set(ws, panel);
      (ws.querySelector(".tc-ws-body") || ws).prepend(panel);
    } else if (!active && panels.has(ws)) {
      panels.get(ws).dispose();
      panels.get(ws).remove();
      panels.delete(ws);
    }
  }
  for (const [ws, panel] of panels) {
    if (!ws.isConnected) {
      panel.dispose();
      panels.delete(ws);
    }
  }
}

const style = document.createElement("link");
style.rel = "stylesheet";
style.href = "/static/console/remote/remote.css";
document.head.append(style);
new MutationObserver(sync).observe(document.body, { childList: true, subtree: true });
setInterval(sync, CHECK_MS);
sync();
