// The remote screen on a <canvas>: drawing primitives for the decoders, scaling, and
// mapping page coordinates back to remote-screen pixels for input.js.
//
// The canvas's backing store is always the remote screen size (1 canvas px = 1 remote px);
// scaling is CSS only, so decoders never deal with it and copies stay pixel-exact.

export const SCALE_FIT = "fit"; // shrink to the container, never enlarge
export const SCALE_ONE_TO_ONE = "1:1"; // one remote pixel per CSS pixel; the container scrolls

export class Display {
  constructor(canvas) {
    this._canvas = canvas;
    this._ctx = canvas.getContext("2d", { alpha: false });
    this._ctx.imageSmoothingEnabled = false;
    this._scaleMode = SCALE_FIT;
    this._applyScale();
  }

  // ===== PROPERTIES =====

  get width() {
    return this._canvas.width;
  }

  get height() {
    return this._canvas.height;
  }

  get scaleMode() {
    return this._scaleMode;
  }

  set scaleMode(mode) {
    if (mode !== SCALE_FIT && mode !== SCALE_ONE_TO_ONE) throw new Error(`unknown scale mode ${mode}`);
    this._scaleMode = mode;
    this._applyScale();
  }

  // ===== PUBLIC METHODS =====

  resize(width, height) {
    if (width === this._canvas.width && height === this._canvas.height) return;
    this._canvas.width = width; // also clears the canvas
    this._canvas.height = height;
    this._ctx.imageSmoothingEnabled = false;
    this._applyScale();
  }

  fillRect(x, y, w, h, r, g, b) {
    this._ctx.fillStyle = `rgb(${r},${g},${b})`;
    this._ctx.fillRect(x, y, w, h);
  }

  copyRect(srcX, srcY, x, y, w, h) {
    // drawImage of a canvas onto itself behaves as if the source were copied first,
    // so overlapping scrolls are safe.
    this._ctx.drawImage(this._canvas, srcX, srcY, w, h, x, y, w, h);
  }

  drawImage(image, x, y) {
    this._ctx.drawImage(image, x, y);
  }

  // Exact pixels (lossless decoders): putImageData bypasses compositing and smoothing.
  putImageData(imageData, x, y) {
    this._ctx.putImageData(imageData, x, y);
  }

  // Page (clientX, clientY) -> remote pixel, clamped to the screen.
  toScreen(clientX, clientY) {
    const box = this._canvas.getBoundingClientRect();
    const sx = box.width > 0 ? this._canvas.width / box.width : 1;
    const sy = box.height > 0 ? this._canvas.height / box.height : 1;
    const x = Math.floor((clientX - box.left) * sx);
    const y = Math.floor((clientY - box.top) * sy);
    return {
      x: Math.min(Math.max(x, 0), this._canvas.width - 1),
      y: Math.min(Math.max(y, 0), this._canvas.height - 1),
    };
  }

  // RGBA bytes of a region, for tests and screenshots.
  getPixels(x, y, w, h) {
    return this._ctx.getImageData(x, y, w, h).data;
  }

  // ===== PRIVATE METHODS =====

  _applyScale() {
    const style = this._canvas.style;
    if (this._scaleMode === SCALE_FIT) {
      style.width = "";
      style.height = "";
      style.maxWidth = "100%";
      style.maxHeight = "100%";
    } else {
      style.maxWidth = "none";
      style.maxHeight = "none";
      style.width = `${this._canvas.width}px`;
      style.height = `${this._canvas.height}px`;
    }
    style.imageRendering = this._scaleMode === SCALE_ONE_TO_ONE ? "pixelated" : "auto";
  }
}
