// Turn the organization (flat lists from endpoints.loadOrganization) into the tree's nodes.
// A node: {key, type, id, label, count, enabled, isRoot, parentGroupId, record, children}.

// Plain symbols every system font has (no emoji): the tree must look the same on a bare server.
export const ICONS = {
  "root:masters": "★", "root:admins": "⚙", "root:technicians": "▦", "root:channels": "☰", "root:external": "⇄",
  master_admin: "★", admin_group: "▣", admin: "◆", tech_group: "▣", technician: "●",
  computer_group: "▭", channel: "#", external_group: "▣", external_tech: "○",
};

// Human names of node types, for headings and messages.
export const TYPE_NAMES = {
  "root:masters": "Master Administrators", "root:admins": "Administrators", "root:technicians": "Technicians",
  "root:channels": "Channels", "root:external": "External Technicians",
  master_admin: "Master Administrator", admin_group: "Administrator Group", admin: "Administrator",
  tech_group: "Technician Group", technician: "Technician", computer_group: "Computer Group",
  channel: "Channel", external_group: "External Technician Group", external_tech: "External Technician",
};

function node(type, record, extra = {}) {
  return {
    key: `${type}:${record.id}`, type, id: record.id, label: record.name || record.email || `#${record.id}`,
    enabled: record.enabled !== false, record, children: [], ...extra,
  };
}

function root(key, label, children) {
  return { key, type: key, id: null, label, isRoot: true, enabled: true, record: {}, children, count: null };
}

const byName = (a, b) => a.label.localeCompare(b.label, undefined, { sensitivity: "base" });

function techGroup(record, parentGroupId) {
  const group = node("tech_group", record, { parentGroupId, count: record.member_count });
  group.children = [
    // Sub-groups first, then technicians, then Computer Groups: the order the Rescue tree uses.
    ...record.children.map((child) => techGroup(child, record.id)).sort(byName),
    ...record.technicians.map((t) => node("technician", t, { parentGroupId: record.id })).sort(byName),
    ...record.computer_groups.map((c) => node("computer_group", c, { parentGroupId: record.id })).sort(byName),
  ];
  return group;
}

function adminGroup(record) {
  const group = node("admin_group", record, { count: record.member_count });
  group.children = [
    ...record.children.map(adminGroup).sort(byName),
    ...record.administrators.map((a) => node("admin", a, { adminGroupId: record.id })).sort(byName),
  ];
  return group;
}

// The tree's roots from GET /api/admin/tree; a section the viewer may not see (null) has no root.
export function buildTree(tree) {
  const roots = [];
  if (tree.master_admins) {
    roots.push(root("root:masters", "Master Administrators", tree.master_admins.map((u) => node("master_admin", u)).sort(byName)));
  }
  if (tree.admin_groups || tree.ungrouped_admins) {
    roots.push(root("root:admins", "Administrators", [
      ...(tree.admin_groups || []).map(adminGroup).sort(byName),
      ...(tree.ungrouped_admins || []).map((a) => node("admin", a, { adminGroupId: null })).sort(byName),
    ]));
  }
  if (tree.tech_groups) {
    roots.push(root("root:technicians", "Technicians", tree.tech_groups.map((g) => techGroup(g, null)).sort(byName)));
  }
  if (tree.channels) {
    roots.push(root("root:channels", "Channels", [...tree.channels].sort((a, b) => a.number - b.number).map((c) => node("channel", c))));
  }
  if (tree.external_groups) {
    roots.push(root("root:external", "External Technicians", tree.external_groups.map((g) => {
      const group = node("external_group", g, { count: g.member_count });
      group.children = g.members.map((m) => node("external_tech", { ...m, group_id: g.id })).sort(byName);
      return group;
    }).sort(byName)));
  }
  for (const r of roots) r.count = r.key === "root:channels" ? null : countPeople(r);
  return roots;
}

// How many people a root holds (the "(7)" after a tree label).
function countPeople(n) {
  const person = ["master_admin", "admin", "technician", "external_tech"].includes(n.type) ? 1 : 0;
  return person + n.children.reduce((sum, child) => sum + countPeople(child), 0);
}

// Every Technician Group as [id, "Parent / Child"] for pickers ("Move to Technician Group").
export function groupChoices(roots) {
  const out = [];
  const walk = (nodes, prefix) => {
    for (const n of nodes) {
      if (n.type !== "tech_group") continue;
      const path = prefix ? `${prefix} / ${n.label}` : n.label;
      out.push([n.id, path]);
      walk(n.children, path);
    }
  };
  const technicians = roots.find((r) => r.key === "root:technicians");
  if (technicians) walk(technicians.children, "");
  return out;
}
