"""bench/screen.py --short runs end to end and prints its comparison table.

The benchmark measures, it does not assert performance: this test checks only
that it completes (exit 0) and prints the table with a figure for every stack,
so a broken workload or stack setup is caught in CI. It runs as a subprocess
because the bench owns its own Xvfb, server, agent, x11vnc, websockify and
Chromium and must tear them all down itself.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

for _tool in ("Xvfb", "xterm", "xdotool", "chromium", "x11vnc", "websockify"):
    if shutil.which(_tool) is None:
        pytest.skip(f"{_tool} is not installed", allow_module_level=True)
if not Path("/usr/share/novnc/core/rfb.js").exists():
    pytest.skip("noVNC is not installed", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
#: Above the bench's own --short budget (300 s), so the bench's alarm, which tears
#: everything down, fires first; SIGTERM (also a clean teardown) only if it hangs anyway.
TIMEOUT_S = 360


def test_short_bench_prints_the_comparison_table() -> None:
    proc = subprocess.Popen([sys.executable, str(REPO / "bench" / "screen.py"), "--short"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        pytest.fail(f"bench/screen.py --short did not finish in {TIMEOUT_S} s:\n{err[-3000:]}")
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err[-3000:]}"
    assert "metric" in out and "ours" in out and "reference" in out and "target" in out, out
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines()}
    for label in ("update latency p50", "typing", "scrolling", "full-screen change",
                  "video (full-screen, in place)", "video picture quality (PSNR)", "video fps (1080p)",
                  "full-screen fps (1080p)", "agent CPU, full screen", "idle agent RSS, viewer on",
                  "video, ours low-bandwidth mode (VP8)"):
        assert label in rows, f"row {label!r} missing:\n{out}"
        assert "no data" not in rows[label], out
