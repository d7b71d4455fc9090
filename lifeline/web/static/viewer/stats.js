// Viewer-side figures: updates drawn per second, bandwidth, decode time and frame age.
//
// ageMs compares the agent's capture timestamp with this browser's clock, so it is only as
// good as the two clocks' agreement (NTP: a few ms); the agent's own RTT (ack round trip)
// is the skew-free latency figure.

const WINDOW_MS = 1000; // sliding window for rates

export class Stats {
  constructor(now = () => performance.now()) {
    this._now = now;
    this._samples = []; // {at, bytes}
    this.framesDrawn = 0;
    this.bytesReceived = 0;
    this.lastDecodeMs = 0;
    this.lastAgeMs = 0;
    this.lastSeq = 0;
  }

  record({ seq, bytes, decodeMs, timestampMs }) {
    const at = this._now();
    this._samples.push({ at, bytes });
    this._trim(at);
    this.framesDrawn += 1;
    this.bytesReceived += bytes;
    this.lastDecodeMs = decodeMs;
    this.lastAgeMs = Date.now() - timestampMs;
    this.lastSeq = seq;
  }

  snapshot() {
    this._trim(this._now());
    const bytes = this._samples.reduce((sum, s) => sum + s.bytes, 0);
    return {
      fps: this._samples.length * (1000 / WINDOW_MS),
      kbitPerSecond: (bytes * 8) / WINDOW_MS,
      decodeMs: this.lastDecodeMs,
      ageMs: this.lastAgeMs,
      framesDrawn: this.framesDrawn,
      bytesReceived: this.bytesReceived,
      lastSeq: this.lastSeq,
    };
  }

  _trim(at) {
    while (this._samples.length && at - this._samples[0].at > WINDOW_MS) this._samples.shift();
  }
}
