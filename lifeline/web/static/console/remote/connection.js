// The viewer's websocket to the relay (/remote/ws/{lsid}): handshake, relay state, reconnects.
//
// The screen/input protocol itself is the Viewer's (/static/viewer/); this module only adds what the
// relay speaks around it (docs/protocol.md, "Relay and agent connection"): hello/welcome, start/stop,
// state, refused, screenshot_png. A close with 1008 means "not allowed" and is not retried.

const PROTOCOL_VERSIONS = [1];
const RECONNECT_MS = 1000;
const POLICY_VIOLATION = 1008;

export class RelayConnection extends EventTarget {
  constructor(lsid) {
    super();
    this._lsid = lsid;
    this._ws = null;
    this._closed = false;
    this.refused = false;
  }

  // ===== PUBLIC METHODS =====

  open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/remote/ws/${this._lsid}`);
    ws.binaryType = "arraybuffer";
    this._ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", versions: PROTOCOL_VERSIONS, role: "viewer" }));
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") {
        this._emit("frame", e.data);
        return;
      }
      const message = JSON.parse(e.data);
      this._emit(message.type === "welcome" ? "open" : "message", message);
    };
    ws.onclose = (e) => {
      this._ws = null;
      if (e.code === POLICY_VIOLATION) this.refused = true;
      this._emit("close", { code: e.code, refused: this.refused });
      if (!this._closed && !this.refused) setTimeout(() => this.open(), RECONNECT_MS);
    };
  }

  send(text) {
    if (this._ws && this._ws.readyState === WebSocket.OPEN) this._ws.send(text);
  }

  sendJSON(message) {
    this.send(JSON.stringify(message));
  }

  close() {
    this._closed = true;
    if (this._ws) this._ws.close();
  }

  // ===== PRIVATE METHODS =====

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
