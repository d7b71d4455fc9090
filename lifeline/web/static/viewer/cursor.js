// The remote pointer over the canvas, from the agent's `cursor_shape` and `cursor` messages.
//
// Capture leaves the pointer out (docs/remote-desktop.md), so the viewer draws it:
// - an <img> overlay at the remote position, scaled with the canvas, whenever the technician's own
//   pointer is not steering it (view-only, or the pointer is off the canvas, or the customer moves it);
// - in control mode with the technician's pointer on the canvas, the same image as the CSS cursor
//   instead, so there is one pointer, with no round-trip lag.
// The overlay carries the last position as data-x / data-y / data-visible (tests read them).

const DEFAULT_CURSOR = "default";

export class CursorOverlay {
  constructor(canvas) {
    this._canvas = canvas;
    this._img = document.createElement("img");
    this._img.alt = "";
    this._img.dataset.remoteCursor = "";
    this._img.dataset.visible = "false";
    Object.assign(this._img.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none",
      display: "none", imageRendering: "pixelated", zIndex: "1" });
    this._shape = null; // {width, height, hot_x, hot_y, url}
    this._position = { x: 0, y: 0, visible: false };
    this._local = false; // the technician steers: their pointer is on the canvas in control mode
    this._steering = false;
    this._hovered = false;
    this._onEnter = () => { this._hovered = true; this._update(); };
    this._onLeave = () => { this._hovered = false; this._update(); };
    canvas.addEventListener("pointerenter", this._onEnter);
    canvas.addEventListener("pointerleave", this._onLeave);
    this._attach();
  }

  // ===== PROPERTIES =====

  get position() {
    return { ...this._position };
  }

  // ===== PUBLIC METHODS =====

  setShape({ width, height, hot_x: hotX, hot_y: hotY, png }) {
    this._shape = { width, height, hotX, hotY, url: `data:image/png;base64,${png}` };
    this._img.src = this._shape.url;
    this._update();
  }

  setPosition({ x, y, visible }) {
    this._position = { x, y, visible };
    this._img.dataset.x = String(x);
    this._img.dataset.y = String(y);
    this._img.dataset.visible = String(visible);
    this._update();
  }

  // In control mode the technician's own pointer is the cursor while it is on the canvas.
  setSteering(steering) {
    this._steering = steering;
    this._update();
  }

  destroy() {
    this._canvas.removeEventListener("pointerenter", this._onEnter);
    this._canvas.removeEventListener("pointerleave", this._onLeave);
    this._canvas.style.cursor = "";
    this._img.remove();
  }

  // ===== PRIVATE METHODS =====

  _attach() {
    const parent = this._canvas.parentElement;
    if (!parent) return;
    if (getComputedStyle(parent).position === "static") parent.style.position = "relative";
    parent.append(this._img);
  }

  _update() {
    if (!this._img.isConnected) this._attach();
    const local = this._steering && this._hovered;
    const shape = this._shape;
    this._canvas.style.cursor = local && shape ? `url(${shape.url}) ${shape.hotX} ${shape.hotY}, ${DEFAULT_CURSOR}` : DEFAULT_CURSOR;
    const show = Boolean(shape) && this._position.visible && !local;
    this._img.style.display = show ? "block" : "none";
    if (!show) return;
    const scaleX = this._canvas.width ? this._canvas.clientWidth / this._canvas.width : 1;
    const scaleY = this._canvas.height ? this._canvas.clientHeight / this._canvas.height : 1;
    this._img.style.width = `${shape.width * scaleX}px`;
    this._img.style.height = `${shape.height * scaleY}px`;
    const left = this._canvas.offsetLeft + (this._position.x - shape.hotX) * scaleX;
    const top = this._canvas.offsetTop + (this._position.y - shape.hotY) * scaleY;
    this._img.style.transform = `translate(${left}px, ${top}px)`;
  }
}
