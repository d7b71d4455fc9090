"""Agent CPU per screen update on bench/screen.py's workloads, without the server, browser or reference.

    python bench/screen_cpu.py                 # every workload, 6 s each
    python bench/screen_cpu.py pan video -s 10 # some, longer
    python bench/screen_cpu.py --profile video # plus the top of a cProfile of the capture thread

bench/screen.py measures the whole stack on two shared cores, where the
browser and the relay take most of the machine and every figure moves with
the load. This runs only the agent's screen path, in one process, on the
same X workloads (``screen_x``: a private 1920×1080 Xvfb, the pan and video
animators at 60 Hz, an xterm printing 50 lines/s, ``xdotool type`` at 8
keys/s): the real backends (``Desktop``: XShm grab, DAMAGE), the real
``CaptureClock`` and one ``ScreenEncoder``, driven as ``AgentSession._tick``
drives them. The viewer is simulated: it decodes VP8 (``encodings``, as
the console does) and acknowledges each update ``--ack-ms`` after it was
produced, reporting that time as its drawing time (a browser that decodes
and paints a 1080p JPEG in about that time, on loopback).

Reported per workload: updates produced per second, loop wake-ups per
second, and CPU time (user+system of this whole process, every thread) per
update and in % of one core. CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from screen_x import SCROLL_SCRIPT, PanAnimator, VideoAnimator  # noqa: E402

from lifeline.agent.capture.clock import CaptureClock  # noqa: E402
from lifeline.agent.streams import DesktopWorker, Stream  # noqa: E402
from lifeline.protocol import Encoding, messages  # noqa: E402
from tests.support.remote import x_client, xdotool, xvfb  # noqa: E402
from tests.support.sessions import wait_for  # noqa: E402

SCREEN_W, SCREEN_H = 1920, 1080
ANIMATION_HZ = 60
XTERM_GEOMETRY = "200x70+0+0"
SCROLL_LINES_PER_S = 50
TYPING_DELAY_MS = 125
TYPED_TEXT = "the quick brown fox jumps over the lazy dog while the technician watches closely "
#: Seconds the desktop is left alone before a workload is measured: the first, whole-screen
#: update, and 1 s later the lossless refresh of what it sent as JPEG (a 1080p photo as PNG,
#: ~0.3 s of CPU), as bench/screen.py's settling does.
SETTLE_S = 2.5
MS_PER_S = 1000
WORKLOADS = ("pan", "video", "scrolling", "typing")


class Counting:
    """The simulated viewer and the counters: updates produced, loop wake-ups."""

    def __init__(self, stream: Stream, clock: CaptureClock, ack_s: float) -> None:
        self.stream, self.clock, self.ack_s = stream, clock, ack_s
        self.updates = self.wakes = 0

    def produced(self, data: bytes) -> None:
        self.updates += 1
        seq = self.stream.encoder.seq
        asyncio.get_running_loop().call_later(self.ack_s, self._ack, seq)

    def _ack(self, seq: int) -> None:
        encoder = self.stream.encoder
        # On loopback the whole delay is the viewer's decoding and drawing, and it says so.
        if encoder.handle_control(messages.ack(seq, draw_ms=round(self.ack_s * MS_PER_S))):
            self.clock.window_opened(encoder.waiting)


async def drive(worker: DesktopWorker, clock: CaptureClock, counting: Counting, until: float) -> None:
    """``AgentSession._tick`` for one viewer: wait for the clock, encode what is due, send (count) it, poll."""
    streams = [counting.stream]
    while time.monotonic() < until:
        counting.wakes += 1
        now = time.monotonic()
        polled = clock.poll_due(now, polling=False, watching=True)
        run, damage = clock.due(now, lambda: any(s.encoder.window_open() for s in streams))
        # The closure runs before this iteration goes on (awaited here): no late binding.
        frames = await worker.run(lambda d: d.encode(streams, damage)) if run else []  # noqa: B023
        if damage and not frames and not any(s.encoder.waiting for s in streams):
            clock.found_nothing()
        for _viewer, data in frames:
            counting.produced(data)
        if polled:
            await worker.run(lambda d: (d.idle_checks(), d.cursor_updates(None), d.clipboard_change()))
        await clock.wait(polling=False, watching=True)


async def measure(display: str, name: str, start: Callable[[], None], stop: Callable[[], None], seconds: float,
                  ack_s: float, profile: bool) -> str:
    worker = DesktopWorker()
    loop = asyncio.get_running_loop()
    clock = CaptureClock(loop, display)
    worker.open(display, "technician", clock.notify)
    stream = Stream("bench", "control", "bench", active=True)
    stream.encoder.accept_encodings([Encoding.VP8])  # as the console does where WebCodecs decodes VP8
    counting = Counting(stream, clock, ack_s)
    profiler = cProfile.Profile(time.thread_time) if profile else None  # CPU time of the desktop thread
    try:
        await drive(worker, clock, counting, time.monotonic() + SETTLE_S)
        start()
        updates, wakes = counting.updates, counting.wakes
        if profiler is not None:
            await worker.run(lambda d: profiler.enable())
        cpu0, wall0 = time.process_time(), time.monotonic()
        await drive(worker, clock, counting, wall0 + seconds)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        if profiler is not None:
            await worker.run(lambda d: profiler.disable())
        stop()
    finally:
        clock.close()
        worker.close()
    n = counting.updates - updates
    line = (f"{name:<10} {n / wall:>8.1f} {(counting.wakes - wakes) / wall:>8.1f} "
            f"{cpu / max(n, 1) * MS_PER_S:>10.2f} {100 * cpu / wall:>7.1f}")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(22)
        line += "\n" + out.getvalue()
    return line


class Desk:
    """The private X desktop and how each workload starts and stops on it."""

    def __init__(self, stack: ExitStack, work: Path, seconds: float) -> None:
        self.stack, self.seconds = stack, seconds
        self.display = stack.enter_context(xvfb(SCREEN_W, SCREEN_H))
        self.script = work / "scroll.py"
        self.script.write_text(SCROLL_SCRIPT)
        stack.enter_context(x_client(self.display, "xterm", "-geometry", XTERM_GEOMETRY, "-e", "sh"))
        xterm = wait_for(lambda: xdotool(self.display, "search", "--class", "xterm", check=False).split("\n")[0],
                         "xterm mapped")
        xdotool(self.display, "windowfocus", "--sync", xterm)
        self._typist: subprocess.Popen[bytes] | None = None

    def workload(self, name: str) -> tuple[Callable[[], None], Callable[[], None]]:
        """(start, stop) of workload ``name``; an animator is shown (and settles) before its start."""
        if name in ("pan", "video"):
            kind = PanAnimator if name == "pan" else VideoAnimator
            animator = self.stack.enter_context(kind(self.display, SCREEN_W, SCREEN_H, ANIMATION_HZ))
            animator.show()

            def stop_animation() -> None:
                animator.stop()
                animator.hide()

            return animator.start, stop_animation
        if name == "scrolling":
            return self._scroll, lambda: time.sleep(2)  # the script's last lines
        return self._type, self._stop_typing

    def _scroll(self) -> None:
        xdotool(self.display, "type", "--delay", "5",
                f"python3 {self.script} {self.seconds + 2} {SCROLL_LINES_PER_S}\n")

    def _type(self) -> None:
        self._typist = subprocess.Popen(["xdotool", "type", "--delay", str(TYPING_DELAY_MS), TYPED_TEXT * 4],
                                        env={"DISPLAY": self.display, "PATH": "/usr/bin:/bin"})

    def _stop_typing(self) -> None:
        if self._typist is not None:
            self._typist.terminate()
            self._typist.wait()
        xdotool(self.display, "key", "ctrl+u")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", help=f"any of {', '.join(WORKLOADS)} (default: all)")
    parser.add_argument("-s", "--seconds", type=float, default=6.0, help="measured seconds per workload")
    parser.add_argument("--ack-ms", type=float, default=15.0, help="simulated viewer's time to ack an update")
    parser.add_argument("--profile", action="store_true", help="cProfile (CPU time) of the desktop thread")
    args = parser.parse_args()
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    print(f"{'workload':<10} {'upd/s':>8} {'wakes/s':>8} {'CPU ms/upd':>10} {'% core':>7}")
    with ExitStack() as stack, TemporaryDirectory() as work:
        desk = Desk(stack, Path(work), args.seconds)
        for name in args.workloads or WORKLOADS:
            start, stop = desk.workload(name)
            print(asyncio.run(measure(desk.display, name, start, stop, args.seconds, args.ack_ms / MS_PER_S,
                                      args.profile)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
