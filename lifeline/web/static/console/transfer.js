// Transfer Session and Invite Technician dialogs (part1 §11, §23; domain/transfer_rules).
// Compact view: only the targets the server says this session may go to are listed, each
// channel once; a Filter box and an optional comment, as in the seed's pickers.

import { h } from "/static/lib/api.js";
import { consoleApi } from "/static/console/api.js";
import { openDialog } from "/static/console/dialog.js";
import { state } from "/static/console/state.js";

const KINDS = [["technician", "Technician"], ["tech_group", "Technician Group"], ["channel", "Channel"]];

function picker(targets, name) {
  const filter = h("input", { type: "search", placeholder: "Filter", "aria-label": "Filter" });
  const list = h("div", { class: "tc-targets", role: "radiogroup" });
  const rows = targets.map((t) => h("label", { class: "tc-target", dataset: { kind: t.kind, id: String(t.id) } },
    h("input", { type: "radio", name, value: `${t.kind}:${t.id}` }), t.name,
    h("span", { class: "tc-target-kind" }, KINDS.find(([k]) => k === t.kind)[1])));
  list.append(...rows);
  if (!rows.length) list.append(h("p", { class: "tc-queue-empty" }, "No valid targets."));
  filter.addEventListener("input", () => {
    const needle = filter.value.trim().toLowerCase();
    for (const row of rows) row.hidden = needle && !row.textContent.toLowerCase().includes(needle);
  });
  const chosen = () => {
    const checked = list.querySelector("input:checked");
    if (!checked) return null;
    const [kind, id] = checked.value.split(":");
    return { kind, id: Number(id) };
  };
  return { nodes: [filter, list], chosen };
}

export async function transferDialog(session) {
  const found = await consoleApi.transferTargets(session.lsid);
  const targets = [];
  for (const [kind] of KINDS) {
    for (const t of found[kind] || []) {
      if (kind !== "channel") state.names[kind][t.id] = t.name;
      if (t.allowed) targets.push({ ...t, kind });
    }
  }
  const pick = picker(targets, "transfer-target");
  const comment = h("input", { type: "text", maxlength: 128, placeholder: "Comment (optional)", "aria-label": "Comment" });
  return openDialog({
    title: "Transfer session",
    build: () => [h("p", {}, `Transfer ${session.customer_name || "this session"} to:`), ...pick.nodes,
      h("label", {}, "Comment (optional)"), comment],
    buttons: [{ label: "Transfer", primary: true, action: async () => {
      const target = pick.chosen();
      if (!target) throw new Error("Choose where to transfer the session.");
      await consoleApi.transfer(session.lsid, target, comment.value);
      return target;
    } }],
  });
}

// Collaboration: only the technicians the server would accept (Send collaboration invitations
// permission, online, not already in the session); it still checks again when the invitation is sent.
export async function inviteDialog(session) {
  const found = await consoleApi.inviteTargets(session.lsid);
  const people = found.technicians.map((t) => ({ ...t, kind: "technician" }));
  for (const t of people) state.names.technician[t.id] = t.name;
  const pick = picker(people, "invite-target");
  return openDialog({
    title: "Invite technician",
    build: () => [h("p", {}, "Invite a technician to work on this session with you."), ...pick.nodes],
    buttons: [{ label: "Invite", primary: true, action: async () => {
      const target = pick.chosen();
      if (!target) throw new Error("Choose a technician.");
      await consoleApi.invite(session.lsid, target.id);
      return target;
    } }],
  });
}

// External technician: a one-time link for someone outside the organization (part2 §10).
export function inviteExternalDialog(session) {
  const email = h("input", { type: "email", "aria-label": "Email address", placeholder: "name@example.com" });
  const name = h("input", { type: "text", maxlength: 128, "aria-label": "Name", placeholder: "Name (optional)" });
  const result = h("div", {});
  return openDialog({
    title: "Invite external technician",
    cancelLabel: "Close",
    build: () => [h("label", {}, "Email address"), email, h("label", {}, "Name"), name, result],
    buttons: [{ label: "Create invitation", primary: true, action: async () => {
      const answer = await consoleApi.inviteExternal(session.lsid, email.value, name.value);
      const link = h("input", { type: "text", readonly: true, value: answer.join_url, "aria-label": "Invitation link" });
      result.replaceChildren(
        h("p", {}, "Send this one-time link to the external technician. It works once."),
        h("div", { class: "tc-copyable" }, link, h("button", { type: "button", class: "tc-button",
          onclick: () => navigator.clipboard?.writeText(answer.join_url) }, "Copy")));
      return undefined; // keep the dialog open to show the link
    } }],
  });
}
