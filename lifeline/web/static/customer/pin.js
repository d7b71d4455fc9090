// PIN entry (/ and /pin): six digits from the technician (seven for codes made through the API).

import { customerApi, goToSession, showError } from "/static/customer/api.js";

const form = document.getElementById("cu-pin-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const pin = form.pin.value.replace(/\s+/g, "");
  if (!/^\d{6,7}$/.test(pin)) {
    showError(new Error("A PIN code is 6 digits."));
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  showError(null);
  try {
    goToSession(await customerApi.enterPin(pin, form.name.value.trim()));
  } catch (error) {
    showError(error);
    button.disabled = false;
  }
});
