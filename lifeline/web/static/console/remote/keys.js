// The special-keys menu: chords a browser would never pass to a page (Ctrl+Alt+Del, Alt+Tab…).
// Each is sent as physical key codes, pressed in order and released in reverse.

export const SPECIAL_KEYS = [
  { label: "Ctrl+Alt+Del", codes: ["ControlLeft", "AltLeft", "Delete"] },
  { label: "Alt+Tab", codes: ["AltLeft", "Tab"] },
  { label: "Alt+F4", codes: ["AltLeft", "F4"] },
  { label: "Ctrl+Esc", codes: ["ControlLeft", "Escape"] },
  { label: "Windows key", codes: ["MetaLeft"] },
  { label: "Print Screen", codes: ["PrintScreen"] },
  { label: "Ctrl+Shift+Esc", codes: ["ControlLeft", "ShiftLeft", "Escape"] },
];

export function chordMessages(codes) {
  const down = codes.map((code) => ({ type: "key", code, down: true }));
  const up = [...codes].reverse().map((code) => ({ type: "key", code, down: false }));
  return [...down, ...up];
}
