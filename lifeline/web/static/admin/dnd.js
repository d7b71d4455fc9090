// Drag-and-drop in the organization tree with pointer events (mouse, pen or touch):
// technician → Technician Group (move), Technician Group → Technician Group or the
// Technicians root (re-parent), Administrator → Technician Group (assign).
// Pointer events rather than HTML5 drag events: they behave the same for a person's mouse
// and for synthetic mouse input, and the drop target is simply the row under the pointer.
import { h } from "/static/lib/api.js";

const DRAG_THRESHOLD_PX = 5; // below this a press is a click, not a drag

// What dropping `source` on `target` would do, or null if it is not allowed. `tree` answers ancestry.
export function dropAction(source, target, tree) {
  if (!source || !target || source.key === target.key) return null;
  if (source.type === "technician" && target.type === "tech_group") {
    return source.parentGroupId === target.id ? null : { kind: "move_technician", label: `Move ${source.label} to ${target.label}` };
  }
  if (source.type === "tech_group" && (target.type === "tech_group" || target.key === "root:technicians")) {
    const newParent = target.type === "tech_group" ? target.id : null;
    if ((source.parentGroupId ?? null) === newParent) return null;
    for (let node = target; node; node = tree.parentOf(node.key)) if (node.key === source.key) return null;
    return { kind: "move_tech_group", label: `Move ${source.label} into ${target.label}` };
  }
  if (source.type === "admin" && target.type === "tech_group") {
    return { kind: "assign_admin", label: `Assign ${source.label} to ${target.label}` };
  }
  return null;
}

export const DRAGGABLE_TYPES = new Set(["technician", "tech_group", "admin"]);

// Wire pointer drag-and-drop onto the tree container. `onDrop(action, source, target)` does the work.
export function enableDragAndDrop(tree, onDrop) {
  let drag = null;

  const itemAt = (x, y) => {
    const el = document.elementFromPoint(x, y);
    return el ? el.closest(".admin-tree-item") : null;
  };

  const clearTarget = () => {
    tree.container.querySelectorAll(".is-drop-target").forEach((el) => el.classList.remove("is-drop-target"));
  };

  const finish = () => {
    if (!drag) return;
    clearTarget();
    drag.item.classList.remove("is-dragging");
    if (drag.ghost) drag.ghost.remove();
    document.removeEventListener("pointermove", onMove);
    document.removeEventListener("pointerup", onUp);
    document.removeEventListener("keydown", onKey, true);
    drag = null;
  };

  const onMove = (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.startX;
    const dy = event.clientY - drag.startY;
    if (!drag.active && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    if (!drag.active) {
      drag.active = true;
      drag.item.classList.add("is-dragging");
      drag.ghost = h("div", { class: "admin-drag-ghost", "aria-hidden": "true" }, drag.source.label);
      document.body.append(drag.ghost);
    }
    drag.ghost.style.transform = `translate(${event.clientX + 12}px, ${event.clientY + 8}px)`;
    clearTarget();
    const targetItem = itemAt(event.clientX, event.clientY);
    const target = targetItem ? tree.node(targetItem.dataset.key) : null;
    drag.target = target && dropAction(drag.source, target, tree) ? target : null;
    if (drag.target) targetItem.classList.add("is-drop-target");
  };

  const onUp = (event) => {
    if (!drag) return;
    onMove(event);
    const { active, source, target } = drag;
    finish();
    if (!active) return;
    // The click that follows a drag must not select the row the pointer was released on.
    const swallow = (e) => { e.stopPropagation(); e.preventDefault(); };
    document.addEventListener("click", swallow, { capture: true, once: true });
    setTimeout(() => document.removeEventListener("click", swallow, { capture: true }), 0);
    if (target) onDrop(dropAction(source, target, tree), source, target);
  };

  const onKey = (event) => {
    if (event.key === "Escape") { event.preventDefault(); finish(); }
  };

  tree.container.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.target.closest(".admin-tree-toggle")) return;
    const item = event.target.closest(".admin-tree-item");
    const source = item ? tree.node(item.dataset.key) : null;
    if (!source || !DRAGGABLE_TYPES.has(source.type)) return;
    drag = { item, source, startX: event.clientX, startY: event.clientY, active: false, target: null, ghost: null };
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("keydown", onKey, true);
  });
}
