// VP8 rectangles (encoding id encodingVP8): whole-screen video for sustained motion, decoded by
// WebCodecs' VideoDecoder (hardware or the browser's libvpx). Twin of
// lifeline/agent/encode/codecs/vp8.py: each payload is one VP8 frame of one stream per viewer;
// a key frame (bit 0 of its first byte clear, RFC 6386 §9.1) starts a new stream, so the
// decoder is recreated there. Frames are decoded strictly in arrival order and each is drawn
// when the viewer paints its update. The viewer only announces VP8 (and so only receives it)
// when vp8Supported() says this browser can decode it. If decoding fails anyway, the viewer
// disables this decoder (VP8 rects still in flight are skipped) and asks the agent for the
// baseline encodings and a FULL update instead of stopping (viewer.js).

const INTER_FRAME_BIT = 0x01;
const CODEC = "vp8";
// The agent converts BGRA to YUV with libswscale's default, BT.601 limited range (VP8's only
// colour space, RFC 6386 §9.2). Chromium otherwise assumes BT.709 for VP8, which skews greens
// by ~12 levels (the e2e test measured 28.6 dB instead of 40.0 dB).
const COLOR_SPACE = { primaries: "smpte170m", transfer: "smpte170m", matrix: "smpte170m", fullRange: false };

// A failure of this stream, which the viewer survives by falling back to the baseline encodings.
export class VP8DecodeError extends Error {}

export function isKeyFrame(payload) {
  return (payload[0] & INTER_FRAME_BIT) === 0;
}

// True when WebCodecs exists here (a secure context: https or 127.0.0.1) and decodes VP8.
export async function vp8Supported() {
  if (typeof VideoDecoder === "undefined") return false;
  try {
    return (await VideoDecoder.isConfigSupported({ codec: CODEC })).supported === true;
  } catch {
    return false;
  }
}

export default class VP8Decoder {
  constructor() {
    this._decoder = null;
    this._waiting = []; // {resolve, reject, rect} per chunk, in decode order
    this._timestamp = 0; // chunk timestamps only need to increase
    this._disabled = false;
  }

  decodeRect(rect) {
    if (this._disabled) return Promise.resolve(() => {}); // superseded by the FULL update asked for
    return new Promise((resolve, reject) => {
      try {
        const key = isKeyFrame(rect.payload);
        if (key) this._restart(rect.width, rect.height);
        if (this._decoder === null) throw new Error("the stream does not start with a key frame");
        this._waiting.push({ resolve, reject, rect });
        this._decoder.decode(
          new EncodedVideoChunk({ type: key ? "key" : "delta", timestamp: this._timestamp++, data: rect.payload }),
        );
      } catch (error) {
        reject(new VP8DecodeError(`VP8 decoding failed: ${error.message}`));
      }
    });
  }

  // After a failure: decode nothing more; rects still in flight paint nothing.
  disable() {
    this.close();
    this._disabled = true;
  }

  close() {
    this._fail(new VP8DecodeError("VP8 decoder closed"));
    if (this._decoder !== null && this._decoder.state !== "closed") this._decoder.close();
    this._decoder = null;
  }

  // ===== PRIVATE METHODS =====

  _restart(width, height) {
    this.close();
    this._decoder = new VideoDecoder({
      output: (frame) => this._output(frame),
      error: (error) => this._fail(new VP8DecodeError(`VP8 decoding failed: ${error.message}`)),
    });
    // optimizeForLatency: each frame comes out as soon as it is decoded, with no look-ahead.
    this._decoder.configure({
      codec: CODEC,
      codedWidth: width,
      codedHeight: height,
      colorSpace: COLOR_SPACE,
      optimizeForLatency: true,
    });
  }

  _output(frame) {
    const job = this._waiting.shift();
    if (!job) {
      frame.close();
      return;
    }
    job.resolve((display) => {
      display.drawImage(frame, job.rect.x, job.rect.y);
      frame.close();
    });
  }

  _fail(error) {
    for (const job of this._waiting.splice(0)) job.reject(error);
  }
}
