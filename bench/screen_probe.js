// Measurement probe injected (Playwright add_init_script) into both viewer pages of bench/screen.py:
// Lifeline's Technician Console and the noVNC page. It must not depend on either client's code, so it
// measures only what a person would see or what crosses the network:
//   * bytes received on the websockets whose URL contains a filter (counted per message, before the
//     client sees it; websocket framing itself is not counted, for either stack);
//   * the canvas, sampled once per animation frame (requestAnimationFrame is when the page paints):
//     - latency: the wall-clock time at which a pixel first shows the expected colour;
//     - frames: how many painted frames showed a changed canvas (one sampled row hashed);
//     - regions of pixels on request, which bench/screen.py scores against the source picture.
// Runs before any page script, so it sees every WebSocket the page opens.
(() => {
  const sockets = [];
  const Native = window.WebSocket;

  function sizeOf(data) {
    if (typeof data === "string") return new TextEncoder().encode(data).length;
    if (data instanceof ArrayBuffer) return data.byteLength;
    if (data && typeof data.size === "number") return data.size; // Blob
    return 0;
  }

  // A factory, not a subclass: it returns a genuine native WebSocket (noVNC checks the socket's
  // prototype for its methods, and the clients compare readyState with WebSocket.OPEN).
  function CountingWebSocket(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    const entry = { url: String(url), bytes: 0, messages: 0 };
    sockets.push(entry);
    // Registered first, so it runs before the client's own onmessage handler.
    ws.addEventListener("message", (e) => {
      entry.bytes += sizeOf(e.data);
      entry.messages += 1;
    });
    return ws;
  }
  CountingWebSocket.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) CountingWebSocket[name] = Native[name];
  window.WebSocket = CountingWebSocket;

  const state = {
    selector: null, // CSS selector of the canvas to watch
    expect: null, // {id, x, y, rgb, tolerance}
    found: [], // [{id, at}] wall-clock ms (timeOrigin + now) of the first frame showing `expect`
    counting: false,
    changes: 0,
    ticks: 0,
    lastHash: null,
  };

  function canvas() {
    return state.selector ? document.querySelector(state.selector) : null;
  }

  function context(c) {
    return c.getContext("2d", { willReadFrequently: false });
  }

  function rowHash(ctx, width, y) {
    const row = ctx.getImageData(0, y, width, 1).data;
    let h = 2166136261;
    for (let i = 0; i < row.length; i += 4) {
      h = Math.imul(h ^ row[i], 16777619);
      h = Math.imul(h ^ row[i + 1], 16777619);
      h = Math.imul(h ^ row[i + 2], 16777619);
    }
    return h >>> 0;
  }

  function tick() {
    const c = canvas();
    if (c && c.width > 1 && c.height > 1) {
      const ctx = context(c);
      const e = state.expect;
      if (e) {
        const px = ctx.getImageData(e.x, e.y, 1, 1).data;
        if (Math.abs(px[0] - e.rgb[0]) <= e.tolerance && Math.abs(px[1] - e.rgb[1]) <= e.tolerance &&
            Math.abs(px[2] - e.rgb[2]) <= e.tolerance) {
          state.found.push({ id: e.id, at: performance.timeOrigin + performance.now() });
          state.expect = null;
        }
      }
      if (state.counting) {
        state.ticks += 1;
        const h = rowHash(ctx, c.width, c.height >> 1) ^ rowHash(ctx, c.width, c.height >> 2);
        if (state.lastHash !== null && h !== state.lastHash) state.changes += 1;
        state.lastHash = h;
      }
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);

  window.__bench = {
    watch(selector) {
      state.selector = selector;
    },
    canvasSize() {
      const c = canvas();
      return c ? [c.width, c.height] : [0, 0];
    },
    // RGBA of a w×h region of the canvas, base64 (the picture-quality samples of bench/screen.py).
    region(x, y, w, h) {
      const c = canvas();
      if (!c || c.width < x + w || c.height < y + h) return null;
      const data = context(c).getImageData(x, y, w, h).data;
      let s = "";
      for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return btoa(s);
    },
    pixel(x, y) {
      const c = canvas();
      if (!c || c.width <= x || c.height <= y) return null;
      return Array.from(context(c).getImageData(x, y, 1, 1).data.slice(0, 3));
    },
    bytes(filter) {
      return sockets.filter((s) => s.url.includes(filter)).reduce((n, s) => n + s.bytes, 0);
    },
    sockets: () => sockets.map((s) => ({ ...s })),
    now: () => performance.timeOrigin + performance.now(),
    expect(id, x, y, rgb, tolerance) {
      state.expect = { id, x, y, rgb, tolerance };
    },
    foundAt(id) {
      const hit = state.found.find((f) => f.id === id);
      return hit ? hit.at : null;
    },
    startCounting() {
      state.counting = true;
      state.changes = 0;
      state.ticks = 0;
      state.lastHash = null;
    },
    stopCounting() {
      state.counting = false;
      return { changes: state.changes, ticks: state.ticks };
    },
  };
})();
