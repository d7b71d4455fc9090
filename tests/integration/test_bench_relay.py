"""CI runs `bench/relay.py` briefly: frames must reach the viewer through a real relay and the line be printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_relay_forwards_frames_and_prints_the_cpu_per_frame() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "relay.py"), "--frames", "20", "--ack"], cwd=REPO,
                          text=True, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^relay: 20 frames of 250000 B \+ acks: server CPU [0-9.]+ ms/frame, .*"
                     r"viewer socket compression: none;", done.stdout, re.MULTILINE), done.stdout
