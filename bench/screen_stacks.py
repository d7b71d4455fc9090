"""The two stacks bench/screen.py compares, each brought up as a user would, torn down whatever happens.

* **Ours** — the real thing end to end: `lifeline serve` on a fresh SQLite
  database, a technician signed in, a PIN session, `lifeline agent --pin …`
  on the benchmark's Xvfb (its Tk consent prompt answered with xdotool), and
  the Technician Console page in Chromium with *Start remote control*
  clicked. Bytes are what the console's relay websocket (/remote/ws/…) receives.
* **Reference** — Debian's x11vnc on the same display, Debian's websockify in
  front of it, and noVNC's RFB module loaded from /usr/share/novnc by a tiny
  page served from 127.0.0.1 (nothing of noVNC is copied into the repository).

Both pages get the same probe (bench/screen_probe.js) before any of their
own scripts run. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.accounts import create_tech_group  # noqa: E402
from tests.support.remote import agent, answer_prompt  # noqa: E402
from tests.support.servers import base_env, free_port, fresh_database, migrate, start_server  # noqa: E402
from tests.support.sessions import Tech, technician, wait_for  # noqa: E402

PROBE_JS = Path(__file__).with_name("screen_probe.js")
NOVNC_ROOT = Path("/usr/share/novnc")
#: Upper bound (s) for any one setup step (server up, agent joined, first frame drawn).
SETUP_TIMEOUT_S = 60.0
#: Headless Chromium's window: the remote screen is shown 1:1 by both clients, and a
#: viewport at least this big keeps both canvases fully laid out.
VIEWPORT = {"width": 1920, "height": 1080}

VNC_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>bench: noVNC</title></head>
<body style="margin:0;background:#000"><div id="screen" style="width:100vw;height:100vh"></div>
<script type="module">
// noVNC's own RFB client, loaded from the Debian package; defaults kept (Tight, quality 6,
// compression 2, no scaling) except viewOnly: the bench sends no input through either stack.
import RFB from "/novnc/core/rfb.js";
const url = new URLSearchParams(location.search).get("ws");
const rfb = new RFB(document.getElementById("screen"), url, { shared: true });
rfb.viewOnly = true;
rfb.addEventListener("connect", () => { window.vncConnected = true; });
rfb.addEventListener("disconnect", (e) => { window.vncDisconnected = JSON.stringify(e.detail); });
window.rfb = rfb;
</script></body></html>"""


@dataclass
class StackHandle:
    """What the workloads need from a running stack."""

    name: str
    page: Page
    canvas_selector: str
    ws_filter: str  # substring of the websocket URL whose received bytes count
    agent_pids: list[int]  # the capture + encode process (lifeline agent / x11vnc)
    relay_pids: list[int]  # the hop in between (lifeline serve / websockify)
    notes: dict[str, float] = field(default_factory=dict)


# ===== PROCESS ACCOUNTING =====


