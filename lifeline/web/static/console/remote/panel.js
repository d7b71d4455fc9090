// The remote-desktop panel of a session workspace: Start remote control / Start desktop viewing,
// the canvas (fit or 1:1, full screen), monitor switch, special keys, motion (how full-screen motion
// is sent: the agent decides by the link, sharp JPEG, or low-bandwidth VP8 video where the browser
// decodes it), clipboard sync, screenshot, and a live quality line (fps, frame age, bandwidth, and
// "video" while the agent sends VP8).
//
// Buttons appear only when the relay says the technician's group allows them (state.allowed), so
// hidden is also enforced: the relay drops whatever a view-only or unpermitted viewer sends anyway.

import { h } from "/static/lib/api.js";
import { Viewer } from "/static/viewer/viewer.js";
import { MOTION_AUTO, MOTION_SHARP, MOTION_VIDEO } from "/static/viewer/messages.js";
import { encodingVP8 } from "/static/viewer/encodings.js";
import { RelayConnection } from "/static/console/remote/connection.js";
import { maySend, readLocal, remember, writeLocal } from "/static/console/remote/clipboard.js";
import { SPECIAL_KEYS, chordMessages } from "/static/console/remote/keys.js";

const STATS_EVERY_MS = 500;
const CLIPBOARD_POLL_MS = 1000;

