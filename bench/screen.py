"""Screen-sharing figures of Lifeline against x11vnc + websockify + noVNC, same display, same run.

    python bench/screen.py            # full run (~5 minutes): the figures in docs/performance.md
    python bench/screen.py --short    # CI: a few seconds per workload, same table

One private Xvfb at 1920×1080×24 runs an xterm. Each stack in turn (see
bench/screen_stacks.py) is brought up, watched by headless Chromium, put
through the same workloads, and torn down:

1. **idle** — nothing changes: bytes/s, agent CPU and RSS.
2. **latency** — a 64×64 window we own changes colour (python-xlib fill +
   XSync, Python wall clock); the page polls that canvas pixel on every
   animation frame and notes its wall clock (performance.timeOrigin + now).
   The page–Python clock offset is calibrated first (best of several round
   trips), so the delta is X change → pixel painted in the browser.
3. **typing** — ``xdotool type`` into the focused xterm at a fixed rate: bytes
   per keystroke, including the settle afterwards.
4. **scrolling** — a script in the xterm prints log-like lines at a fixed rate.
5. **full screen** — a screen-covering window panned diagonally over a
   photographic picture, repainted at 60 Hz: bytes/s and painted fps (canvas
   changes seen per animation frame, the same probe for both clients).
6. **video** — the same window cycling through distinct pre-rendered frames
   of a slow zoom with drifting colours (bench/screen_x.py ``VideoAnimator``),
   so no copy or motion search can shortcut it: bytes/s, fps, CPU, and the
   picture quality: tiles of the canvas sampled during the motion, each 64-px
   block scored (mean squared error) against the source frame it is closest
   to, pooled into one PSNR in dB over R, G, B — the same computation for both
   clients, so "equal or better picture quality" is a figure. Ours runs it at
   the console's default Motion setting (Automatic: on this loopback link the
   agent keeps JPEG), then once more with Motion set to Low bandwidth (VP8
   whatever the link), through the same toolbar menu a technician uses.
   bench/screen_codecs.py compares the codecs alone on the same frames by CPU
   time, which the load on a shared machine does not move.

CPU is user+system time of the capture/encode process (``lifeline agent`` /
``x11vnc``) and of the hop in between (``lifeline serve`` / ``websockify``)
over each workload, as % of one core. The table compares them with the
issue's targets and marks each met or not: performance is measured, never
asserted, so the script exits 0 whatever the figures (non-zero only when it
could not measure). Everything it starts is stopped at the end, on error and
on SIGTERM too; the whole run is bounded by ``RUN_BUDGET_S``.
"""

from __future__ import annotations

import argparse
import base64
import math
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from screen_stacks import (  # noqa: E402
    StackHandle,
    cpu_seconds,
    ours,
    reference,
    reference_available,
    rss_bytes,
)
from screen_x import (  # noqa: E402
    SCROLL_SCRIPT,
    FullScreenAnimator,
    MarkerWindow,
    PanAnimator,
    VideoAnimator,
    best_match_mse,
)

from tests.support.browser import chromium  # noqa: E402
from tests.support.remote import x_client, xdotool, xvfb  # noqa: E402
from tests.support.sessions import wait_for  # noqa: E402

