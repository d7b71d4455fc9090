// Sends "typing" start/stop for a compose box without flooding the server: one start, repeated
// while typing continues, and a stop after a pause or when the message is sent.

// Repeat "start" this often while typing goes on; receivers expire an indicator after 6 s.
const REPEAT_MS = 4000;
// This long without a keystroke counts as having stopped typing.
const PAUSE_MS = 3000;

export class TypingSignal {
  constructor(send) {
    this.send = send;
    this.lastStart = 0;
    this.pauseTimer = null;
    this.active = false;
  }

  poke() {
    const t = Date.now();
    if (!this.active || t - this.lastStart > REPEAT_MS) {
      this.active = true;
      this.lastStart = t;
      this.send(true);
    }
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.stop(), PAUSE_MS);
  }

  stop() {
    clearTimeout(this.pauseTimer);
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }
}
