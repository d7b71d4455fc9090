// API accounts tab: OAuth2 client-credentials accounts of the integration APIs (docs/api-compatibility.md).
// Master Administrators only. The client secret is shown once, after Create or Regenerate, and never again.
// Register in admin/main.js TABS as { id: "api_accounts", label: "API accounts", render: renderApiAccounts }.
import { del, get, h, patch, post } from "/static/lib/api.js";

const COMMAND_LEVELS = [["deny", "No access"], ["read_only", "Read only"], ["full_access", "Full access"]];
const FLAGS = [
  ["reporting_support", "Reporting: support sessions"], ["reporting_presentation", "Reporting: presentations"],
  ["reporting_license", "Reporting: licence usage"], ["reporting_archive", "Reporting: archive"],
  ["backup", "Backup API"], ["realtime", "Real-time state API"], ["configuration", "Configuration API"],
];

function secretNotice(account) {
  return h("div", { class: "admin-notice", role: "status" },
    h("p", {}, `Client secret of “${account.name}”. Copy it now: it will not be shown again.`),
    h("p", {}, "Client ID: ", h("code", {}, account.client_id)),
    h("p", {}, "Client secret: ", h("code", { "data-secret": "true" }, account.client_secret)));
}

function permissionsForm(permissions, onChange) {
  const select = h("select", { name: "command", onchange: () => onChange({ command: select.value }) },
    ...COMMAND_LEVELS.map(([value, label]) => h("option", { value, selected: permissions.command === value }, label)));
  return h("div", { class: "admin-permissions" },
    h("label", {}, "Command API ", select),
    ...FLAGS.map(([key, label]) => h("label", {},
      h("input", { type: "checkbox", name: key, checked: Boolean(permissions[key]),
                   onchange: (e) => onChange({ [key]: e.target.checked }) }), " ", label)));
}

export async function renderApiAccounts(panel) {
  const status = h("div", { class: "admin-status" });
  const list = h("div");

  async function act(work) {
    status.replaceChildren();
    try {
      const shown = await work();
      await refresh();
      if (shown) status.append(secretNotice(shown));
    } catch (error) {
      status.append(h("p", { class: "admin-error" }, error.message || String(error)));
    }
  }

  function accountRow(account) {
    const path = `/api/admin/api-accounts/${account.id}`;
    return h("section", { class: "admin-card", dataset: { account: account.id } },
      h("h3", {}, account.name, account.enabled ? "" : " (disabled)"),
      h("p", {}, "Client ID: ", h("code", {}, account.client_id)),
      permissionsForm(account.permissions, (change) => act(() => patch(path, { permissions: change }))),
      h("p", {},
        h("button", { type: "button", onclick: () => act(() => patch(path, { enabled: !account.enabled })) },
          account.enabled ? "Disable" : "Enable"), " ",
        h("button", { type: "button", onclick: () => {
          if (confirm("Generate a new client secret? Every token of this account stops working at once."))
            act(() => post(`${path}/regenerate-secret`));
        } }, "Generate new client secret"), " ",
        h("button", { type: "button", onclick: () => {
          if (confirm(`Delete the API account “${account.name}”?`)) act(async () => { await del(path); });
        } }, "Delete")));
  }

  async function refresh() {
    const accounts = await get("/api/admin/api-accounts");
    list.replaceChildren(...(accounts.length ? accounts.map(accountRow)
      : [h("p", { class: "admin-placeholder" }, "No API accounts yet.")]));
  }

  const name = h("input", { name: "name", placeholder: "Account name", required: true });
  const create = h("form", { onsubmit: (e) => {
    e.preventDefault();
    act(() => post("/api/admin/api-accounts", { name: name.value, permissions: { command: "read_only" } }));
    name.value = "";
  } }, name, " ", h("button", { type: "submit" }, "Add API account"));

  panel.append(h("h2", {}, "API accounts"),
    h("p", { class: "admin-subtitle" }, "Integrations authenticate with OAuth2 client credentials at /oauth2/token."),
    create, status, list);
  await refresh();
}