def _tree(pids: list[int]) -> list[psutil.Process]:
    procs: list[psutil.Process] = []
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs += [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return procs


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes and their live descendants (websockify forks)."""
    total = 0.0
    for proc in _tree(pids):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for proc in _tree(pids):
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


# ===== SHARED PIECES =====


@contextmanager
def static_server() -> Iterator[str]:
    """Serves the noVNC page at /vnc.html and Debian's noVNC tree at /novnc/ on 127.0.0.1."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/vnc.html":
                body = VNC_PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif path.startswith("/novnc/"):
                self.path = self.path[len("/novnc"):]
                super().do_GET()
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Handler, directory=str(NOVNC_ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="bench-static", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def process(argv: list[str], log_path: Path,
            env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A child process logging to ``log_path``; SIGTERM then SIGKILL on the way out."""
    log = log_path.open("ab")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


def wait_port(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    def listening() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        return any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
                   for c in psutil.Process(proc.pid).net_connections("tcp"))

    wait_for(listening, f"{what} listening on {port}", SETUP_TIMEOUT_S)


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(path=str(PROBE_JS))
    return context.new_page()


def wait_drawn(page: Page, width: int, height: int) -> None:
    """The watched canvas has the remote screen's size (the first full frame is being drawn)."""
    page.wait_for_function("([w, h]) => window.__bench.canvasSize().join() === `${w},${h}`",
                           arg=[width, height], timeout=SETUP_TIMEOUT_S * 1000)


# ===== REFERENCE: x11vnc + websockify + noVNC =====


def reference_available() -> str | None:
    """None when the reference stack can run here, else why not."""
    for tool in ("x11vnc", "websockify"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not (NOVNC_ROOT / "core" / "rfb.js").exists():
        return f"noVNC is not installed ({NOVNC_ROOT}/core/rfb.js missing)"
    return None


#: x11vnc as one would run it for a single viewer on loopback: defaults for everything
#: that affects encoding and polling (-wait 20 ms, -defer 20 ms, XDAMAGE, scroll copyrect).
X11VNC_ARGS = ["-localhost", "-noipv6", "-nopw", "-forever", "-shared", "-quiet"]


@contextmanager
def reference(display: str, browser: Browser, work: Path, width: int, height: int) -> Iterator[StackHandle]:
    vnc_port, ws_port = free_port(), free_port()
    with process(["x11vnc", "-display", display, "-rfbport", str(vnc_port), *X11VNC_ARGS],
                 work / "x11vnc.log") as x11vnc, \
            process(["websockify", f"127.0.0.1:{ws_port}", f"127.0.0.1:{vnc_port}"],
                    work / "websockify.log") as wsproxy, \
            static_server() as static:
        wait_port(vnc_port, x11vnc, "x11vnc")
        wait_port(ws_port, wsproxy, "websockify")
        page = new_page(browser)
        try:
            page.goto(f"{static}/vnc.html?ws=ws://127.0.0.1:{ws_port}/websockify")
            page.evaluate("window.__bench.watch('#screen canvas')")
            page.wait_for_function("window.vncConnected === true || !!window.vncDisconnected",
                                   timeout=SETUP_TIMEOUT_S * 1000)
            if page.evaluate("window.vncDisconnected || null"):
                raise RuntimeError(f"noVNC disconnected: {page.evaluate('window.vncDisconnected')}")
            wait_drawn(page, width, height)
            yield StackHandle("reference", page, "#screen canvas", f":{ws_port}/", [x11vnc.pid],
                              [wsproxy.pid])
        finally:
            page.context.close()


# ===== OURS: lifeline serve + lifeline agent + Technician Console =====


def _pick_up(tech: Tech, lsid: str) -> None:
    def status() -> str:
        return str(tech.get(f"/api/console/sessions/{lsid}")["session"]["status"])

    wait_for(lambda: status() in ("waiting", "active"), "the agent to join by PIN", SETUP_TIMEOUT_S)
    if status() == "waiting":
        tech.ok(f"/api/console/sessions/{lsid}/pickup")
    wait_for(lambda: status() == "active", "the session to become active", SETUP_TIMEOUT_S)


@contextmanager
def ours(display: str, browser: Browser, work: Path, width: int, height: int,
         before_viewing: Callable[[list[int]], None] | None = None) -> Iterator[StackHandle]:
    """``before_viewing(agent_pids)`` runs once the agent has joined and no one is watching yet."""
    with fresh_database("sqlite", work) as database_url:
        env = base_env(database_url, work / "var", LIFELINE_RUN_JOBS="0")
        migrate(env)
        server = start_server(env, work / "server.log")
        try:
            group = create_tech_group(server, "Bench")
            tech = technician(server, group)
            created = tech.ok("/api/console/sessions",
                              {"method": "pin", "name": "Bench customer", "fields": {}})
            pin, lsid = created["pin"], created["session"]["lsid"]
            with agent(server.url, display, work / "agent.log", "--pin", pin) as agent_proc:
                _pick_up(tech, lsid)
                if before_viewing is not None:
                    before_viewing([agent_proc.pid])
                page = new_page(browser)
                try:
                    selector = f"[data-remote-panel='{lsid}'] canvas"
                    page.context.add_cookies([{"name": k, "value": v, "url": server.url}
                                              for k, v in tech.client.cookies.items()])
                    page.goto(f"{server.url}/console")
                    page.evaluate(f"window.__bench.watch({selector!r})")
                    page.locator(f"[data-lsid='{lsid}']").first.click()
                    page.locator(f"[data-remote-panel='{lsid}']").wait_for(timeout=SETUP_TIMEOUT_S * 1000)
                    page.locator(f"[data-remote-panel='{lsid}'] [data-action='remote-control']").click()
                    answer_prompt(display)
                    page.locator(f"[data-remote-panel='{lsid}'][data-streaming='true']").wait_for(
                        timeout=SETUP_TIMEOUT_S * 1000)
                    wait_drawn(page, width, height)
                    # 1:1, as noVNC shows it by default: no scaling cost on either side.
                    page.locator(f"[data-remote-panel='{lsid}'] [data-action='remote-scale']").click()
                    time.sleep(0.5)
                    yield StackHandle("ours", page, selector, "/remote/ws/", [agent_proc.pid],
                                      [server.process.pid])
                finally:
                    page.context.close()
        finally:
            server.stop()
