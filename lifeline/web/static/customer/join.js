// Link landing (/join/{token}): redeem the one-time link at once and go to the session.

import { customerApi, goToSession, showError } from "/static/customer/api.js";

const card = document.getElementById("cu-join");
try {
  const entered = await customerApi.enterLink(card.dataset.token);
  history.replaceState(null, "", "/join/used"); // the token is spent; keep it out of the history
  goToSession(entered);
} catch (error) {
  document.getElementById("cu-join-title").textContent = "This link cannot be used";
  showError(error);
  document.getElementById("cu-join-retry").hidden = false;
}
