"""CI runs `bench/api.py --short`: it must finish and print its table (figures are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_api_short_prints_its_table() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "api.py"), "--short"], cwd=REPO, text=True,
                          capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[0] == "measure"
    labels = [line.split("  ")[0] for line in lines[1:]]
    assert labels[:2] == ["get_logged_in_reps", "generate_session_key"]
    assert sum("/nw event→update" in line for line in lines) == 3
