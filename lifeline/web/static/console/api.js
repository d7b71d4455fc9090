// Every call the console makes to /api/console (lifeline/web/console_api/). Sessions are named by lsid.

import { ApiError, csrfToken, del, get, patch, post, put } from "/static/lib/api.js";

const base = (lsid) => `/api/console/sessions/${encodeURIComponent(lsid)}`;

export const consoleApi = {
  state: () => get("/api/console/state"),
  setPresence: (status) => post("/api/console/presence", { status }),
  createSession: (body) => post("/api/console/sessions", body),
  detail: (lsid) => get(base(lsid)),
  pickUp: (lsid) => post(`${base(lsid)}/pickup`),
  hold: (lsid) => post(`${base(lsid)}/hold`),
  unhold: (lsid) => post(`${base(lsid)}/unhold`),
  close: (lsid) => post(`${base(lsid)}/close`),
  chat: (lsid, text, techniciansOnly = false) => post(`${base(lsid)}/chat`, { text, technicians_only: techniciansOnly }),
  typing: (lsid, typing) => post(`${base(lsid)}/typing`, { typing }),
  addNote: (lsid, text) => post(`${base(lsid)}/notes`, { text }),
  editFields: (lsid, body) => patch(`${base(lsid)}/fields`, body),
  transferTargets: (lsid) => get(`${base(lsid)}/transfer-targets`),
  transfer: (lsid, target, comment) => post(`${base(lsid)}/transfer`, { target, comment }),
  inviteTargets: (lsid) => get(`${base(lsid)}/invite-targets`),
  invite: (lsid, technicianId) => post(`${base(lsid)}/invite`, { technician_id: technicianId }),
  inviteExternal: (lsid, email, name) => post(`${base(lsid)}/invite-external`, { email, name }),
  survey: (lsid) => get(`${base(lsid)}/survey`),
  answerSurvey: (lsid, answers) => post(`${base(lsid)}/survey`, { answers }),
  replies: () => get("/api/console/replies"),
  addReply: (kind, name, content) => post("/api/console/replies", { kind, name, content }),
  updateReply: (id, kind, name, content) => put(`/api/console/replies/${id}`, { kind, name, content }),
  deleteReply: (id) => del(`/api/console/replies/${id}`),
  exportReplies: async () => {
    const response = await fetch("/api/console/replies.xml", { credentials: "same-origin" });
    if (!response.ok) throw new Error(`Export failed (HTTP ${response.status}).`);
    return response.blob();
  },
  importReplies: async (xmlText) => {
    const response = await fetch("/api/console/replies.xml", {
      method: "POST", credentials: "same-origin", body: xmlText,
      headers: { "Content-Type": "text/xml", "X-CSRF-Token": csrfToken(), "Accept": "application/json" },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  },
  signOut: () => post("/api/auth/logout"),
};
