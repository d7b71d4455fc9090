// /login/totp: the code from the user's authenticator app.

import { post } from "/static/lib/api.js";
import { go, onSubmit, step, wireSignOut } from "./flow.js";

onSubmit(document.getElementById("totp-form"), async (data) => {
  go(await post("/api/auth/totp", { ...step(), code: data.get("code") }));
});
wireSignOut();
