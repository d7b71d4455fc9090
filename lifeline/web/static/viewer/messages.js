// Pure builders of the JSON control messages the viewer sends.
// Twin of the builders in lifeline/protocol/messages.py (the agent validates everything).

export const keyEvent = (code, down, key) => (key === undefined ? { type: "key", code, down } : { type: "key", code, down, key });
export const mouseMove = (x, y) => ({ type: "mouse_move", x, y });
export const mouseButton = (button, down, x, y) => ({ type: "mouse_button", button, down, x, y });
export const wheel = (x, y, dx, dy) => ({ type: "wheel", x, y, dx, dy });
export const releaseAll = () => ({ type: "release_all" });
// drawMs: how long the viewer held the update, from its arrival to drawn (waiting behind earlier
// updates, decoding, drawing); the agent's link-rate estimate leaves it out.
// Whole ms up to MAX_DRAW_MS (twin of protocol MAX_DRAW_MS: a longer draw was a throttled tab).
const MAX_DRAW_MS = 60000;
export const ack = (seq, drawMs) =>
  drawMs === undefined ? { type: "ack", seq } : { type: "ack", seq, draw_ms: Math.min(Math.round(drawMs), MAX_DRAW_MS) };
export const clipboard = (text) => ({ type: "clipboard", text });
export const monitorSelect = (index) => ({ type: "monitor_select", index });
export const refresh = () => ({ type: "refresh" });
export const encodings = (ids) => ({ type: "encodings", encodings: ids });
// Sustained full-screen motion (the "motion" field): the agent decides by the link's measured
// rate (auto), never VP8 (sharp), or VP8 whatever the link (video). Twin of protocol Motion.
export const MOTION_AUTO = "auto";
export const MOTION_SHARP = "sharp";
export const MOTION_VIDEO = "video";
export function qualityHint({ jpegQuality, maxFps, motion } = {}) {
  const message = { type: "quality" };
  if (jpegQuality !== undefined) message.jpeg_quality = jpegQuality;
  if (maxFps !== undefined) message.max_fps = maxFps;
  if (motion !== undefined && motion !== MOTION_AUTO) message.motion = motion;
  return message;
}
