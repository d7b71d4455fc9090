// What the context menu and drag-and-drop do: ask for the few values a new item needs,
// confirm deletes, call the admin API, then redraw the tree and select the result.
import { confirmDialog, plainMessage, promptDialog } from "./forms.js";
import { TYPE_NAMES } from "./orgmodel.js";

const PERSON = (title) => [title, [["name", "Name"], ["email", "Email", "email"], ["password", "Password", "password"]]];
const GROUP = (title) => [title, [["name", "Group name"]]];

// Menu entry id → [dialog title, fields, node type created, parent field].
const CREATORS = {
  create_master_admin: [...PERSON("Create Master Administrator"), "master_admin"],
  create_admin: [...PERSON("Create administrator"), "admin"],
  create_admin_group: [...GROUP("Create Administrator Group"), "admin_group"],
  create_tech_group: [...GROUP("Create Technician Group"), "tech_group"],
  create_technician: [...PERSON("Create technician"), "technician"],
  create_computer_group: [...GROUP("Create Computer Group"), "computer_group"],
  create_external_group: [...GROUP("Create External Technician Group"), "external_group"],
  create_external_tech: ["Create external technician", [["name", "Name"], ["email", "Email", "email"]], "external_tech"],
};

export async function runMenuAction(app, actionId, node) {
  try {
    if (CREATORS[actionId]) return await create(app, actionId, node);
    if (actionId === "enable" || actionId === "disable") {
      await app.api.update(node.type, node.id, { enabled: actionId === "enable" });
      await app.refresh(node.key);
      return app.flash(`${node.label} is now ${actionId === "enable" ? "enabled" : "disabled"}.`);
    }
    if (actionId === "delete") return await remove(app, node);
  } catch (error) {
    app.flashError(plainMessage(error));
  }
  return null;
}

async function create(app, actionId, parent) {
  const [title, fields, type] = CREATORS[actionId];
  const record = await promptDialog(title, fields, (values) => app.api.create(type, parent, values));
  if (!record) return;
  await app.refresh(`${type}:${record.id}`, { showTab: "organization" });
  app.flash(`${TYPE_NAMES[type]} “${record.name}” created.`);
}

async function remove(app, node) {
  const sure = await confirmDialog(`Delete ${node.label}?`,
    `The ${TYPE_NAMES[node.type]} “${node.label}” will be deleted. This cannot be undone.`);
  if (!sure) return;
  await app.api.remove(node.type, node.id);
  await app.refresh(app.tree.parentOf(node.key)?.key ?? null);
  app.flash(`${node.label} was deleted.`);
}

// Drop handler for dnd.js.
export async function runDrop(app, action, source, target) {
  try {
    if (action.kind === "move_technician") await app.api.moveTechnician(source.id, target.id);
    else if (action.kind === "move_tech_group") await app.api.moveTechGroup(source.id, target.type === "tech_group" ? target.id : null);
    else if (action.kind === "assign_admin") await app.api.assignAdmin(source.id, target.id);
    await app.refresh(action.kind === "assign_admin" ? target.key : source.key);
    app.flash(`${action.label}: done.`);
  } catch (error) {
    app.flashError(`${action.label}: ${plainMessage(error)}`);
  }
}
