// Binary screen-update frames: resumable parser.
// Twin of lifeline/protocol/frames.py; the layout is documented in docs/protocol.md.
//
//   header = kind u8 | flags u8 | seq u32 | timestamp_ms f64 | screen_w u16 | screen_h u16 | rect_count u16
//   rect   = x u16 | y u16 | w u16 | h u16 | encoding u8 | payload_len u32 | payload
//
// FrameReader.feed() accepts bytes in any chunking; next() returns an update or null
// ("need more"), keeping partial progress in fields. Every wait is labelled.

import { COPY_PAYLOAD_SIZE, FILL_PAYLOAD_SIZE, encodingCopy, encodingFill, encodingName } from "./encodings.js";

export const FRAME_KIND_SCREEN_UPDATE = 0x01;
export const FLAG_FULL = 0x01;
export const FRAME_HEADER_SIZE = 1 + 1 + 4 + 8 + 2 + 2 + 2; // kind + flags + seq + timestamp + w + h + count
export const RECT_HEADER_SIZE = 2 + 2 + 2 + 2 + 1 + 4; // x + y + w + h + encoding + payload_len
const MAX_RECTS_PER_FRAME = 8704; // same bound as frames.py
const MAX_RECT_PAYLOAD_BYTES = 64 * 1024 * 1024; // same bound as frames.py
const KNOWN_FLAGS = FLAG_FULL;

export class FrameError extends Error {
  constructor(message) {
    super(message);
    this.name = "FrameError";
  }
}

export class FrameReader {
  constructor() {
    this._buf = new Uint8Array(0);
    this._pos = 0;
    this._header = null;
    this._rects = [];
    this._rectHeader = null;
    this.waitingFor = "";
  }

  // ===== PUBLIC METHODS =====

  get buffered() {
    return this._buf.length - this._pos;
  }

  feed(data) {
    const chunk = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (this.buffered === 0) {
      this._buf = chunk;
    } else {
      const merged = new Uint8Array(this.buffered + chunk.length);
      merged.set(this._buf.subarray(this._pos));
      merged.set(chunk, this.buffered);
      this._buf = merged;
    }
    this._pos = 0;
  }

  next() {
    const view = new DataView(this._buf.buffer, this._buf.byteOffset, this._buf.byteLength);
    if (this._header === null) {
      if (!this._wait("frame header", FRAME_HEADER_SIZE)) return null;
      const p = this._pos;
      const kind = view.getUint8(p);
      if (kind !== FRAME_KIND_SCREEN_UPDATE) throw new FrameError(`unknown frame kind 0x${kind.toString(16)}`);
      const header = {
        flags: view.getUint8(p + 1),
        seq: view.getUint32(p + 2),
        timestampMs: view.getFloat64(p + 6),
        screenWidth: view.getUint16(p + 14),
        screenHeight: view.getUint16(p + 16),
        rectCount: view.getUint16(p + 18),
      };
      checkHeader(header);
      this._pos += FRAME_HEADER_SIZE;
      this._header = header;
    }
    const h = this._header;
    while (this._rects.length < h.rectCount) {
      const index = this._rects.length;
      if (this._rectHeader === null) {
        if (!this._wait(`rect ${index} header`, RECT_HEADER_SIZE)) return null;
        const p = this._pos;
        const rh = {
          x: view.getUint16(p),
          y: view.getUint16(p + 2),
          width: view.getUint16(p + 4),
          height: view.getUint16(p + 6),
          encoding: view.getUint8(p + 8),
          length: view.getUint32(p + 9),
        };
        if (rh.length > MAX_RECT_PAYLOAD_BYTES) {
          throw new FrameError(`rect ${index}: payload of ${rh.length} bytes exceeds ${MAX_RECT_PAYLOAD_BYTES}`);
        }
        this._pos += RECT_HEADER_SIZE;
        this._rectHeader = rh;
      }
      const rh = this._rectHeader;
      if (!this._wait(`rect ${index} ${encodingName(rh.encoding)} payload`, rh.length)) return null;
      const payload = this._buf.subarray(this._pos, this._pos + rh.length);
      this._pos += rh.length;
      const rect = { x: rh.x, y: rh.y, width: rh.width, height: rh.height, encoding: rh.encoding, payload };
      checkRect(rect, h, index);
      this._rects.push(rect);
      this._rectHeader = null;
    }
    const update = { ...h, full: Boolean(h.flags & FLAG_FULL), rects: this._rects };
    this._header = null;
    this._rects = [];
    this.waitingFor = "";
    return update;
  }

  // ===== PRIVATE METHODS =====

  _wait(label, size) {
    if (this.buffered >= size) return true;
    this.waitingFor = `${label}: need ${size} bytes, have ${this.buffered}`;
    return false;
  }
}

export function copySource(rect) {
  const view = new DataView(rect.payload.buffer, rect.payload.byteOffset, rect.payload.byteLength);
  return { x: view.getUint16(0), y: view.getUint16(2) };
}

function checkHeader(h) {
  if (h.flags & ~KNOWN_FLAGS) throw new FrameError(`unknown flag bits 0x${(h.flags & ~KNOWN_FLAGS).toString(16)}`);
  if (h.screenWidth === 0 || h.screenHeight === 0) throw new FrameError(`screen size ${h.screenWidth}x${h.screenHeight} out of range`);
  if (h.rectCount > MAX_RECTS_PER_FRAME) throw new FrameError(`${h.rectCount} rects exceed the limit of ${MAX_RECTS_PER_FRAME}`);
}

function checkRect(r, h, index) {
  const where = `rect ${index}`;
  if (r.width === 0 || r.height === 0) throw new FrameError(`${where}: empty ${r.width}x${r.height}`);
  if (r.x + r.width > h.screenWidth || r.y + r.height > h.screenHeight) {
    throw new FrameError(`${where}: ${r.width}x${r.height}+${r.x}+${r.y} outside screen ${h.screenWidth}x${h.screenHeight}`);
  }
  if (r.encoding === encodingFill && r.payload.length !== FILL_PAYLOAD_SIZE) {
    throw new FrameError(`${where}: FILL payload must be ${FILL_PAYLOAD_SIZE} bytes, got ${r.payload.length}`);
  }
  if (r.encoding === encodingCopy) {
    if (r.payload.length !== COPY_PAYLOAD_SIZE) {
      throw new FrameError(`${where}: COPY payload must be ${COPY_PAYLOAD_SIZE} bytes, got ${r.payload.length}`);
    }
    const src = copySource(r);
    if (src.x + r.width > h.screenWidth || src.y + r.height > h.screenHeight) {
      throw new FrameError(`${where}: COPY source +${src.x}+${src.y} outside screen ${h.screenWidth}x${h.screenHeight}`);
    }
  }
}
