// Mouse and keyboard on the canvas -> JSON input messages (docs/protocol.md, "Input").
//
// Keys travel as KeyboardEvent.code (the physical key) plus KeyboardEvent.key when it is a
// single character, so the agent can type the same character on another layout.
// Losing focus (blur, tab hidden) sends release_all: a key held while the technician
// alt-tabs away must not stay down on the customer's machine.

import * as messages from "./messages.js";

const MOUSE_MOVE_DELAY_MS = 17; // minimum wait between two mouse moves (~60/s), like noVNC
const WHEEL_STEP_PX = 50; // pixel-mode wheel delta that makes one notch (Chromium sends 100 per click)
const WHEEL_STEP_LINES = 3; // line-mode (Firefox) delta that makes one notch
const MAX_WHEEL_STEPS = 100; // protocol limit per message
const DOM_DELTA_LINE = 1;

export class Input {
  constructor(canvas, display, send) {
    this._canvas = canvas;
    this._display = display;
    this._send = send;
    this._enabled = true;
    this._pendingMove = null;
    this._moveTimer = null;
    this._lastMoveAt = 0;
    this._wheelX = 0;
    this._wheelY = 0;
    this._down = false; // any key or button pressed since the last release
    this._handlers = {
      mousemove: (e) => this._onMouseMove(e),
      mousedown: (e) => this._onButton(e, true),
      mouseup: (e) => this._onButton(e, false),
      wheel: (e) => this._onWheel(e),
      contextmenu: (e) => e.preventDefault(),
      keydown: (e) => this._onKey(e, true),
      keyup: (e) => this._onKey(e, false),
      blur: () => this.releaseAll(),
    };
    this._onVisibility = () => {
      if (document.hidden) this.releaseAll();
    };
    canvas.tabIndex = 0; // focusable, so it receives key events
    for (const [name, handler] of Object.entries(this._handlers)) {
      canvas.addEventListener(name, handler, name === "wheel" ? { passive: false } : undefined);
    }
    document.addEventListener("visibilitychange", this._onVisibility);
  }

  // ===== PUBLIC METHODS =====

  // View-only sessions (no control permission) disable input; disabling releases everything.
  setEnabled(enabled) {
    if (!enabled) this.releaseAll();
    this._enabled = enabled;
  }

  releaseAll() {
    if (!this._down) return;
    this._down = false;
    this._send(messages.releaseAll());
  }

  destroy() {
    this.releaseAll();
    clearTimeout(this._moveTimer);
    for (const [name, handler] of Object.entries(this._handlers)) this._canvas.removeEventListener(name, handler);
    document.removeEventListener("visibilitychange", this._onVisibility);
  }

  // ===== PRIVATE METHODS =====

  _onMouseMove(e) {
    if (!this._enabled) return;
    this._pendingMove = this._display.toScreen(e.clientX, e.clientY);
    const wait = this._lastMoveAt + MOUSE_MOVE_DELAY_MS - performance.now();
    if (wait <= 0) {
      this._flushMove();
    } else if (this._moveTimer === null) {
      this._moveTimer = setTimeout(() => this._flushMove(), wait);
    }
  }

  _flushMove() {
    clearTimeout(this._moveTimer);
    this._moveTimer = null;
    if (this._pendingMove === null) return;
    const { x, y } = this._pendingMove;
    this._pendingMove = null;
    this._lastMoveAt = performance.now();
    this._send(messages.mouseMove(x, y));
  }

  _onButton(e, down) {
    if (!this._enabled) return;
    e.preventDefault();
    if (down) this._canvas.focus();
    this._pendingMove = null; // the button message carries the position
    const { x, y } = this._display.toScreen(e.clientX, e.clientY);
    if (down) this._down = true;
    this._send(messages.mouseButton(e.button, down, x, y));
  }

  _onWheel(e) {
    if (!this._enabled) return;
    e.preventDefault();
    const step = e.deltaMode === DOM_DELTA_LINE ? WHEEL_STEP_LINES : WHEEL_STEP_PX;
    this._wheelX += e.deltaX;
    this._wheelY += e.deltaY;
    const dx = clampSteps(Math.trunc(this._wheelX / step));
    const dy = clampSteps(Math.trunc(this._wheelY / step));
    if (dx === 0 && dy === 0) return;
    this._wheelX -= dx * step;
    this._wheelY -= dy * step;
    const { x, y } = this._display.toScreen(e.clientX, e.clientY);
    this._send(messages.wheel(x, y, dx, dy));
  }

  _onKey(e, down) {
    if (!this._enabled || !e.code) return;
    e.preventDefault(); // keep browser shortcuts from firing while controlling
    if (down) this._down = true;
    const key = [...e.key].length === 1 ? e.key : undefined;
    this._send(messages.keyEvent(e.code, down, key));
  }
}

function clampSteps(n) {
  return Math.max(-MAX_WHEEL_STEPS, Math.min(MAX_WHEEL_STEPS, n));
}
