// /login: email, password and which application; the server answers with the next step.

import { post } from "/static/lib/api.js";
import { go, onSubmit, step } from "./flow.js";

const form = document.getElementById("login-form");
const card = document.querySelector(".auth-card");
const title = document.getElementById("app-title");
const TITLES = { admin: "Administration Center", console: "Technician Console" };

for (const radio of form.querySelectorAll("input[name=app]")) {
  radio.addEventListener("change", () => {
    card.dataset.app = radio.value;
    card.dataset.return = ""; // a return path belongs to the application it was made for
    title.textContent = TITLES[radio.value];
  });
}

onSubmit(form, async (data) => {
  const result = await post("/api/auth/login", {
    ...step(), email: data.get("email"), password: data.get("password"),
  });
  go(result);
});
