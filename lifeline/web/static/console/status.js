// The status selector (part1 §22, part2 §1): the technician chooses Available, Busy or Away; the
// server may put them in an automatic state (Busy above X active sessions, Away after X idle
// minutes), which is shown next to the choice.

import { consoleApi } from "/static/console/api.js";
import { state, subscribe } from "/static/console/state.js";

const WORDS = { available: "Available", busy: "Busy", away: "Away", offline: "Offline" };

export function initStatus(report) {
  const select = document.getElementById("tc-status-select");
  const dot = document.getElementById("tc-status-dot");
  const auto = document.getElementById("tc-status-auto");
  select.addEventListener("change", async () => {
    try {
      const answer = await consoleApi.setPresence(select.value);
      state.presence = answer;
      draw();
    } catch (error) { report(error); draw(); }
  });
  function draw() {
    const { status, chosen_status: chosen } = state.presence;
    select.value = chosen in WORDS && chosen !== "offline" ? chosen : "available";
    dot.dataset.status = status;
    dot.title = WORDS[status] || status;
    const automatic = status !== chosen;
    auto.hidden = !automatic;
    auto.textContent = automatic ? `Now ${WORDS[status] || status} (automatic)` : "";
  }
  subscribe("presence", draw);
}
