// The password policy's strength meter (spec part1 §9), the same rules as
// lifeline/domain/password_policy.py; the server re-checks every password, so
// this module only gives live feedback. Keep the two in step.
//
// At least 8 characters; four classes (lowercase, uppercase, digits, special);
// a "repeat" is any character occurring more than once anywhere, case-sensitively.
// Good = 3 classes with repeats; Strong = 3 without repeats or 4 with;
// Excellent = 4 without repeats; anything else is None.

export const MIN_LENGTH = 8;
export const LEVELS = ["none", "good", "strong", "excellent"];
export const LABELS = { none: "None", good: "Good", strong: "Strong", excellent: "Excellent" };

// Python's str.islower()/isupper()/isdecimal() for one code point.
function charClass(ch) {
  if (/\p{Lowercase}/u.test(ch)) return "lower";
  if (/\p{Uppercase}/u.test(ch)) return "upper";
  if (/\p{Nd}/u.test(ch)) return "digit";
  return "special";
}

export function strength(password) {
  const chars = [...password]; // code points, like Python's len()
  const classes = new Set(chars.map(charClass));
  const counts = new Map();
  for (const ch of chars) counts.set(ch, (counts.get(ch) || 0) + 1);
  const repeats = [...counts.values()].some((n) => n > 1);
  if (chars.length < MIN_LENGTH || classes.size < 3) return "none";
  if (classes.size < 4) return repeats ? "good" : "strong";
  return repeats ? "strong" : "excellent";
}

// The policy never accepts less than Good, whatever its configured minimum.
export function meets(level, minimum) {
  const required = Math.max(1, LEVELS.indexOf(minimum));
  return LEVELS.indexOf(level) >= required;
}