SCREEN_W, SCREEN_H = 1920, 1080
#: xterm size in characters (Debian's default 6×13 "fixed" font: ~1200×910 px), top-left.
XTERM_GEOMETRY = "200x70+0+0"
XTERM_CENTRE = (600, 450)
#: Marker window: one 64-px cell (the encoder's grid) in the top-right corner, clear of the
#: xterm and of the agent's indicator window (bottom-right).
MARKER_XY, MARKER_SIZE_PX = (1792, 64), 64
#: Distinct saturated colours for consecutive latency trials; a JPEG'd marker stays within
#: MARKER_TOLERANCE of its colour, a neighbour in the list never does.
MARKER_COLOURS = [(230, 30, 30), (30, 200, 30), (40, 40, 230), (230, 220, 20), (220, 30, 220), (20, 210, 220)]
MARKER_TOLERANCE = 40
#: Pause between latency trials (s, uniform): long enough for both stacks to go quiet,
#: and random so trials do not lock onto either stack's polling period.
LATENCY_GAP_S = (0.15, 0.35)
LATENCY_TIMEOUT_S = 5.0
#: Typing rate of the typing workload: 8 keystrokes/s, a brisk typist.
TYPING_DELAY_MS = 125
TYPED_TEXT = "the quick brown fox jumps over the lazy dog while the technician watches closely "
#: Lines per second printed by the scrolling workload (a busy log being tailed).
SCROLL_LINES_PER_S = 50
#: Repaint rate of the full-screen workload (Hz): above the 30 fps target, so the stack
#: and not the source limits the fps measured.
FULLSCREEN_HZ = 60
#: Canvas tiles (top-left x, y) sampled for the video workload's picture quality, each
#: QUALITY_TILE_PX square: spread over the screen, clear of the pointer (left at the xterm
#: centre) and of the agent's indicator window (bottom-right).
QUALITY_TILES = [(1100, 100), (100, 600), (1000, 600), (1500, 300)]
QUALITY_TILE_PX = 256
#: Side (px) of the blocks each scored against its closest source frame: a client that
#: paints an update in several rects may show two frames in one tile.
QUALITY_BLOCK_PX = 64
#: Interval (s) between quality samples during the video workload.
QUALITY_SAMPLE_EVERY_S = 0.5
#: After a workload stops, how long bytes are still counted (s): covers the last frames
#: in flight and Lifeline's lossless re-send of JPEG regions 1 s after they settle.
SETTLE_S = 2.0
#: Page ↔ Python clock calibration: round trips tried; the shortest one sets the offset.
CLOCK_SAMPLES = 15
#: Chromium RSS is not the agent's; these bound only the agent-side figures.
MB = 1024 * 1024


@dataclass(frozen=True)
class Plan:
    """How long each workload runs; ``--short`` shrinks everything for CI."""

    idle_s: float
    latency_trials: int
    typed_chars: int
    scroll_s: float
    fullscreen_s: float
    video_s: float
    budget_s: int  # the whole run, both stacks, setup included

    @classmethod
    def full(cls) -> Plan:
        return cls(idle_s=15.0, latency_trials=60, typed_chars=48, scroll_s=15.0, fullscreen_s=15.0,
                   video_s=15.0, budget_s=900)

    @classmethod
    def short(cls) -> Plan:
        return cls(idle_s=2.0, latency_trials=8, typed_chars=8, scroll_s=3.0, fullscreen_s=3.0, video_s=3.0,
                   budget_s=300)


# ===== MEASUREMENT WINDOWS =====


@dataclass
class Span:
    """Bytes, wall time and CPU of one workload window."""

    seconds: float
    bytes: int
    agent_cpu_pct: float
    relay_cpu_pct: float
    browser_cpu_pct: float  # every Chromium process: decode, paint and the probe
    machine_busy_pct: float  # all cores, 100 % = every core busy: is the machine the limit?


class Window:
    """Starts counting at construction; ``end()`` returns the deltas."""

    def __init__(self, stack: StackHandle) -> None:
        self.stack = stack
        self.t0 = time.monotonic()
        self.bytes0 = self._bytes()
        self.agent0 = cpu_seconds(stack.agent_pids)
        self.relay0 = cpu_seconds(stack.relay_pids)
        self.browser0 = cpu_seconds(browser_pids())
        psutil.cpu_percent()  # starts psutil's system-wide interval

    def _bytes(self) -> int:
        return int(self.stack.page.evaluate("(f) => window.__bench.bytes(f)", self.stack.ws_filter))

    def end(self) -> Span:
        seconds = time.monotonic() - self.t0
        return Span(
            seconds=seconds,
            bytes=self._bytes() - self.bytes0,
            agent_cpu_pct=100 * (cpu_seconds(self.stack.agent_pids) - self.agent0) / seconds,
            relay_cpu_pct=100 * (cpu_seconds(self.stack.relay_pids) - self.relay0) / seconds,
            browser_cpu_pct=100 * (cpu_seconds(browser_pids()) - self.browser0) / seconds,
            machine_busy_pct=psutil.cpu_percent(),
        )


