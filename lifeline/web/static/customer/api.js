// Every call the customer pages make (lifeline/web/customer_api/). After entry, a session is
// reached with its lsid and the customer token the entry call returned (X-Customer-Token).

import { ApiError, post } from "/static/lib/api.js";

async function call(method, path, token, body) {
  const headers = { "Accept": "application/json", "X-Customer-Token": token };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const base = (lsid) => `/api/customer/sessions/${encodeURIComponent(lsid)}`;

export const customerApi = {
  enterPin: (pin, name) => post("/api/customer/pin", { pin, name }),
  enterLink: (token) => post("/api/customer/link", { token }),
  enterChannel: (publicToken, body) => post(`/api/customer/channel/${encodeURIComponent(publicToken)}`, body),
  state: (lsid, token) => call("GET", base(lsid), token),
  terms: (lsid, token, accept) => call("POST", `${base(lsid)}/terms`, token, { accept }),
  chat: (lsid, token, text) => call("POST", `${base(lsid)}/chat`, token, { text }),
  typing: (lsid, token, typing) => call("POST", `${base(lsid)}/typing`, token, { typing }),
  close: (lsid, token) => call("POST", `${base(lsid)}/close`, token, {}),
  survey: (lsid, token, answers) => call("POST", `${base(lsid)}/survey`, token, { answers }),
};

// The customer token lives in this tab only (sessionStorage): a reload keeps the session, a link
// copied to another browser does not carry it.
const KEY = (lsid) => `lifeline.customer.${lsid}`;

export function remember(entered) {
  sessionStorage.setItem(KEY(entered.lsid), entered.token);
}

export const tokenFor = (lsid) => sessionStorage.getItem(KEY(lsid));

export function goToSession(entered) {
  remember(entered);
  window.location.assign(`/session/${encodeURIComponent(entered.lsid)}`);
}

export function showError(error) {
  const box = document.getElementById("cu-error");
  box.textContent = error ? error.message || String(error) : "";
}