export function remotePanel(lsid) {
  const canvas = h("canvas", { class: "tc-remote-canvas", "aria-label": "Customer screen" });
  const screen = h("div", { class: "tc-remote-screen", hidden: true }, canvas);
  const status = h("p", { class: "tc-remote-status", dataset: { remoteStatus: "" } }, "Connecting to the customer…");
  const quality = h("span", { class: "tc-remote-quality", dataset: { remoteQuality: "" } });
  const monitorSelect = h("select", { "aria-label": "Monitor", hidden: true });
  const keysSelect = h("select", { "aria-label": "Special keys", dataset: { remoteKeys: "" } },
    h("option", { value: "" }, "Special keys…"), ...SPECIAL_KEYS.map((k, i) => h("option", { value: String(i) }, k.label)));
  const videoOption = h("option", { value: MOTION_VIDEO, hidden: true, disabled: true }, "Motion: Low bandwidth (video)");
  const motionSelect = h("select", { "aria-label": "Motion", dataset: { remoteMotion: "" } },
    h("option", { value: MOTION_AUTO }, "Motion: Automatic"), h("option", { value: MOTION_SHARP }, "Motion: Sharp (JPEG)"),
    videoOption);
  const clipText = h("textarea", { rows: 2, placeholder: "Clipboard", dataset: { remoteClipboard: "" } });
  const button = (label, name, onclick) => h("button", { type: "button", class: "tc-button", dataset: { action: name }, onclick }, label);

  const conn = new RelayConnection(lsid);
  let viewer = null;
  let relay = { agent_online: false, consent: {}, allowed: {}, clipboard_mode: "universal" };
  let lastClipboard = null;
  let onVideo = false; // the last drawn update was VP8

  const startControl = button("Start remote control", "remote-control", () => conn.sendJSON({ type: "start", mode: "control" }));
  const startView = button("Start desktop viewing", "remote-view", () => conn.sendJSON({ type: "start", mode: "view" }));
  const stop = button("Stop", "remote-stop", () => conn.sendJSON({ type: "stop" }));
  const scale = button("1:1", "remote-scale", () => {
    const fit = viewer.display.scaleMode === "fit";
    viewer.setScaleMode(fit ? "1:1" : "fit");
    scale.textContent = fit ? "Fit" : "1:1";
  });
  const full = button("Full screen", "remote-fullscreen", () => screen.requestFullscreen?.());
  const shot = button("Screenshot", "remote-screenshot", () => conn.sendJSON({ type: "screenshot_request" }));
  const sendClip = button("Send clipboard", "remote-clipboard-send", () => pushClipboard(clipText.value));
  const controls = h("div", { class: "tc-remote-controls" }, scale, full, monitorSelect, keysSelect, motionSelect, shot,
    clipText, sendClip);
  const root = h("section", { class: "tc-remote", dataset: { remotePanel: lsid } },
    h("div", { class: "tc-remote-bar" }, startControl, startView, stop, quality), status, controls, screen);

  keysSelect.onchange = () => {
    const chord = SPECIAL_KEYS[Number(keysSelect.value)];
    keysSelect.value = "";
    if (chord && relay.mode === "control") for (const m of chordMessages(chord.codes)) conn.sendJSON(m);
  };
  monitorSelect.onchange = () => viewer && viewer.selectMonitor(Number(monitorSelect.value));
  motionSelect.onchange = () => viewer && viewer.setMotion(motionSelect.value);

  function makeViewer() {
    if (viewer) viewer.destroy();
    viewer = new Viewer(canvas, { send: (text) => conn.send(text), viewOnly: relay.mode !== "control" });
    // The choice outlives a restarted stream: the new viewer re-sends it when the agent starts.
    if (motionSelect.value !== MOTION_AUTO) viewer.setMotion(motionSelect.value);
    viewer.addEventListener("update", (e) => { onVideo = e.detail.rects.some((r) => r.encoding === encodingVP8); });
    viewer.videoSupported().then((supported) => { videoOption.hidden = videoOption.disabled = !supported; });
    viewer.addEventListener("monitors", (e) => {
      monitorSelect.replaceChildren(...e.detail.monitors.map((m) =>
        h("option", { value: String(m.index), selected: m.index === e.detail.selected }, `Monitor ${m.index + 1} (${m.width}×${m.height})`)));
      monitorSelect.hidden = e.detail.monitors.length < 2;
    });
    viewer.addEventListener("clipboard", (e) => {
      remember(e.detail.text, lsid);
      lastClipboard = e.detail.text;
      clipText.value = e.detail.text;
      writeLocal(e.detail.text);
    });
    viewer.addEventListener("error", (e) => { status.textContent = `Screen stream failed: ${e.detail}`; });
  }

  async function pushClipboard(text) {
    if (text === null || text === lastClipboard || relay.mode !== "control" || !relay.allowed.clipboard) return;
    if (!maySend(text, lsid, relay.clipboard_mode)) {
      status.textContent = "This text was copied in another session; your group keeps clipboards per session.";
      return;
    }
    lastClipboard = text;
    viewer.sendClipboard(text);
  }

  function describe() {
    if (conn.refused) return "Remote desktop is not available to you in this session.";
    if (!relay.agent_online) return "The customer's agent is not connected.";
    if (relay.refused) return relay.refused;
    if (relay.consent.pending) return "Waiting for the customer to allow…";
    if (relay.denied) return "The customer declined.";
    if (relay.mode === "control" && relay.consent.control) return "Remote control is on.";
    if (relay.mode === "view" && relay.consent.view) return "Desktop viewing is on.";
    if (relay.mode) return "The customer has not given (or has revoked) permission. Start again to ask.";
    return "Remote desktop is stopped.";
  }

  function draw() {
    const a = relay.allowed || {};
    const streaming = Boolean(relay.mode) && (relay.mode === "control" ? relay.consent.control : relay.consent.view);
    startControl.hidden = !a.control || (relay.mode === "control" && streaming);
    startView.hidden = !a.view || (relay.mode === "view" && streaming);
    stop.hidden = !relay.mode;
    controls.hidden = !streaming;
    shot.hidden = !a.screenshot;
    clipText.hidden = sendClip.hidden = !(a.clipboard && relay.mode === "control");
    keysSelect.hidden = relay.mode !== "control";
    screen.hidden = !streaming;
    root.dataset.mode = relay.mode || "";
    root.dataset.streaming = String(streaming);
    status.textContent = describe();
    if (viewer) viewer.setViewOnly(relay.mode !== "control" || !relay.consent.control);
  }

  conn.addEventListener("open", () => { relay.refused = null; draw(); });
  conn.addEventListener("close", () => { relay.agent_online = false; draw(); });
  conn.addEventListener("frame", (e) => viewer && viewer.receive(e.detail));
  conn.addEventListener("message", (e) => {
    const m = e.detail;
    if (m.type === "state") {
      const restarted = m.mode && (m.mode !== relay.mode || !relay.agent_online);
      relay = { ...relay, ...m, refused: null, denied: Boolean(m.denied) };
      if (!m.mode) delete relay.mode;
      if (restarted || !viewer) makeViewer();
    } else if (m.type === "refused") {
      relay.refused = m.reason;
    } else if (m.type === "screenshot_png") {
      const link = h("a", { href: `data:image/png;base64,${m.png}`, download: `screenshot-${lsid.slice(0, 8)}.png` });
      root.append(link);
      link.click();
      link.remove();
      root.dataset.screenshots = String(Number(root.dataset.screenshots || 0) + 1);
    } else if (viewer) {
      viewer.handleMessage(m);
    }
    draw();
  });

  const statsTimer = setInterval(() => {
    if (!viewer || screen.hidden) { quality.textContent = ""; return; }
    const s = viewer.stats.snapshot();
    quality.textContent = `${s.fps.toFixed(0)} fps · ${Math.max(0, s.ageMs).toFixed(0)} ms · ${s.kbitPerSecond.toFixed(0)} kbit/s`
      + (onVideo ? " · video" : "");
  }, STATS_EVERY_MS);
  const clipTimer = setInterval(async () => {
    if (document.activeElement === canvas) pushClipboard(await readLocal());
  }, CLIPBOARD_POLL_MS);
  canvas.addEventListener("focus", async () => pushClipboard(await readLocal()));

  root.dispose = () => {
    clearInterval(statsTimer);
    clearInterval(clipTimer);
    if (viewer) viewer.destroy();
    conn.close();
  };
  makeViewer();
  draw();
  conn.open();
  return root;
}
