"""Bytes, picture quality and CPU per 1080p frame of the agent's lossy codecs on bench/screen.py's video.

    python bench/screen_codecs.py            # steps 1, 3 and 6, 24 frames each
    python bench/screen_codecs.py --frames 8 # quicker

bench/screen.py measures whole stacks on a shared machine, where load moves
every figure (and the agent's lag-driven quality with it). This compares the
codecs alone, on the same frames (``screen_x.video_frames`` in the workload's
ping-pong order) and by CPU time, so it does not depend on what else runs:

- **JPEG q80 4:2:0**: the agent's JPEG (codecs/jpeg.py at JPEG_QUALITY_MAX);
- **JPEG q79 4:4:4**: what x11vnc sends for noVNC's default quality;
- **VP8**: the agent's video (codecs/vp8.py) at VIDEO_QUANTIZER_BEST, decoded
  with PyAV (Chromium's WebCodecs decode measured ~0.5 dB higher).

``step``: source repaints between encoded frames. The workload repaints at
60 Hz, so step 2 is a stack painting 30 fps and step 6 one painting 10 fps;
VP8 predicts from the previous frame, so the farther apart, the more it costs.
PSNR is over B, G, R of the whole frame, as bench/screen.py computes it.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simplejpeg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.screen_x import ping_pong, video_frames  # noqa: E402
from lifeline.agent.encode.codecs import jpeg, vp8  # noqa: E402
from lifeline.agent.encode.constants import JPEG_QUALITY_MAX, VIDEO_QUANTIZER_BEST  # noqa: E402
from tests.unit.agent.encode.frames_helper import Vp8Decoder, psnr  # noqa: E402

SCREEN_W, SCREEN_H = 1920, 1080
#: x11vnc's Tight JPEG for noVNC's default quality level 6 (docs/performance.md "Screen").
REFERENCE_JPEG_QUALITY = 79
STEPS = (1, 3, 6)
KB = 1024
MS_PER_S = 1000


Coder = tuple[Callable[[np.ndarray], bytes], Callable[[bytes], np.ndarray]]
"""(encode BGRA frame -> bytes, decode bytes -> BGRA frame) of one stream."""


def decode_jpeg(data: bytes) -> np.ndarray:
    return simplejpeg.decode_jpeg(data, colorspace="BGRA")


def reference_jpeg() -> Coder:
    def encode(frame: np.ndarray) -> bytes:
        return simplejpeg.encode_jpeg(frame, quality=REFERENCE_JPEG_QUALITY, colorspace="BGRA",
                                      colorsubsampling="444")

    return encode, decode_jpeg


def agent_jpeg() -> Coder:
    return (lambda frame: jpeg.encode(frame, JPEG_QUALITY_MAX)), decode_jpeg


def agent_vp8() -> Coder:
    """One VP8 stream (key frame first, as a run of motion starts)."""
    encoder, decoder = vp8.Vp8Encoder(), Vp8Decoder()
    return (lambda frame: encoder.encode(frame, VIDEO_QUANTIZER_BEST)), decoder.decode


def measure(make: Callable[[], Coder], sequence: list[np.ndarray]) -> tuple[float, float, float]:
    """(KB per frame after the first, PSNR dB, encode CPU ms per frame)."""
    encode, decode = make()
    sizes, errors, cpu = [], [], 0.0
    for frame in sequence:
        started = time.process_time()
        data = encode(frame)
        cpu += time.process_time() - started
        sizes.append(len(data))
        errors.append(10 ** (-psnr(decode(data), frame) / 10))  # MSE / 255², pooled like bench/screen.py
    return statistics.fmean(sizes[1:]) / KB, -10 * math.log10(statistics.fmean(errors)), cpu / len(sequence) * MS_PER_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=24, help="encoded frames per step")
    args = parser.parse_args()
    if not vp8.available():
        print("bench/screen_codecs.py: PyAV is not installed (pip install -e '.[agent]')", file=sys.stderr)
        return 2
    frames = video_frames(SCREEN_W, SCREEN_H)
    for frame in frames:
        frame[..., 3] = 255
    codecs = [
        (f"JPEG q{JPEG_QUALITY_MAX} 4:2:0 (agent)", agent_jpeg),
        (f"JPEG q{REFERENCE_JPEG_QUALITY} 4:4:4 (x11vnc)", reference_jpeg),
        (f"VP8 q{VIDEO_QUANTIZER_BEST} (agent)", agent_vp8),
    ]
    print(f"{'codec':<26} {'step':>4} {'KB/frame':>9} {'PSNR dB':>8} {'CPU ms':>7}  (encode only, 1080p)")
    for step in STEPS:
        sequence = [np.ascontiguousarray(frames[ping_pong(k * step, len(frames))]) for k in range(args.frames)]
        for name, make in codecs:
            kb, db, ms = measure(make, sequence)
            print(f"{name:<26} {step:>4} {kb:>9.0f} {db:>8.2f} {ms:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
