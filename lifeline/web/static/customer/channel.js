// Channel entry: the Channel link (name only) or the Custom Live Support Form (name + custom fields).

import { customerApi, goToSession, showError } from "/static/customer/api.js";

const card = document.getElementById("cu-channel");
const form = document.getElementById("cu-channel-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = {};
  for (let n = 1; n <= 5; n += 1) {
    const input = form.elements[`field_${n}`];
    if (input && input.value.trim()) fields[n] = input.value.trim();
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  showError(null);
  try {
    goToSession(await customerApi.enterChannel(card.dataset.token, {
      name: form.elements.name.value.trim(), fields,
      form: card.dataset.form === "true", instant_chat: card.dataset.instantChat === "true",
    }));
  } catch (error) {
    showError(error);
    button.disabled = false;
  }
});