def browser_pids() -> list[int]:
    """Chromium's top process(es) among this process's descendants (cpu_seconds adds their children)."""
    pids = []
    for proc in psutil.Process().children(recursive=True):
        try:
            parent = proc.parent()
            if proc.name().startswith("chrom") and not (parent and parent.name().startswith("chrom")):
                pids.append(proc.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: with 60 samples p95 is a real sample)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def clock_offset_ms(stack: StackHandle) -> float:
    """page wall clock − Python wall clock (ms), from the round trip with the least slack."""
    best: tuple[float, float] | None = None
    for _ in range(CLOCK_SAMPLES):
        before = time.time() * 1000
        page_ms = float(stack.page.evaluate("window.__bench.now()"))
        after = time.time() * 1000
        if best is None or after - before < best[0]:
            best = (after - before, page_ms - (before + after) / 2)
    assert best is not None
    return best[1]


# ===== WORKLOADS =====


class Desk:
    """The shared X desktop: display name, the xterm's window id, the scroll script."""

    def __init__(self, display: str, xterm_window: str, scroll_script: Path) -> None:
        self.display = display
        self.xterm_window = xterm_window
        self.scroll_script = scroll_script

    def focus_xterm(self) -> None:
        xdotool(self.display, "mousemove", str(XTERM_CENTRE[0]), str(XTERM_CENTRE[1]))
        xdotool(self.display, "windowfocus", "--sync", self.xterm_window)


def idle(stack: StackHandle, plan: Plan) -> dict[str, float]:
    time.sleep(SETTLE_S)
    span = _timed(stack, plan.idle_s)
    return {"idle_bytes_per_s": span.bytes / span.seconds, "idle_agent_cpu": span.agent_cpu_pct,
            "idle_agent_rss_mb": rss_bytes(stack.agent_pids) / MB}


def _timed(stack: StackHandle, seconds: float) -> Span:
    window = Window(stack)
    time.sleep(seconds)
    return window.end()


def latency(stack: StackHandle, desk: Desk, plan: Plan) -> dict[str, float]:
    rng = random.Random(1)
    x, y = MARKER_XY
    cx, cy = x + MARKER_SIZE_PX // 2, y + MARKER_SIZE_PX // 2
    samples: list[float] = []
    missed = 0
    with MarkerWindow(desk.display, x, y, MARKER_SIZE_PX) as marker:
        marker.paint((0, 0, 0))
        wait_for(lambda: stack.page.evaluate(f"window.__bench.pixel({cx}, {cy})") == [0, 0, 0],
                 "the marker window on the canvas")
        time.sleep(SETTLE_S)
        offset = clock_offset_ms(stack)
        for trial in range(plan.latency_trials):
            rgb = MARKER_COLOURS[trial % len(MARKER_COLOURS)]
            stack.page.evaluate("([id, x, y, rgb, tol]) => window.__bench.expect(id, x, y, rgb, tol)",
                                [trial, cx, cy, list(rgb), MARKER_TOLERANCE])
            changed_at = marker.paint(rgb)
            try:
                stack.page.wait_for_function("(id) => window.__bench.foundAt(id) !== null", arg=trial,
                                             polling=20, timeout=LATENCY_TIMEOUT_S * 1000)
            except Exception:  # noqa: BLE001 - Playwright's TimeoutError: counted, the run goes on
                missed += 1
                continue
            seen_at = float(stack.page.evaluate("(id) => window.__bench.foundAt(id)", trial))
            samples.append(seen_at - offset - changed_at * 1000)
            time.sleep(rng.uniform(*LATENCY_GAP_S))
    if not samples:
        return {"latency_missed": float(missed)}
    return {"latency_p50_ms": statistics.median(samples), "latency_p95_ms": percentile(samples, 0.95),
            "latency_missed": float(missed)}


