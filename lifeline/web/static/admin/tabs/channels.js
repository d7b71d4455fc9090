// Channels tab (spec §14): a channel's name, description and link; which channels a
// Technician Group is assigned to; which of its group's channels a technician is taken off.
import { h } from "/static/lib/api.js";
import { button, buttons, checkbox, field, fieldset, readForm, submit, textInput } from "../forms.js";
import { groupChoices } from "../orgmodel.js";

function channelLink(channel) {
  return channel.link || (channel.public_token ? `${location.origin}/channel/${channel.public_token}` : "");
}

async function channelForm(panel, node, ctx) {
  const channel = await ctx.api.record("channel", node.id, node.record);
  if (!ctx.isCurrent()) return;
  const assigned = new Set(channel.tech_group_ids || []);
  const form = h("form", { class: "admin-form", "aria-label": `Channel ${channel.name}` });
  form.addEventListener("submit", (e) => e.preventDefault());
  const link = channelLink(channel);
  const groups = groupChoices(ctx.app.roots);
  form.append(
    fieldset("Channel",
      field("Channel name", textInput("name", channel.name, { required: true }), "Seen in the Administration Center and the Technician Console."),
      field("Description", h("textarea", { name: "description", rows: "2" }, channel.description ?? "")),
      link ? field("Channel link", h("input", { type: "text", readonly: true, value: link, "data-skip": "true" }),
        "Put this link on your website; customers who click it join this channel's queue.") : null,
      channel.form_link ? field("Custom Live Support Form", h("input", { type: "text", readonly: true, value: channel.form_link, "data-skip": "true" }),
        "The same channel with a form that asks for the customer's name and the custom fields.") : null),
    fieldset("Assigned Technician Groups", groups.length ? groups.map(([id, path]) =>
      checkbox(`group_${id}`, assigned.has(id), path, { "data-skip": "true", dataset: { group: id } })) :
      h("p", { class: "admin-placeholder" }, "There are no Technician Groups yet.")),
    buttons(button("Save Changes", async () => {
      const values = readForm(form);
      const ids = [...form.querySelectorAll("[data-group]")].filter((i) => i.checked).map((i) => Number(i.dataset.group));
      const ok = await submit(form, async () => {
        await ctx.api.update("channel", node.id, { name: values.name, description: values.description });
        await ctx.api.setChannelGroups(node.id, assigned, new Set(ids));
      }, "Channel saved.");
      if (ok) await ctx.app.refresh(node.key);
    }, "primary")));
  panel.append(h("h2", {}, channel.name), form);
}

async function groupChannels(panel, node, ctx) {
  const group = await ctx.api.record("tech_group", node.id);
  if (!ctx.isCurrent()) return;
  const assigned = new Set(group.channel_ids || []);
  const form = h("form", { class: "admin-form", "aria-label": `Channels of ${node.label}` });
  form.append(fieldset("Channels assigned to this group",
    ctx.app.channels.map((c) => checkbox(`channel_${c.id}`, assigned.has(c.id), c.name, { "data-skip": "true", dataset: { channel: c.id } })),
    h("p", { class: "admin-field-help" }, "Incoming channel sessions join the queue of every member of every assigned group.")),
  buttons(button("Save Changes", async () => {
    const wanted = new Set([...form.querySelectorAll("[data-channel]")].filter((i) => i.checked).map((i) => Number(i.dataset.channel)));
    if (await submit(form, () => ctx.api.setGroupChannels(node.id, assigned, wanted), "Channel assignment saved.")) {
      await ctx.app.refresh(node.key);
    }
  }, "primary")));
  panel.append(h("h2", {}, `Channels: ${node.label}`), form);
}

async function technicianChannels(panel, node, ctx) {
  const rows = await ctx.api.technicianChannels(node.id); // the channels of the technician's group
  if (!ctx.isCurrent()) return;
  const form = h("form", { class: "admin-form", "aria-label": `Channels of ${node.label}` });
  form.append(fieldset("Channels from the technician's group",
    rows.length ? rows.map((c) => checkbox(`channel_${c.channel_id}`, c.assigned, `Assigned to ${c.name}`, { "data-skip": "true", dataset: { channel: c.channel_id } })) :
      h("p", { class: "admin-placeholder" }, "The technician's group has no channels."),
    h("p", { class: "admin-field-help" }, "Untick a channel to keep this technician out of its sessions.")),
  buttons(button("Save Changes", () => submit(form, async () => {
    for (const row of rows) {
      const box = form.querySelector(`[data-channel="${row.channel_id}"]`);
      if (box.checked !== row.assigned) await ctx.api.setTechnicianChannel(node.id, row.channel_id, box.checked);
      row.assigned = box.checked;
    }
  }, "Saved."), "primary")));
  panel.append(h("h2", {}, `Channels: ${node.label}`), form);
}

function channelList(panel, ctx) {
  panel.append(h("h2", {}, "Channels"), h("p", { class: "admin-subtitle" }, "There are always ten channels; rename them, never create them."),
    h("table", { class: "admin-table" }, h("thead", {}, h("tr", {}, h("th", {}, "Channel"), h("th", {}, "Description"))),
      h("tbody", {}, ctx.app.channels.map((c) => h("tr", {},
        h("td", {}, h("a", { href: "#", onclick: (e) => { e.preventDefault(); ctx.app.selectKey(`channel:${c.id}`); } }, c.name)),
        h("td", {}, c.description || ""))))));
}

export async function renderChannels(panel, ctx) {
  const { node } = ctx;
  if (node && node.type === "channel") return channelForm(panel, node, ctx);
  if (node && node.type === "tech_group") return groupChannels(panel, node, ctx);
  if (node && node.type === "technician") return technicianChannels(panel, node, ctx);
  return channelList(panel, ctx);
}
