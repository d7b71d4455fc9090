// The embeddable screen viewer: binary frames in, pixels on a canvas, acks and input out.
//
//   const viewer = new Viewer(canvas, { send: (text) => ws.send(text) });
//   ws.onmessage = (e) => typeof e.data === "string" ? viewer.handleMessage(JSON.parse(e.data))
//                                                    : viewer.receive(e.data);
//   viewer.addEventListener("clipboard", (e) => ...e.detail.text);
//
// The transport is injected, so the same viewer runs over the relay websocket, in tests,
// or against a recording. Events: "update" (detail: update), "monitors", "clipboard",
// "cursor", "encodings" (detail: the ids beyond the baseline the agent will send),
// "error" (detail: Error; the viewer stops after it). See docs/protocol.md.
//
// Encodings beyond the baseline (VP8 video) are negotiated: whenever the agent (re)starts
// this viewer's stream it sends "monitors"; the viewer answers with the ids it can decode,
// and the agent replies with the ones it will use (none when it lacks PyAV). Should video
// decoding fail anyway, the viewer withdraws VP8 and asks for a FULL update rather than stop.
// Whether VP8 is used for motion is the agent's call by link speed unless setMotion() says
// otherwise; quality hints are re-sent whenever the agent (re)starts the stream.
// The remote pointer is drawn by cursor.js (`viewer.cursor.position` is the last one reported).

import { CursorOverlay } from "./cursor.js";
import CopyDecoder from "./decoders/copy.js";
import DeflateDecoder from "./decoders/deflate.js";
import FillDecoder from "./decoders/fill.js";
import JPEGDecoder from "./decoders/jpeg.js";
import PNGDecoder from "./decoders/png.js";
import VP8Decoder, { VP8DecodeError, vp8Supported } from "./decoders/vp8.js";
import { Display } from "./display.js";
import * as encodings from "./encodings.js";
import { FrameReader } from "./frames.js";
import { Input } from "./input.js";
import * as messages from "./messages.js";
import { Stats } from "./stats.js";

export class Viewer extends EventTarget {
  constructor(canvas, { send, viewOnly = false }) {
    super();
    // ===== PROPERTIES =====
    this._send = (message) => send(JSON.stringify(message));
    this.display = new Display(canvas);
    this.stats = new Stats();
    this.input = new Input(canvas, this.display, this._send);
    this.input.setEnabled(!viewOnly);
    this.cursor = new CursorOverlay(canvas);
    this.cursor.setSteering(!viewOnly);
    this.monitors = [];
    this.agentEncodings = []; // what the agent said it will send beyond the baseline
    this._canvas = canvas;
    this._reader = new FrameReader();
    this._chain = Promise.resolve();
    this._failed = null;
    this._videoWithdrawn = false;
    this._qualityHints = null; // the last setQuality/setMotion hints, null: never set
    this._decoders = {
      [encodings.encodingFill]: new FillDecoder(),
      [encodings.encodingCopy]: new CopyDecoder(),
      [encodings.encodingPNG]: new PNGDecoder(),
      [encodings.encodingJPEG]: new JPEGDecoder(),
      [encodings.encodingDEFLATE]: new DeflateDecoder(),
    };
    // Probed once; VP8 is only registered (and announced) where WebCodecs decodes it.
    this._extraEncodings = vp8Supported().then((supported) => {
      if (!supported) return [];
      this._decoders[encodings.encodingVP8] = new VP8Decoder();
      return [encodings.encodingVP8];
    });
  }

  // ===== PUBLIC METHODS =====

  // Feed one binary websocket message (ArrayBuffer or Uint8Array). Updates are applied in
  // order; each is acknowledged once drawn. Returns a promise settled when it is drawn.
  receive(data) {
    if (this._failed) return this._chain;
    const received = performance.now();
    try {
      this._reader.feed(data);
      let update;
      while ((update = this._reader.next()) !== null) {
        const u = update;
        const bytes = u.rects.reduce((n, r) => n + r.payload.length, 0);
        this._chain = this._chain.then(() => (this._failed ? undefined : this._apply(u, bytes, received)));
      }
    } catch (error) {
      this._fail(error);
    }
    return this._chain;
  }

