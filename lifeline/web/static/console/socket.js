// The live-updates websocket (/ws/console, /ws/customer/{lsid}): register, resume, reconnect.
//
// Protocol (lifeline/web/live/routes.py; STYLE.md practice 9, after Zulip's event queues):
//   client → {"op": "register"} or {"op": "resume", "last_event_id": N} as its first message;
//   server → {"type": "state", "last_event_id", "state"} or {"type": "resumed", …}, then
//            {"type": "event", "event": {...}} in order, {"type": "heartbeat"} when idle,
//            {"type": "resync_required"} when we fell too far behind.
// Stored events carry a numeric `id` (the resume cursor); ephemeral ones (typing, presence) have null.
// The owner gets `onRegistered(state)` for every fresh state and `onEvent(event)` for each event.

// Waits between reconnect attempts; the last repeats. Short first, so a server restart costs
// about a second; capped, so a long outage does not hammer the server.
const RECONNECT_DELAYS_MS = [300, 1000, 2000, 4000, 8000];
// The server sends a heartbeat every 25 s (HEARTBEAT_S); three missed beats mean a dead link
// the browser has not noticed (a NAT or proxy dropped it), so we reconnect ourselves.
const SILENCE_LIMIT_MS = 75_000;
// Close codes after which retrying cannot help: the server refused us (signed out, bad token).
const REFUSED_CODES = new Set([1008, 4401, 4403]);

export class LiveSocket {
  constructor({ path, onRegistered, onEvent, onConnection = () => {} }) {
    this.path = path;
    this.onRegistered = onRegistered;
    this.onEvent = onEvent;
    this.onConnection = onConnection;
    this.lastEventId = null;
    this.ws = null;
    this.attempt = 0;
    this.stopped = true;
    this.retryTimer = null;
    this.silenceTimer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  // Drop the cursor and register afresh (the server said our queue is gone or too far behind).
  resync() {
    this.lastEventId = null;
    if (this.ws) this.ws.close(4000);
    else if (!this.stopped) this.connect();
  }

  connect() {
    clearTimeout(this.retryTimer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}${this.path}`);
    this.ws = ws;
    this.onConnection("connecting");
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.armSilence();
      const first = this.lastEventId === null
        ? { op: "register" }
        : { op: "resume", last_event_id: this.lastEventId };
      ws.send(JSON.stringify(first));
    });
    ws.addEventListener("message", (event) => {
      this.armSilence();
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this.receive(message);
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return;
      clearTimeout(this.silenceTimer);
      this.ws = null;
      if (this.stopped) return;
      if (REFUSED_CODES.has(event.code)) {
        this.stopped = true;
        this.onConnection("refused");
        return;
      }
      this.onConnection("offline");
      const delay = event.code === 4000 ? 0 : RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)];
      this.attempt += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  receive(message) {
    switch (message.type) {
      case "state":
        this.lastEventId = message.last_event_id;
        this.onConnection("open");
        this.onRegistered(message.state);
        break;
      case "resumed":
        this.onConnection("open");
        break;
      case "event": {
        const event = message.event;
        if (typeof event.id === "number") {
          if (this.lastEventId !== null && event.id <= this.lastEventId) return; // already applied
          this.lastEventId = event.id;
        }
        this.onEvent(event);
        break;
      }
      case "resync_required":
        this.resync();
        break;
      default: // heartbeat, pong
        break;
    }
  }

  armSilence() {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => { if (this.ws) this.ws.close(4001); }, SILENCE_LIMIT_MS);
  }
}
