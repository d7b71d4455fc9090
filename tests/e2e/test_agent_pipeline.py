"""The agent's screen and input pipeline end to end, without the server.

A real Xvfb runs a real xterm; the agent code captures and encodes it; the
viewer JS (served as static files from 127.0.0.1) decodes the frames in
headless Chromium; Playwright's mouse and keyboard act on the canvas; the
viewer's JSON messages are validated with lifeline.protocol and injected
with XTest. Assertions are on outcomes — canvas pixels equal the X screen,
a file appears, xterm's selection holds the dragged text — and every wait
polls for its condition. The test session plays the relay's role in
``Session.pump``: frames go down, acks and input come back.

See docs/protocol.md.
"""

from __future__ import annotations

import base64
import functools
import http.server
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

for _tool in ("Xvfb", "xterm", "chromium"):
    if shutil.which(_tool) is None:
        pytest.skip(f"{_tool} is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from lifeline.agent.capture import select_monitor  # noqa: E402
from lifeline.agent.capture.damage import Area, DamageRegion, DamageTracker  # noqa: E402
from lifeline.agent.capture.live import LiveScreen  # noqa: E402
from lifeline.agent.capture.x11 import X11Capture  # noqa: E402
from lifeline.agent.clipboard import X11Clipboard  # noqa: E402
from lifeline.agent.encode import ScreenEncoder  # noqa: E402
from lifeline.agent.encode.codecs.deflate import DeflateEncoder  # noqa: E402
from lifeline.agent.encode.constants import LOSSLESS_REFRESH_AFTER_S  # noqa: E402
from lifeline.agent.encode.plan import Box  # noqa: E402
from lifeline.agent.input.x11 import X11Input  # noqa: E402
from lifeline.protocol import (  # noqa: E402
    VIEWER_TO_AGENT,
    Encoding,
    Rect,
    ScreenUpdate,
    build_frame,
    decode_message,
    messages,
)
from lifeline.protocol.messages import Motion  # noqa: E402
from tests.unit.agent.encode.frames_helper import psnr, smooth_picture  # noqa: E402

STATIC_ROOT = Path(__file__).resolve().parents[2] / "lifeline" / "web" / "static"
SCREEN_W, SCREEN_H = 1280, 800
WAIT_S = 20.0  # upper bound for any polled condition; tests finish far sooner
POLL_S = 0.05
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HARNESS = """<!doctype html>
<html><body style="margin:0;overflow:hidden"><canvas id="screen" style="display:block"></canvas>
<script type="module">
import { Viewer } from "/viewer/viewer.js";
const sent = [];
const errors = [];
const viewer = new Viewer(document.getElementById("screen"), { send: (text) => sent.push(text) });
viewer.setScaleMode("1:1");
viewer.addEventListener("error", (e) => errors.push(String(e.detail)));
window.lifeline = {
  feed(b64) {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return viewer.receive(bytes.buffer).then(() => viewer.stats.framesDrawn);
  },
  feedChunks(b64, size) {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    let done = null;
    for (let i = 0; i < bytes.length; i += size) done = viewer.receive(bytes.slice(i, i + size));
    return done.then(() => viewer.stats.framesDrawn);
  },
  take: () => sent.splice(0),
  message: (m) => viewer.handleMessage(m),
  motion: (m) => viewer.setMotion(m),
  agentEncodings: () => viewer.agentEncodings,
  errors: () => errors.slice(),
  takeErrors: () => errors.splice(0),
  pixels() {
    const d = viewer.display;
    const px = d.getPixels(0, 0, d.width, d.height);
    let s = "";
    for (let i = 0; i < px.length; i += 0x8000) s += String.fromCharCode(...px.subarray(i, i + 0x8000));
    return [d.width, d.height, btoa(s)];
  },
};
window.ready = true;
</script></body></html>"""


# ===== FIXTURES =====


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    """A private Xvfb (24-bit: mss refuses 16) on a free display number chosen by Xvfb itself.

    ``-noreset``: otherwise the server resets whenever its last client leaves (between
    tests), refusing connections meanwhile.
    """
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN_W}x{SCREEN_H}x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=[write_fd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def xterm(xdisplay: str) -> Iterator[subprocess.Popen[bytes]]:
    """xterm at the top-left, first line 'DRAGTARGET', then an interactive sh with prompt '$ '."""
    env = {**os.environ, "DISPLAY": xdisplay, "PS1": "$ ", "ENV": ""}
    proc = subprocess.Popen(
        ["xterm", "-geometry", "80x24+0+0", "-e", "sh", "-c", "echo DRAGTARGET; exec sh"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with X11Capture(xdisplay) as capture:
            monitor = select_monitor(capture.monitors(), None)
            poll(lambda: capture.grab(monitor)[100:110, 100:110, :3].any(), "xterm window mapped")
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def static_server() -> Iterator[str]:
    """Serves lifeline/web/static and the test harness page on 127.0.0.1."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/harness.html":
                body = HARNESS.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(STATIC_ROOT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Browser, static_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": SCREEN_W, "height": SCREEN_H})
    try:
        p = context.new_page()
        p.goto(f"{static_server}/harness.html")
        p.wait_for_function("window.ready === true")
        yield p
        assert p.evaluate("window.lifeline.errors()") == []
    finally:
        context.close()


@pytest.fixture
def session(xdisplay: str, xterm: subprocess.Popen[bytes], page: Page) -> Iterator[Session]:
    s = Session(xdisplay, page)
    try:
        yield s
    finally:
        s.close()


# ===== HELPERS =====


def poll(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(POLL_S)


class Session:
    """The agent side of one session, with the test standing in for the relay."""

    def __init__(self, display: str, page: Page) -> None:
        self.page = page
        self.capture = X11Capture(display)
        self.monitor = select_monitor(self.capture.monitors(), None)
        self.encoder = ScreenEncoder()
        self.injector = X11Input(display)
        self.encodings_seen: set[str] = set()
        self.frame = self.capture.grab(self.monitor)

    def pump(self) -> None:
        """One tick: capture, maybe send an update, then apply what the viewer sent back."""
        self.frame = self.capture.grab(self.monitor)
        data = self.encoder.next_update(self.frame)
        if data is not None:
            self.page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(data).decode())
            self.encodings_seen.update(self.encoder.last_update)
        for text in self.page.evaluate("window.lifeline.take()"):
            message = decode_message(text, allowed=VIEWER_TO_AGENT)
            if not self.encoder.handle_control(message):
                assert self.injector.apply(message), message

    def pump_until(self, condition: Callable[[], object], what: str) -> None:
        def tick() -> object:
            self.pump()
            return condition()

        poll(tick, what)

    def canvas(self) -> np.ndarray:
        width, height, b64 = self.page.evaluate("window.lifeline.pixels()")
        return np.frombuffer(base64.b64decode(b64), dtype=np.uint8).reshape(height, width, 4)

    def canvas_matches_screen(self) -> bool:
        """Canvas RGB == captured BGR, exactly (settled regions are always re-sent lossless)."""
        canvas = self.canvas()
        return canvas.shape[:2] == self.frame.shape[:2] and np.array_equal(
            canvas[..., :3], self.frame[..., 2::-1]
        )

    def close(self) -> None:
        self.injector.close()
        self.capture.close()


# ===== TESTS =====


def test_canvas_shows_the_x_screen_pixel_for_pixel(session: Session) -> None:
    session.pump_until(session.canvas_matches_screen, "canvas == X screen")
    assert session.frame[..., :3].any()  # the xterm really is on it
    assert "PNG" in session.encodings_seen


def test_keystrokes_on_the_canvas_type_a_command_into_xterm(session: Session) -> None:
    target = Path(f"/tmp/lifeline-e2e-{uuid.uuid4().hex[:12]}")
    try:
        session.pump_until(lambda: session.encoder.seq > 0, "first update drawn")
        session.page.mouse.click(200, 150)  # pointer into the xterm: focus follows the pointer
        session.page.keyboard.type(f"touch {target}")
        session.page.keyboard.press("Enter")
        session.pump_until(target.exists, f"{target} created by the typed command")
        session.pump_until(lambda: session.injector.held == (frozenset(), frozenset()), "all keys released")
    finally:
        target.unlink(missing_ok=True)


def test_shifted_characters_arrive_as_typed(session: Session, tmp_path: Path) -> None:
    target = tmp_path / "shifted.txt"
    session.pump_until(lambda: session.encoder.seq > 0, "first update drawn")
    session.page.mouse.click(200, 150)
    session.page.keyboard.type(f"echo 'A$(x)*#' > {target}")
    session.page.keyboard.press("Enter")
    session.pump_until(lambda: target.exists() and target.read_text() == "A$(x)*#\n", "shifted text written")


def test_dragging_on_the_canvas_selects_text_in_xterm(session: Session, xdisplay: str) -> None:
    primary = X11Clipboard(xdisplay, selection="PRIMARY")
    try:
        session.pump_until(lambda: session.encoder.seq > 0, "first update drawn")
        mouse = session.page.mouse
        mouse.move(3, 8)  # first text line of the xterm ("DRAGTARGET")
        mouse.down()
        mouse.move(450, 8, steps=8)  # past the end of the line
        mouse.up()
        # Dragging past the end of a line selects its newline too.
        session.pump_until(lambda: primary.get_text() == "DRAGTARGET\n", "xterm's selection == dragged line")
    finally:
        primary.close()


def test_scrolling_output_is_sent_as_a_copy_and_stays_exact(session: Session) -> None:
    keyboard = session.page.keyboard
    session.pump_until(lambda: session.encoder.seq > 0, "first update drawn")
    session.page.mouse.click(200, 150)
    keyboard.type("seq 1 40")
    keyboard.press("Enter")
    session.pump_until(session.canvas_matches_screen, "screen full of numbers")
    session.encodings_seen.clear()
    keyboard.type("seq 41 43")
    keyboard.press("Enter")
    session.pump_until(
        lambda: "COPY" in session.encodings_seen and session.canvas_matches_screen(), "scrolled canvas == X screen"
    )


def test_blur_releases_keys_held_on_the_remote_side(session: Session) -> None:
    session.pump_until(lambda: session.encoder.seq > 0, "first update drawn")
    session.page.mouse.click(200, 150)
    session.page.keyboard.down("Shift")
    session.pump_until(lambda: "ShiftLeft" in session.injector.held[0], "Shift held remotely")
    session.page.evaluate("document.getElementById('screen').blur()")
    session.pump_until(lambda: session.injector.held == (frozenset(), frozenset()), "released on blur")
    session.page.keyboard.up("Shift")


def test_viewer_parser_resumes_across_one_byte_chunks(page: Page) -> None:
    """Canned frames fed one byte at a time: the JS reader must resume, and FILL + COPY must paint."""
    first = ScreenUpdate(1, 0.0, 64, 32, (Rect.fill(0, 0, 32, 32, (255, 0, 0)), Rect.fill(32, 0, 32, 32, (0, 0, 255))))
    second = ScreenUpdate(2, 0.0, 64, 32, (Rect.copy(32, 0, 32, 32, 0, 0),))  # red over blue
    for update in (first, second):
        page.evaluate("(b64) => window.lifeline.feedChunks(b64, 1)", base64.b64encode(build_frame(update)).decode())
    width, height, b64 = page.evaluate("window.lifeline.pixels()")
    pixels = np.frombuffer(base64.b64decode(b64), dtype=np.uint8).reshape(height, width, 4)
    assert (width, height) == (64, 32)
    assert (pixels[..., :3] == (255, 0, 0)).all()
    acks = [decode_message(text) for text in page.evaluate("window.lifeline.take()")]
    assert [ack["seq"] for ack in acks] == [1, 2]
    assert all(ack["type"] == "ack" and ack["draw_ms"] >= 0 for ack in acks)  # with its drawing time


def test_viewer_fails_the_stream_on_an_unknown_encoding(page: Page) -> None:
    data = bytearray(build_frame(ScreenUpdate(1, 0.0, 8, 8, (Rect(0, 0, 8, 8, Encoding.PNG, b"x"),))))
    data[20 + 8] = 77  # encoding byte of rect 0 (header is 20 bytes)
    page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(bytes(data)).decode())
    assert page.evaluate("window.lifeline.takeErrors()") == ["Error: Unsupported encoding unknown(77)"]
    assert page.evaluate("window.lifeline.take()") == []  # no ack for a failed update


def test_clipboard_text_round_trips_between_x_clients(xdisplay: str) -> None:
    owner, reader = X11Clipboard(xdisplay), X11Clipboard(xdisplay)
    try:
        owner.set_text("Grüße from the technician ✓")
        # Two connections: X orders requests per client only, so the reader's first ask may reach the
        # server before the owner's SetSelectionOwner (it then gets no owner): ask until it is seen.
        poll(lambda: reader.get_text() == "Grüße from the technician ✓", "the text served to another client")
        assert reader.poll_change() == "Grüße from the technician ✓"
        assert reader.poll_change() is None
        reader.set_text("copied by the customer")
        poll(lambda: owner.get_text() == "copied by the customer", "ownership moved to the second client")
    finally:
        owner.close()
        reader.close()


def _canvas_rgb(page: Page) -> np.ndarray:
    width, height, b64 = page.evaluate("window.lifeline.pixels()")
    return np.frombuffer(base64.b64decode(b64), dtype=np.uint8).reshape(height, width, 4)[..., :3]


def test_deflate_rects_decode_pixel_exactly_across_a_persistent_stream(page: Page) -> None:
    """The JS twin of codecs/deflate.py on canned updates: every palette width, RGB, repeats and a RESET.

    Later payloads back-reference earlier ones (the dictionary persists across updates and
    across rects of one update), so a decoder that restarted its inflater would fail.
    """
    rng = np.random.default_rng(7)
    width, height = 96, 64
    screen = np.zeros((height, width, 4), dtype=np.uint8)
    screen[..., 3] = 255
    codec = DeflateEncoder()
    seq = 0

    def region(colours: int, h: int, w: int) -> np.ndarray:
        palette = rng.integers(0, 256, (colours, 3), dtype=np.uint8)
        out = np.full((h, w, 4), 255, dtype=np.uint8)
        out[..., :3] = palette[rng.integers(0, colours, (h, w))]
        out.reshape(-1, 4)[:colours, :3] = palette  # every colour present
        return out

    def send(*rects: tuple[int, int, np.ndarray]) -> None:
        nonlocal seq
        seq += 1
        encoded = []
        for x, y, pixels in rects:
            h, w = pixels.shape[:2]
            encoded.append(Rect(x, y, w, h, Encoding.DEFLATE, codec.encode(pixels)))
            screen[y : y + h, x : x + w] = pixels
        frame = build_frame(ScreenUpdate(seq, 0.0, width, height, tuple(encoded)))
        page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(frame).decode())

    glyph = region(2, 13, 7)
    send((0, 0, region(2, 64, 96)))  # 1-bit indices; first payload: RESET
    send((3, 5, glyph), (20, 5, glyph), (40, 30, region(3, 9, 11)))  # 2-bit; a repeat in one update
    send((50, 10, region(16, 17, 13)), (60, 40, region(200, 20, 30)))  # 4-bit, 8-bit
    send((1, 40, region(300, 20, 21)))  # more than a palette: R, G, B
    send((70, 2, glyph))  # an old glyph again: a back-reference into earlier updates
    assert np.array_equal(_canvas_rgb(page), screen[..., 2::-1])
    codec.reset()  # as after a FULL update: the viewer must start a new stream
    send((5, 5, region(4, 30, 30)), (40, 40, glyph))
    assert np.array_equal(_canvas_rgb(page), screen[..., 2::-1])
    acks = [decode_message(text)["seq"] for text in page.evaluate("window.lifeline.take()")]
    assert acks == list(range(1, seq + 1))


def test_damage_driven_updates_keep_the_canvas_exact(session: Session, xdisplay: str) -> None:
    """X DAMAGE reports what xterm draws; grabbing and diffing only that keeps the canvas == X screen."""
    region = DamageRegion()
    tracker = DamageTracker(xdisplay, region.add)
    live = LiveScreen(session.capture)
    try:
        session.pump_until(session.canvas_matches_screen, "first full picture")
        session.page.mouse.click(200, 150)
        region.take()
        session.page.keyboard.type("echo damage-driven")
        seen: list[Area] = []

        def pump_damage() -> bool:
            areas = region.take()
            seen.extend(areas)
            session.frame, mine = live.refresh(session.monitor, areas if session.encoder.seq else None)
            boxes = None if mine is None else [Box(*area) for area in mine]
            data = session.encoder.next_update(session.frame, boxes)
            if data is not None:
                session.page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(data).decode())
                session.encodings_seen.update(session.encoder.last_update)
            for text in session.page.evaluate("window.lifeline.take()"):
                message = decode_message(text, allowed=VIEWER_TO_AGENT)
                if not session.encoder.handle_control(message):
                    session.injector.apply(message)
            fresh = session.capture.grab(session.monitor)
            return bool(seen) and np.array_equal(session.canvas()[..., :3], fresh[..., 2::-1])

        poll(pump_damage, "damage-driven canvas == X screen after typing")
        assert all(w * h < SCREEN_W * SCREEN_H // 4 for _, _, w, h in seen)  # small areas, not the screen
        assert "DEFLATE" in session.encodings_seen
    finally:
        tracker.close()



#: Smallest PSNR (dB) of the canvas against the source while VP8 plays the smooth test picture.
VIDEO_MIN_PSNR_DB = 36.0
#: Interval between the video test's frames (s): 30 fps.
VIDEO_FRAME_S = 1 / 30


@pytest.mark.parametrize("motion", [Motion.VIDEO, Motion.AUTO])
def test_sustained_motion_is_negotiated_sent_as_vp8_and_shown(page: Page, motion: Motion) -> None:
    """The viewer announces VP8 once it has monitors, the agent answers; with Low bandwidth chosen
    motion arrives as VP8 decoded by WebCodecs into the canvas, while Automatic keeps JPEG on this
    link (every update is acked before the next: the link is never the limit); either way the still
    picture ends up exact. The encoder runs on a test clock at 30 fps: a loaded machine must not
    turn the motion into pauses."""
    now = [100.0]
    encoder = ScreenEncoder(clock=lambda: now[0])
    monitor = {"index": 0, "x": 0, "y": 0, "width": 640, "height": 360, "primary": True}
    page.evaluate("(m) => window.lifeline.message(m)", messages.monitor_list([monitor], 0))

    def replies() -> list[dict[str, object]]:
        texts = page.evaluate("window.lifeline.take()")
        out = [decode_message(text, allowed=VIEWER_TO_AGENT) for text in texts]
        for message in out:
            assert encoder.handle_control(message), message
        return out

    poll(lambda: any(m["type"] == "encodings" for m in replies()), "the viewer's encodings")
    assert encoder.offered_encodings() == [Encoding.VP8]
    page.evaluate("(m) => window.lifeline.message(m)", messages.encodings(encoder.offered_encodings()))
    assert page.evaluate("window.lifeline.agentEncodings()") == [Encoding.VP8]
    page.evaluate("(m) => window.lifeline.motion(m)", str(motion))
    assert replies()[-1] == messages.quality_hint(motion=None if motion is Motion.AUTO else motion)

    def canvas() -> np.ndarray:
        width, height, b64 = page.evaluate("window.lifeline.pixels()")
        rgba = np.frombuffer(base64.b64decode(b64), dtype=np.uint8).reshape(height, width, 4)
        return rgba[..., [2, 1, 0, 3]]  # as BGRA, like the frames

    sent: list[Encoding] = []
    for k in range(6):
        now[0] += VIDEO_FRAME_S
        frame = smooth_picture(360, 640, shift=4 * k)
        data = encoder.next_update(frame)
        assert data is not None
        page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(data).decode())
        replies()  # the ack reopens the window
        sent += [Encoding[name] for name in encoder.last_update]
        if Encoding.VP8 in sent[-1:]:
            assert psnr(canvas(), frame) > VIDEO_MIN_PSNR_DB
    if motion is Motion.VIDEO:
        assert sent[0] is not Encoding.VP8 and sent[-3:] == [Encoding.VP8] * 3
    else:
        assert Encoding.VP8 not in sent and sent[-3:] == [Encoding.JPEG] * 3
    now[0] += LOSSLESS_REFRESH_AFTER_S + VIDEO_FRAME_S  # the motion stops: the still picture becomes exact
    data = encoder.next_update(frame)
    assert data is not None and set(encoder.last_update) == {"PNG"}
    page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(data).decode())
    assert np.array_equal(canvas()[..., :3], frame[..., :3])


def test_the_motion_choice_is_sent_again_when_the_agent_restarts_the_stream(page: Page) -> None:
    """The agent's encoder starts over with each stream (new viewer, reconnect): the viewer repeats
    its last quality hints after every ``monitors``, so Sharp or Low bandwidth stays chosen."""
    monitor = {"index": 0, "x": 0, "y": 0, "width": 64, "height": 32, "primary": True}
    page.evaluate("(m) => window.lifeline.motion(m)", str(Motion.SHARP))
    page.evaluate("(m) => window.lifeline.message(m)", messages.monitor_list([monitor], 0))
    want = messages.quality_hint(motion=Motion.SHARP)
    sent: list[dict[str, object]] = []

    def hinted_again() -> bool:
        sent.extend(decode_message(t) for t in page.evaluate("window.lifeline.take()"))
        return sent.count(want) == 2 and any(m["type"] == "encodings" for m in sent)

    poll(hinted_again, "the viewer's hints sent again after monitors")


def test_a_vp8_stream_that_fails_to_decode_falls_back_to_the_baseline(page: Page) -> None:
    """WebCodecs rejects a corrupt key frame: the viewer withdraws VP8, asks for a FULL update and
    acknowledges, instead of stopping; VP8 rects still in flight paint nothing."""
    monitor = {"index": 0, "x": 0, "y": 0, "width": 64, "height": 32, "primary": True}
    page.evaluate("(m) => window.lifeline.message(m)", messages.monitor_list([monitor], 0))
    poll(lambda: any(decode_message(t)["type"] == "encodings" for t in page.evaluate("window.lifeline.take()")),
         "the viewer's encodings")
    corrupt_key_frame = bytes([0x00]) + bytes(range(1, 200))  # bit 0 clear: a key frame, but garbage
    for seq in (1, 2):
        update = ScreenUpdate(seq, 0.0, 64, 32, (Rect(0, 0, 64, 32, Encoding.VP8, corrupt_key_frame),))
        page.evaluate("(b64) => window.lifeline.feed(b64)", base64.b64encode(build_frame(update)).decode())
    sent = [decode_message(text) for text in page.evaluate("window.lifeline.take()")]
    sent = [{k: v for k, v in m.items() if k != "draw_ms"} for m in sent]  # acks carry their drawing time
    assert sent == [messages.encodings([]), messages.refresh(), messages.ack(1), messages.ack(2)]
    assert page.evaluate("window.lifeline.errors()") == []