def typing(stack: StackHandle, desk: Desk, plan: Plan) -> dict[str, float]:
    desk.focus_xterm()
    xdotool(desk.display, "key", "ctrl+u")
    time.sleep(SETTLE_S)
    text = (TYPED_TEXT * (1 + plan.typed_chars // len(TYPED_TEXT)))[:plan.typed_chars].rstrip() or "x"
    window = Window(stack)
    xdotool(desk.display, "type", "--delay", str(TYPING_DELAY_MS), text)
    time.sleep(SETTLE_S)
    span = window.end()
    xdotool(desk.display, "key", "ctrl+u")
    return {"typing_bytes_per_key": span.bytes / len(text), "typing_agent_cpu": span.agent_cpu_pct,
            "typing_relay_cpu": span.relay_cpu_pct}


def scrolling(stack: StackHandle, desk: Desk, plan: Plan) -> dict[str, float]:
    desk.focus_xterm()
    command = f"python3 {desk.scroll_script} {plan.scroll_s} {SCROLL_LINES_PER_S}"
    xdotool(desk.display, "type", "--delay", "5", command)
    time.sleep(SETTLE_S)
    window = Window(stack)
    xdotool(desk.display, "key", "Return")
    time.sleep(plan.scroll_s + SETTLE_S)
    span = window.end()
    return {"scroll_kb_per_s": span.bytes / 1024 / plan.scroll_s, "scroll_agent_cpu": span.agent_cpu_pct,
            "scroll_relay_cpu": span.relay_cpu_pct}


def fullscreen(stack: StackHandle, animator: FullScreenAnimator, seconds: float, prefix: str,
               sample: Callable[[], None] | None = None) -> dict[str, float]:
    """Run ``animator`` for ``seconds``; figures are named ``prefix`` + ``kb_per_s`` etc.
    ``sample`` is called every QUALITY_SAMPLE_EVERY_S while it runs."""
    animator.show()
    time.sleep(SETTLE_S)
    window = Window(stack)
    stack.page.evaluate("window.__bench.startCounting()")
    animator.start()
    started = time.monotonic()
    while (left := seconds - (time.monotonic() - started)) > 0:
        time.sleep(min(left, QUALITY_SAMPLE_EVERY_S))
        if sample is not None and time.monotonic() - started < seconds:
            sample()
    animator.stop()
    counted = stack.page.evaluate("window.__bench.stopCounting()")
    elapsed = time.monotonic() - started
    span = window.end()
    animator.hide()
    time.sleep(SETTLE_S)
    return {f"{prefix}kb_per_s": span.bytes / 1024 / elapsed, f"{prefix}fps": counted["changes"] / elapsed,
            # Bytes per painted frame: a stack that paints fewer frames also sends fewer bytes/s.
            f"{prefix}kb_per_frame": span.bytes / 1024 / max(counted["changes"], 1),
            f"{prefix}agent_cpu": span.agent_cpu_pct, f"{prefix}relay_cpu": span.relay_cpu_pct,
            f"{prefix}browser_cpu": span.browser_cpu_pct, f"{prefix}machine_busy": span.machine_busy_pct,
            f"{prefix}source_hz": animator.repaints / elapsed, "page_raf_hz": counted["ticks"] / elapsed}


def video(stack: StackHandle, animator: VideoAnimator, plan: Plan) -> dict[str, float]:
    """The video workload, plus the PSNR of what the canvas showed (see the module docstring)."""
    errors: list[float] = []

    def sample() -> None:
        for x, y in QUALITY_TILES:
            b64 = stack.page.evaluate("([x, y, s]) => window.__bench.region(x, y, s, s)",
                                      [x, y, QUALITY_TILE_PX])
            if b64 is None:
                continue
            rgba = np.frombuffer(base64.b64decode(b64), dtype=np.uint8)
            shown = rgba.reshape(QUALITY_TILE_PX, QUALITY_TILE_PX, 4)
            errors.extend(best_match_mse(shown, animator.frames, x, y, QUALITY_BLOCK_PX))

    results = fullscreen(stack, animator, plan.video_s, "video_", sample)
    if errors:
        mse = statistics.fmean(errors)
        results["video_psnr_db"] = math.inf if mse == 0 else 10 * math.log10(255**2 / mse)
    return results


#: Prefix of the figures of ours' video workload in the console's Low bandwidth motion mode.
LOW_BANDWIDTH_PREFIX = "lowbw_"
#: The console toolbar's Motion menu (lifeline/web/static/console/remote/panel.js) and its values.
MOTION_MENU = "[data-remote-motion]"
MOTION_LOW_BANDWIDTH, MOTION_AUTOMATIC = "video", "auto"


def low_bandwidth_video(stack: StackHandle, animator: VideoAnimator, plan: Plan) -> dict[str, float]:
    """Ours' video workload with Motion at Low bandwidth; {} where the browser offers no VP8."""
    menu = stack.page.locator(MOTION_MENU)  # the bench's console shows one session's panel
    if menu.locator(f"option[value='{MOTION_LOW_BANDWIDTH}']:not([disabled])").count() == 0:
        return {}
    menu.select_option(MOTION_LOW_BANDWIDTH)
    try:
        results = video(stack, animator, plan)
    finally:
        menu.select_option(MOTION_AUTOMATIC)
    return {LOW_BANDWIDTH_PREFIX + key: value for key, value in results.items() if key.startswith("video_")}


def run_workloads(stack: StackHandle, desk: Desk, pan: PanAnimator, film: VideoAnimator,
                  plan: Plan) -> dict[str, float]:
    results = dict(stack.notes)
    steps: list[tuple[str, Callable[[], dict[str, float]]]] = [
        ("idle", lambda: idle(stack, plan)),
        ("latency", lambda: latency(stack, desk, plan)),
        ("typing", lambda: typing(stack, desk, plan)),
        ("scrolling", lambda: scrolling(stack, desk, plan)),
        ("full screen", lambda: fullscreen(stack, pan, plan.fullscreen_s, "full_")),
        ("video", lambda: video(stack, film, plan)),
    ]
    for name, step in steps:
        started = time.monotonic()
        results.update(step())
        print(f"  {stack.name}: {name} done in {time.monotonic() - started:.1f} s", file=sys.stderr,
              flush=True)
    return results


# ===== TABLE =====


@dataclass(frozen=True)
class Row:
    """One line of the table. ``target`` is a ratio bound (ours/ref) or an absolute bound on ours."""

    key: str
    label: str
    unit: str
    target: str = ""
    check: Callable[[float, float | None], bool] | None = None


def _ratio_at_most(bound: float) -> Callable[[float, float | None], bool]:
    return lambda ours_v, ref_v: ref_v is not None and ref_v > 0 and ours_v / ref_v <= bound


def _at_least(bound: float) -> Callable[[float, float | None], bool]:
    return lambda ours_v, _ref: ours_v >= bound


def _below(bound: float) -> Callable[[float, float | None], bool]:
    return lambda ours_v, _ref: ours_v < bound


def _at_least_ref(ours_v: float, ref_v: float | None) -> bool:
    return ref_v is not None and ours_v >= ref_v


ROWS = [
    Row("latency_p50_ms", "update latency p50", "ms", "≤ 0.5× ref", _ratio_at_most(0.5)),
    Row("latency_p95_ms", "update latency p95", "ms"),
    Row("typing_bytes_per_key", "typing", "B/key", "≤ 1.0× ref", _ratio_at_most(1.0)),
    Row("scroll_kb_per_s", "scrolling", "KB/s", "≤ 0.5× ref", _ratio_at_most(0.5)),
    Row("full_kb_per_s", "full-screen change", "KB/s", "≤ 0.5× ref", _ratio_at_most(0.5)),
    Row("video_kb_per_s", "video (full-screen, in place)", "KB/s", "≤ 0.5× ref", _ratio_at_most(0.5)),
    Row("video_psnr_db", "video picture quality (PSNR)", "dB", "≥ ref", _at_least_ref),
    Row("lowbw_video_kb_per_s", "video, ours low-bandwidth mode (VP8)", "KB/s"),
    Row("lowbw_video_psnr_db", "video PSNR, ours low-bandwidth mode", "dB"),
    Row("lowbw_video_fps", "video fps, ours low-bandwidth mode", "fps"),
    Row("lowbw_video_agent_cpu", "agent CPU, video, ours low-bandwidth", "% core"),
    Row("full_kb_per_frame", "full-screen change per painted frame", "KB"),
    Row("video_kb_per_frame", "video per painted frame", "KB"),
    Row("idle_bytes_per_s", "idle", "B/s"),
    Row("full_fps", "full-screen fps (1080p)", "fps", "≥ 30", _at_least(30.0)),
    Row("video_fps", "video fps (1080p)", "fps", "≥ 30", _at_least(30.0)),
    Row("full_agent_cpu", "agent CPU, full screen", "% core", "≤ ref", _ratio_at_most(1.0)),
    Row("video_agent_cpu", "agent CPU, video", "% core", "≤ ref", _ratio_at_most(1.0)),
    Row("scroll_agent_cpu", "agent CPU, scrolling", "% core", "≤ ref", _ratio_at_most(1.0)),
    Row("typing_agent_cpu", "agent CPU, typing", "% core", "≤ ref", _ratio_at_most(1.0)),
    Row("idle_agent_cpu", "idle agent CPU, viewer on", "% core", "< 2", _below(2.0)),
    Row("idle_agent_rss_mb", "idle agent RSS, viewer on", "MB", "< 150", _below(150.0)),
    Row("unwatched_agent_cpu", "idle agent CPU, no viewer", "% core", "< 2", _below(2.0)),
    Row("unwatched_agent_rss_mb", "idle agent RSS, no viewer", "MB", "< 150", _below(150.0)),
    Row("full_relay_cpu", "relay CPU, full screen (serve/websockify)", "% core"),
    Row("scroll_relay_cpu", "relay CPU, scrolling", "% core"),
    Row("full_browser_cpu", "browser CPU, full screen (all Chromium)", "% core"),
    Row("video_browser_cpu", "browser CPU, video (all Chromium)", "% core"),
    Row("full_machine_busy", "machine busy, full screen (all cores)", "%"),
    Row("full_source_hz", "X repaints/s during full screen", "Hz"),
    Row("video_source_hz", "X repaints/s during video", "Hz"),
    Row("page_raf_hz", "browser animation frames/s", "Hz"),
    Row("latency_missed", "latency trials not seen in 5 s", "count"),
]
HEADER = f"{'metric':<42} {'unit':>6} {'ours':>10} {'reference':>10} {'ratio':>7}  {'target':<11} {'status'}"


def format_table(ours_r: dict[str, float], ref_r: dict[str, float]) -> str:
    lines = [HEADER, "-" * len(HEADER)]
    for row in ROWS:
        o, r = ours_r.get(row.key), ref_r.get(row.key)
        if o is None and r is None:
            continue
        ratio = f"{o / r:7.2f}" if o is not None and r else f"{'–':>7}"
        status = ""
        if row.check is not None:
            status = "no data" if o is None else ("met" if row.check(o, r) else "NOT MET")
        lines.append(f"{row.label:<42} {row.unit:>6} {_num(o):>10} {_num(r):>10} {ratio}  "
                     f"{row.target:<11} {status}")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


# ===== MAIN =====


class BudgetExceeded(Exception):
    """The run took longer than Plan.budget_s; everything is torn down."""


@contextmanager
def bounded(seconds: int) -> Iterator[None]:
    """SIGALRM after ``seconds`` and SIGTERM both unwind the stack, so every `with` cleans up."""

    def on_alarm(_sig: int, _frame: FrameType | None) -> None:
        raise BudgetExceeded(f"bench/screen.py exceeded its {seconds} s budget")

    def on_term(_sig: int, _frame: FrameType | None) -> None:
        raise SystemExit(143)

    old_alarm = signal.signal(signal.SIGALRM, on_alarm)
    old_term = signal.signal(signal.SIGTERM, on_term)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old_alarm)
        signal.signal(signal.SIGTERM, old_term)


def measure(plan: Plan, work: Path) -> tuple[dict[str, float], dict[str, float]]:
    scroll_script = work / "scroll.py"
    scroll_script.write_text(SCROLL_SCRIPT)
    results: dict[str, dict[str, float]] = {}
    with ExitStack() as stack:
        display = stack.enter_context(xvfb(SCREEN_W, SCREEN_H))
        stack.enter_context(x_client(display, "xterm", "-geometry", XTERM_GEOMETRY, "-e", "sh"))
        window = wait_for(lambda: xdotool(display, "search", "--class", "xterm", check=False).split("\n")[0],
                          "xterm mapped")
        desk = Desk(display, window, scroll_script)
        pan = stack.enter_context(PanAnimator(display, SCREEN_W, SCREEN_H, FULLSCREEN_HZ))
        film = stack.enter_context(VideoAnimator(display, SCREEN_W, SCREEN_H, FULLSCREEN_HZ))
        browser = stack.enter_context(chromium())

        def unwatched(agent_pids: list[int]) -> None:
            """The agent has joined but nobody watches: what a waiting customer's machine pays."""
            time.sleep(SETTLE_S)
            cpu0, t0 = cpu_seconds(agent_pids), time.monotonic()
            time.sleep(plan.idle_s)
            results.setdefault("ours", {}).update(
                unwatched_agent_cpu=100 * (cpu_seconds(agent_pids) - cpu0) / (time.monotonic() - t0),
                unwatched_agent_rss_mb=rss_bytes(agent_pids) / MB)

        stacks: list[tuple[str, Callable[[], AbstractContextManager[StackHandle]]]] = [
            ("reference", lambda: reference(display, browser, work, SCREEN_W, SCREEN_H)),
            ("ours", lambda: ours(display, browser, work, SCREEN_W, SCREEN_H, before_viewing=unwatched)),
        ]
        for name, make in stacks:
            print(f"bench/screen.py: measuring {name}", file=sys.stderr, flush=True)
            with make() as handle:
                results.setdefault(name, {}).update(run_workloads(handle, desk, pan, film, plan))
                if name == "ours":
                    results[name].update(low_bandwidth_video(handle, film, plan))
    return results.get("ours", {}), results.get("reference", {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a few seconds per workload (CI)")
    args = parser.parse_args()
    plan = Plan.short() if args.short else Plan.full()
    why_not = reference_available()
    if why_not is not None:
        print(f"bench/screen.py: cannot run the reference stack: {why_not}", file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp, bounded(plan.budget_s):
        ours_r, ref_r = measure(plan, Path(tmp))
    print(f"Screen: Lifeline (ours) vs x11vnc + websockify + noVNC (reference), "
          f"Xvfb {SCREEN_W}x{SCREEN_H}x24, "
          f"{'--short' if args.short else 'full'} run in {time.monotonic() - started:.0f} s")
    print(format_table(ours_r, ref_r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
