// DEFLATE rectangles (encoding id encodingDEFLATE): lossless pixels through one raw-deflate
// stream per viewer whose dictionary lasts across updates, like VNC's ZRLE/Tight zlib streams.
// Twin of lifeline/agent/encode/codecs/deflate.py, which documents the payload:
//
//   flags u8 (bit 0 RESET) | colours u16 (0: R,G,B pixels; n: n palette colours + packed indices)
//   | raw deflate up to a sync flush, without the flush's constant 00 00 FF FF tail
//
// Inflating uses the browser's native zlib through ONE long-lived DecompressionStream
// ("deflate-raw"): a stream keeps its 32 KiB window between writes, and since every payload
// ends at a sync flush, writing it yields all of its output without waiting for the next.
// Payloads must therefore be inflated strictly in arrival order: decodeRect() queues them.

const HEADER_SIZE = 1 + 2; // flags + colours
const FLAG_RESET = 0x01;
const SYNC_FLUSH_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
const BYTES_PER_RGB = 3;
const BITS_PER_BYTE = 8;
const OPAQUE = 0xff000000; // alpha byte of a little-endian RGBA Uint32 pixel

export function indexBits(colours) {
  if (colours <= 2) return 1;
  if (colours <= 4) return 2;
  if (colours <= 16) return 4;
  return 8;
}

// One inflate stream: write compressed bytes, read exactly the bytes they inflate to.
class InflateStream {
  constructor() {
    const stream = new DecompressionStream("deflate-raw");
    this._writer = stream.writable.getWriter();
    this._reader = stream.readable.getReader();
  }

  async inflate(data, length) {
    const input = new Uint8Array(data.length + SYNC_FLUSH_TAIL.length);
    input.set(data);
    input.set(SYNC_FLUSH_TAIL, data.length);
    // Not awaited: the transform runs as the reader pulls; a corrupt stream rejects the read.
    this._writer.write(input).catch(() => {});
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { value, done } = await this._reader.read();
      if (done) throw new Error("DEFLATE stream ended early");
      if (filled + value.length > length) {
        throw new Error(`DEFLATE payload inflated past its ${length} bytes: stream out of step`);
      }
      out.set(value, filled);
      filled += value.length;
    }
    return out;
  }

  close() {
    this._writer.abort().catch(() => {});
    this._reader.cancel().catch(() => {});
  }
}

function inflatedLength(colours, width, height) {
  if (colours === 0) return width * height * BYTES_PER_RGB;
  return colours * BYTES_PER_RGB + height * Math.ceil((width * indexBits(colours)) / BITS_PER_BYTE);
}

// Inflated bytes -> RGBA ImageData (Uint32 writes assume a little-endian platform, as all are).
function toImageData(raw, colours, width, height) {
  const pixels = new Uint32Array(width * height);
  if (colours === 0) {
    for (let i = 0, p = 0; i < pixels.length; i++, p += BYTES_PER_RGB) {
      pixels[i] = (OPAQUE | (raw[p + 2] << 16) | (raw[p + 1] << 8) | raw[p]) >>> 0;
    }
  } else {
    const palette = new Uint32Array(colours);
    for (let i = 0, p = 0; i < colours; i++, p += BYTES_PER_RGB) {
      palette[i] = (OPAQUE | (raw[p + 2] << 16) | (raw[p + 1] << 8) | raw[p]) >>> 0;
    }
    const bits = indexBits(colours);
    const mask = (1 << bits) - 1;
    const rowBytes = Math.ceil((width * bits) / BITS_PER_BYTE);
    let row = colours * BYTES_PER_RGB;
    for (let y = 0, i = 0; y < height; y++, row += rowBytes) {
      for (let x = 0, bit = 0; x < width; x++, i++, bit += bits) {
        const index = (raw[row + (bit >> 3)] >> (BITS_PER_BYTE - bits - (bit & 7))) & mask;
        if (index >= colours) throw new Error(`DEFLATE palette index ${index} of ${colours} colours`);
        pixels[i] = palette[index];
      }
    }
  }
  return new ImageData(new Uint8ClampedArray(pixels.buffer), width, height);
}

export default class DeflateDecoder {
  constructor() {
    this._stream = null;
    this._queue = Promise.resolve(); // payloads inflate one after another, in call order
  }

  decodeRect(rect) {
    const job = this._queue.then(() => this._decode(rect));
    this._queue = job.catch(() => {});
    return job;
  }

  async _decode(rect) {
    const bytes = rect.payload;
    if (bytes.length <= HEADER_SIZE) throw new Error(`DEFLATE payload of ${bytes.length} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const flags = view.getUint8(0);
    const colours = view.getUint16(1);
    if (flags & FLAG_RESET) {
      this._stream?.close();
      this._stream = new InflateStream();
    }
    if (!this._stream) throw new Error("DEFLATE payload continues a stream that was never started");
    const raw = await this._stream.inflate(bytes.subarray(HEADER_SIZE), inflatedLength(colours, rect.width, rect.height));
    const image = toImageData(raw, colours, rect.width, rect.height);
    return (display) => display.putImageData(image, rect.x, rect.y);
  }
}
