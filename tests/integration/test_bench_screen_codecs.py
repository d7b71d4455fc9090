"""CI runs `bench/screen_codecs.py --frames 2`: it must finish and print a row per codec and step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("av")

REPO = Path(__file__).resolve().parents[2]


def test_codec_comparison_prints_every_codec_at_every_step() -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "screen_codecs.py"), "--frames", "2"], cwd=REPO,
                          text=True, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[0] == "codec"
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 9
    assert {row[0] for row in rows} == {"JPEG", "VP8"}
    assert all(float(row[-2]) > 30 for row in rows)  # PSNR: every codec decodes to the picture
