// /login/enrol: show the QR code and key of the pending secret, confirm with a first code.

import { get, post } from "/static/lib/api.js";
import { go, onSubmit, showError, step, wireSignOut } from "./flow.js";

async function load() {
  try {
    const enrolment = await get("/api/auth/totp/enrol");
    document.getElementById("totp-qr").src = enrolment.qr_svg;
    document.getElementById("totp-secret").textContent = enrolment.secret;
  } catch (error) {
    showError(error);
  }
}

onSubmit(document.getElementById("enrol-form"), async (data) => {
  go(await post("/api/auth/totp/enrol", { ...step(), code: data.get("code") }));
});
wireSignOut();
load();