  // Feed one JSON control message from the agent (already parsed).
  handleMessage(message) {
    switch (message.type) {
      case "monitors":
        this.monitors = message.monitors;
        this._emit("monitors", message);
        this._extraEncodings.then((ids) => this._send(messages.encodings(ids)));
        if (this._qualityHints) this._send(messages.qualityHint(this._qualityHints));
        break;
      case "encodings":
        this.agentEncodings = message.encodings;
        this._emit("encodings", message.encodings);
        break;
      case "clipboard":
        this._emit("clipboard", message);
        break;
      case "cursor_shape":
        this.cursor.setShape(message);
        this._emit("cursor", message);
        break;
      case "cursor":
        this.cursor.setPosition(message);
        this._emit("cursor", message);
        break;
      default:
        break; // the relay's concern; ignore what the viewer does not use
    }
  }

  setScaleMode(mode) {
    this.display.scaleMode = mode;
    this.cursor.setPosition(this.cursor.position);
  }

  setViewOnly(viewOnly) {
    this.input.setEnabled(!viewOnly);
    this.cursor.setSteering(!viewOnly);
  }

  selectMonitor(index) {
    this._send(messages.monitorSelect(index));
  }

  sendClipboard(text) {
    this._send(messages.clipboard(text));
  }

  requestRefresh() {
    this._send(messages.refresh());
  }

  setQuality(hints) {
    this._qualityHints = { ...hints };
    this._send(messages.qualityHint(hints));
  }

  // How sustained full-screen motion is sent: messages.MOTION_AUTO (the agent decides by the
  // link), MOTION_SHARP (JPEG only) or MOTION_VIDEO (VP8; only if videoSupported() says so).
  setMotion(motion) {
    this.setQuality({ ...this._qualityHints, motion });
  }

  // Resolves true when this browser decodes VP8 (WebCodecs), so "Low bandwidth" can be offered.
  videoSupported() {
    return this._extraEncodings.then((ids) => ids.includes(encodings.encodingVP8));
  }

  destroy() {
    this.input.destroy();
    this.cursor.destroy();
    this._decoders[encodings.encodingVP8]?.close();
    this._failed = this._failed ?? new Error("viewer destroyed");
  }

  // ===== PRIVATE METHODS =====

  // received: when its last bytes arrived; the ack reports the time since (queued behind earlier
  // updates, decoded, drawn), which the agent's link-rate estimate leaves out.
  async _apply(update, bytes, received) {
    const started = performance.now();
    try {
      const painters = await Promise.all(update.rects.map((rect) => this._decoderFor(rect).decodeRect(rect)));
      this.display.resize(update.screenWidth, update.screenHeight);
      for (const paint of painters) paint(this.display);
      this.cursor.setPosition(this.cursor.position); // the canvas may have been resized or rescaled
    } catch (error) {
      if (!(error instanceof VP8DecodeError)) {
        this._fail(error);
        return;
      }
      this._withdrawVideo();
    }
    const decodeMs = performance.now() - started;
    this._send(messages.ack(update.seq, performance.now() - received));
    this.stats.record({ seq: update.seq, bytes, decodeMs, timestampMs: update.timestampMs });
    this._emit("update", update);
  }

  _withdrawVideo() {
    if (this._videoWithdrawn) return;
    this._videoWithdrawn = true;
    this._decoders[encodings.encodingVP8].disable();
    this._extraEncodings = Promise.resolve([]);
    this._send(messages.encodings([]));
    this._send(messages.refresh());
  }

  _decoderFor(rect) {
    const decoder = this._decoders[rect.encoding];
    if (!decoder) throw new Error(`Unsupported encoding ${encodings.encodingName(rect.encoding)}`);
    return decoder;
  }

  _fail(error) {
    if (this._failed) return;
    this._failed = error;
    this.input.releaseAll();
    this._emit("error", error);
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
