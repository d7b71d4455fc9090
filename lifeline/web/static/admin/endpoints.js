// The one place that knows the JSON admin API's paths and shapes (lifeline/web/admin_api/routes.py).
// Every other module calls these functions, so an API change is a change here only.
import { del, get, patch, post, put } from "/static/lib/api.js";

const A = "/api/admin";

// Collection path per tree node type (Master Administrators are administrators with another role).
const COLLECTION = {
  master_admin: "admins", admin: "admins", admin_group: "admin-groups", tech_group: "tech-groups",
  technician: "technicians", computer_group: "computer-groups", channel: "channels",
  external_group: "external-groups", external_tech: "external-technicians",
};

// Node types the API can read one by one; the rest are read from the tree record.
const READABLE = new Set(["master_admin", "admin", "admin_group", "tech_group", "technician", "computer_group"]);

// The audit log's entity names per node type (services/org/common.Entity).
export const AUDIT_ENTITY = {
  master_admin: "Master Administrator", admin: "Administrator", admin_group: "Administrator Group",
  tech_group: "Technician Group", technician: "Technician", computer_group: "Unattended Computer Group",
  channel: "Channel", external_group: "External Technician Group", external_tech: "External Technician",
};

// The viewer: {userId, name, role, isMaster, tabs: Set, assignedGroupIds: Set}.
export async function me() {
  const data = await get(`${A}/me`);
  const isMaster = ["master_admin", "master_account_holder"].includes(data.role);
  const tabs = new Set(data.visible_tabs); // the server decides, including "audit" and "api_accounts"
  return {
    userId: data.id, name: data.name, role: data.role, isMaster, tabs,
    assignedGroupIds: new Set(data.assigned_tech_group_ids || []),
  };
}

// The Organization Tree the viewer may see; sections they may not see are null.
export const tree = () => get(`${A}/tree`);

export async function record(type, id, fallback) {
  if (type === "channel") return (await get(`${A}/channels`)).find((c) => c.id === id) || fallback;
  return READABLE.has(type) ? get(`${A}/${COLLECTION[type]}/${id}`) : fallback;
}

export const update = (type, id, values) => patch(`${A}/${COLLECTION[type]}/${id}`, values);
export const remove = (type, id) => del(`${A}/${COLLECTION[type]}/${id}`);

// People's passwords are set by their own endpoint, never by PATCH.
export const setPassword = (type, id, password) => post(`${A}/${COLLECTION[type]}/${id}/password`, { password });
export const reset2sv = (type, id) => post(`${A}/${COLLECTION[type]}/${id}/reset-2sv`);

// Create a `type` under the tree node `parent` with the dialog's values.
export function create(type, parent, values) {
  const inGroup = (t) => (parent.type === t ? parent.id : null);
  switch (type) {
    case "master_admin": return post(`${A}/admins`, { ...values, role: "master_admin" });
    case "admin": return post(`${A}/admins`, { ...values, role: "admin", admin_group_id: inGroup("admin_group") });
    case "admin_group": return post(`${A}/admin-groups`, { ...values, parent_id: inGroup("admin_group") });
    case "tech_group": return post(`${A}/tech-groups`, { ...values, parent_id: inGroup("tech_group") });
    case "technician": return post(`${A}/technicians`, { ...values, group_id: parent.id });
    case "computer_group": return post(`${A}/computer-groups`, { ...values, tech_group_id: parent.id });
    case "external_group": return post(`${A}/external-groups`, values);
    case "external_tech": return post(`${A}/external-groups/${parent.id}/members`, values);
    default: throw new Error(`Cannot create a ${type}.`);
  }
}

export const moveTechnician = (id, groupId) => post(`${A}/technicians/${id}/move`, { group_id: groupId });
export const moveTechGroup = (id, parentId) => post(`${A}/tech-groups/${id}/move`, { parent_id: parentId });
export const moveAdminGroup = (id, parentId) => post(`${A}/admin-groups/${id}/move`, { parent_id: parentId });
export const setAdminGroup = (id, groupId) => put(`${A}/admins/${id}/admin-group`, { admin_group_id: groupId });
export const assignAdmin = (adminId, groupId, assigned = true) =>
  put(`${A}/tech-groups/${groupId}/admins/${adminId}`, { assigned });
export const unassignAdmin = (adminId, groupId) => assignAdmin(adminId, groupId, false);

// The 32 permissions with labels and sub-options; the page carries them (admin_center/routes.py).
export const permissionCatalog = () => JSON.parse(document.getElementById("admin-permission-catalog").textContent);
export const permissions = async (groupId) => (await get(`${A}/tech-groups/${groupId}/permissions`)).permissions;
export const savePermissions = (groupId, grants, scope = "save") =>
  put(`${A}/tech-groups/${groupId}/permissions`, { permissions: grants, scope });

// {values, definitions}: the owner's settings and the catalog entries that describe them.
export const settings = (owner, id) => get(`${A}/settings/${owner}/${id}`);
export const saveSettings = (owner, id, values, scope) => put(`${A}/settings/${owner}/${id}`, { values, scope });
// "Show URLs" (Hide post session URLs, part2 §14): {post_to_url} unmasked; the server audits it as a View.
export const showUrls = (groupId) => post(`${A}/settings/tech_group/${groupId}/show-urls`);

// Channel ↔ group assignment is one PUT per pair; these send only what changed.
export async function setGroupChannels(groupId, current, wanted) {
  for (const id of new Set([...current, ...wanted])) {
    if (current.has(id) !== wanted.has(id)) {
      await put(`${A}/tech-groups/${groupId}/channels/${id}`, { assigned: wanted.has(id) });
    }
  }
}

export async function setChannelGroups(channelId, current, wanted) {
  for (const id of new Set([...current, ...wanted])) {
    if (current.has(id) !== wanted.has(id)) {
      await put(`${A}/tech-groups/${id}/channels/${channelId}`, { assigned: wanted.has(id) });
    }
  }
}

// [{channel_id, name, assigned}] for the channels of the technician's group.
export const technicianChannels = (id) => get(`${A}/technicians/${id}/channels`);
export const setTechnicianChannel = (id, channelId, assigned) =>
  put(`${A}/technicians/${id}/channels/${channelId}`, { assigned });

// One page of the audit log, newest first: {total, entries}.
export function audit({ entityType, entityId, offset = 0, limit }) {
  const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
  if (entityType) { query.set("entity_type", AUDIT_ENTITY[entityType]); query.set("entity_id", String(entityId)); }
  return get(`${A}/audit?${query}`);
}
