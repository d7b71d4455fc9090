// Clipboard synchronisation between the technician's browser and each session (spec part2 §6.2).
//
// "universal": the technician's clipboard holds items from every session; whatever is on it may be
// sent to any session. "per_session": text copied in a session may be pasted on the technician's
// computer but never sent to another customer, so text whose origin is another session is refused.
// Origins are remembered for this console page (text -> lsid).

const origins = new Map();

export function remember(text, lsid) {
  origins.set(text, lsid);
}

export function maySend(text, lsid, mode) {
  if (mode !== "per_session") return true;
  const origin = origins.get(text);
  return origin === undefined || origin === lsid;
}

export async function readLocal() {
  try {
    return await navigator.clipboard.readText();
  } catch {
    return null; // no permission or no focus: the panel's text box is the fallback
  }
}

export async function writeLocal(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
