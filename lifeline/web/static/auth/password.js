// /login/password: a forced (or voluntary) password change with a live strength meter.

import { get, post } from "/static/lib/api.js";
import { go, onSubmit, showError, step, wireSignOut } from "./flow.js";
import { LABELS, LEVELS, meets, strength } from "./password_rules.js";

const form = document.getElementById("password-form");
const input = document.getElementById("new");
const meter = document.getElementById("strength-meter");
const label = document.getElementById("strength-label");
const requiredNote = document.getElementById("strength-required");
let minimum = "good";

function update() {
  const level = strength(input.value);
  meter.value = LEVELS.indexOf(level);
  label.textContent = LABELS[level];
  label.className = meets(level, minimum) ? "strength-ok" : "strength-low";
}

async function load() {
  try {
    const me = await get("/api/auth/me");
    minimum = me.password_policy.minimum;
    requiredNote.textContent = `(required: ${LABELS[minimum]})`;
    if (me.stage === "full") {
      document.getElementById("password-reason").textContent = "Choose a new password.";
      document.getElementById("code-row").hidden = !me.two_step.enrolled;
    }
    update();
  } catch (error) {
    showError(error);
  }
}

input.addEventListener("input", update);

onSubmit(form, async (data) => {
  if (data.get("new") !== data.get("confirm")) throw new Error("The two new passwords do not match.");
  if (!meets(strength(data.get("new")), minimum)) {
    throw new Error(`The new password is not strong enough: it must be at least ${LABELS[minimum]}.`);
  }
  const body = { ...step(), current: data.get("current"), new: data.get("new") };
  if (data.get("code")) body.code = data.get("code");
  go(await post("/api/auth/password", body));
});
wireSignOut();
load();
