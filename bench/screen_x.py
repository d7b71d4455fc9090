"""The X side of bench/screen.py: what changes on the screen, made the same way for both stacks.

Every workload is driven from here with python-xlib (windows we own) or
xdotool (keys into xterm, as a person would type), never through either
remote-desktop stack, so both stacks see identical X activity:

- ``MarkerWindow``: a small override-redirect window whose colour changes on
  demand; the Python timestamp is taken right after XSync, when the X server
  has applied the fill, so latency starts at "the pixel changed on the X side".
- ``PanAnimator``: an override-redirect window covering the screen,
  repainted ``rate_hz`` times a second with a server-side CopyArea from a
  pre-rendered photographic pixmap at a moving 2-D offset (a maximised,
  animated application: every pixel changes each frame and the change is not
  a pure vertical scroll, but a 2-D motion search can send it as one copy).
- ``VideoAnimator``: the same window showing a cycle of distinct pre-rendered
  photographic frames of a slow zoom with drifting colours (a stand-in for
  video: the content changes in place, so no copy detection can shortcut it).
  It keeps the frames, so what a viewer's canvas shows can be scored against
  them (``best_match_mse``).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

import numpy as np
from Xlib import X
from Xlib import display as xlib_display

#: Extra pixels (both axes) of the animator's source pixmap beyond the screen: the
#: window shows a screen-sized part of it at an offset that wraps within this margin.
PAN_MARGIN_PX = 256
#: Offset step per repaint (px, x and y): a diagonal pan, so no stack can send it
#: as a vertical scroll copy; both components change every repaint.
PAN_STEP_PX = (7, 3)
#: Amplitude (grey levels) of the pseudo-random grain added to the smooth colour
#: field: photographic content is never perfectly smooth, and without grain any
#: codec would compress the frames unrealistically well.
GRAIN_LEVELS = 10
#: Largest PutImage request body (bytes). X's core limit is 256 KiB per request
#: without BIG-REQUESTS, which python-xlib does not negotiate.
PUT_IMAGE_MAX_BYTES = 200_000
#: Seed of the grain, so every run and both stacks see the same pictures.
CONTENT_SEED = 20240607
#: Distinct frames of the video workload, shown forwards then backwards (a ping-pong, so the
#: loop has no jump): 12 frames of 8 MB at 1080p are ~100 MB in the X server.
VIDEO_FRAMES = 12
#: Zoom per video frame (scale factor - 1): a slow camera zoom, ~1 px of motion near the
#: centre and ~10 px at the edges of a 1080p frame.
VIDEO_ZOOM_STEP = 0.01
#: Phase drift of the green channel per video frame (radians): the colours change in place too.
VIDEO_COLOUR_DRIFT = 0.05


def _rgb_pixel(rgb: tuple[int, int, int]) -> int:
    """TrueColor 24-bit pixel value (Xvfb's default visual: 0xRRGGBB)."""
    r, g, b = rgb
    return (r << 16) | (g << 8) | b


class MarkerWindow:
    """A ``size``×``size`` window at (x, y), above everything, filled with one colour at a time."""

    def __init__(self, display_name: str, x: int, y: int, size: int) -> None:
        self.x, self.y, self.size = x, y, size
        self._display = xlib_display.Display(display_name)
        screen = self._display.screen()
        self._window = screen.root.create_window(
            x, y, size, size, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
            background_pixel=screen.black_pixel, override_redirect=True)
        self._gc = self._window.create_gc(foreground=screen.black_pixel)
        self._window.map()
        self._window.configure(stack_mode=X.Above)
        self._display.sync()

    def paint(self, rgb: tuple[int, int, int]) -> float:
        """Fill with ``rgb``; return time.time() once the X server has applied it (after XSync)."""
        self._window.configure(stack_mode=X.Above)
        self._gc.change(foreground=_rgb_pixel(rgb))
        self._window.fill_rectangle(self._gc, 0, 0, self.size, self.size)
        self._display.sync()
        return time.time()

    def close(self) -> None:
        self._window.destroy()
        self._display.sync()
        self._display.close()

    def __enter__(self) -> MarkerWindow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def photographic_pixels(width: int, height: int, zoom: float = 1.0, drift: float = 0.0,
                        grain_channels: int = 3) -> np.ndarray:
    """A smooth colour field with grain, as BGRX bytes (height × width × 4, uint8).

    ``zoom`` magnifies the scene about the centre, grain included (it is the scene's fine
    texture, so it moves with it); ``drift`` shifts the green channel's phase (radians);
    ``grain_channels`` 3 gives each channel its own grain, 1 the same grain to all three.
    """
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    xx = (xx - width / 2) / zoom + width / 2
    yy = (yy - height / 2) / zoom + height / 2
    red = 128 + 100 * np.sin(xx / 89.0 + 0.8 * np.sin(yy / 131.0))
    green = 128 + 100 * np.sin(yy / 71.0 + 0.6 * np.cos(xx / 173.0) + drift)
    blue = 128 + 100 * np.sin((xx + yy) / 113.0)
    rng = np.random.default_rng(CONTENT_SEED)
    texture = rng.integers(-GRAIN_LEVELS, GRAIN_LEVELS + 1, (height, width, grain_channels))
    grain = texture if zoom == 1.0 else _bilinear(texture.astype(np.float32), yy[:, 0], xx[0])
    pixels = np.zeros((height, width, 4), dtype=np.uint8)
    pixels[..., :3] = np.clip(np.stack([blue, green, red], axis=-1) + grain, 0, 255).astype(np.uint8)
    return pixels


def _bilinear(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``image`` sampled at fractional (rows × cols) positions, as a camera's optics would:
    nearest-neighbour sampling would turn a smooth zoom into fresh noise every frame."""
    height, width = image.shape[:2]
    r0 = np.clip(np.floor(rows).astype(np.intp), 0, height - 2)
    c0 = np.clip(np.floor(cols).astype(np.intp), 0, width - 2)
    fr = np.clip(rows - r0, 0, 1)[:, None, None]
    fc = np.clip(cols - c0, 0, 1)[None, :, None]
    top = image[r0][:, c0] * (1 - fc) + image[r0][:, c0 + 1] * fc
    bottom = image[r0 + 1][:, c0] * (1 - fc) + image[r0 + 1][:, c0 + 1] * fc
    return top * (1 - fr) + bottom * fr


def video_frames(width: int, height: int) -> list[np.ndarray]:
    """The video workload's distinct frames (BGRX), in playing order before the ping-pong.

    The grain is monochrome: a video playing on the customer's screen was decoded from
    4:2:0, so its colour has no detail finer than 2×2 pixels; only its brightness does.
    """
    return [photographic_pixels(width, height, 1.0 + VIDEO_ZOOM_STEP * k, VIDEO_COLOUR_DRIFT * k, 1)
            for k in range(VIDEO_FRAMES)]


def ping_pong(k: int, count: int) -> int:
    """Index of repaint ``k`` in 0, 1 … count-1, count-2 … 1, 0, 1 …"""
    period = 2 * (count - 1)
    phase = k % period
    return phase if phase < count else period - phase


def best_match_mse(shown: np.ndarray, frames: list[np.ndarray], x: int, y: int, block: int) -> list[float]:
    """Per ``block``-px square of ``shown`` (RGB, taken at (x, y) of the screen): the mean squared
    error against whichever source frame it is closest to.

    A viewer may show a frame while the source has moved on, or half of one update over
    the rest of the previous (a client painting rects as they arrive): each block is scored
    against the frame it shows, so only the codec's loss counts.
    """
    height, width = shown.shape[:2]
    errors = []
    for top in range(0, height - block + 1, block):
        for left in range(0, width - block + 1, block):
            got = shown[top:top + block, left:left + block, :3].astype(np.float32)
            errors.append(min(
                float(np.mean((got - f[y + top:y + top + block, x + left:x + left + block, 2::-1]) ** 2))
                for f in frames))
    return errors


class FullScreenAnimator:
    """A screen-covering window repainted ``rate_hz`` times a second while started.

    Subclasses upload their pixmaps once (slow, pure-Python X protocol) and say
    what repaint ``k`` shows (``_paint``); each repaint is a single CopyArea done
    inside the X server, so the animator itself costs almost nothing and the
    repaint rate holds even while the stacks load both cores.
    """

    def __init__(self, display_name: str, width: int, height: int, rate_hz: float) -> None:
        self.width, self.height, self.rate_hz = width, height, rate_hz
        self.repaints = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._display = xlib_display.Display(display_name)
        screen = self._display.screen()
        self._depth = screen.root_depth
        self._window = screen.root.create_window(
            0, 0, width, height, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
            background_pixel=screen.black_pixel, override_redirect=True)
        self._gc = self._window.create_gc(foreground=screen.black_pixel)
        self._pixmaps: list[object] = []

    def _upload(self, pixels: np.ndarray) -> object:
        """A server-side pixmap holding ``pixels`` (BGRX), sent in PutImage-sized strips."""
        src_h, src_w = pixels.shape[:2]
        pixmap = self._window.create_pixmap(src_w, src_h, self._depth)
        rows = max(1, PUT_IMAGE_MAX_BYTES // (src_w * 4))
        for top in range(0, src_h, rows):
            strip = pixels[top:top + rows]
            pixmap.put_image(self._gc, 0, top, src_w, strip.shape[0], X.ZPixmap, self._depth, 0,
                             strip.tobytes())
        self._display.sync()
        self._pixmaps.append(pixmap)
        return pixmap

    def _paint(self, k: int) -> None:
        raise NotImplementedError

    def show(self) -> None:
        self._window.map()
        self._window.configure(stack_mode=X.Above)
        self._paint(0)
        self._display.sync()

    def hide(self) -> None:
        self._window.unmap()
        self._display.sync()

    def start(self) -> None:
        """Repaint on a steady clock in a thread (this Display is used by that thread only until stop())."""
        self._stop.clear()
        self.repaints = 0

        def run() -> None:
            period = 1.0 / self.rate_hz
            due = time.monotonic()
            k = 1
            while not self._stop.is_set():
                self._paint(k)
                self._display.sync()
                self.repaints += 1
                k += 1
                due += period
                self._stop.wait(max(0.0, due - time.monotonic()))

        self._thread = threading.Thread(target=run, name="bench-animator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def close(self) -> None:
        self.stop()
        for pixmap in self._pixmaps:
            pixmap.free()  # type: ignore[attr-defined]
        self._window.destroy()
        self._display.sync()
        self._display.close()

    def __enter__(self) -> FullScreenAnimator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class PanAnimator(FullScreenAnimator):
    """A diagonal pan over one photographic picture larger than the screen."""

    def __init__(self, display_name: str, width: int, height: int, rate_hz: float) -> None:
        super().__init__(display_name, width, height, rate_hz)
        self._pixmap = self._upload(photographic_pixels(width + PAN_MARGIN_PX, height + PAN_MARGIN_PX))

    def _paint(self, k: int) -> None:
        ox = (k * PAN_STEP_PX[0]) % PAN_MARGIN_PX
        oy = (k * PAN_STEP_PX[1]) % PAN_MARGIN_PX
        self._window.copy_area(self._gc, self._pixmap, ox, oy, self.width, self.height, 0, 0)


class VideoAnimator(FullScreenAnimator):
    """A ping-pong through VIDEO_FRAMES distinct screen-sized frames (``frames``, BGRX)."""

    def __init__(self, display_name: str, width: int, height: int, rate_hz: float) -> None:
        super().__init__(display_name, width, height, rate_hz)
        self.frames = video_frames(width, height)
        self._frame_pixmaps = [self._upload(frame) for frame in self.frames]

    def _paint(self, k: int) -> None:
        pixmap = self._frame_pixmaps[ping_pong(k, len(self._frame_pixmaps))]
        self._window.copy_area(self._gc, pixmap, 0, 0, self.width, self.height, 0, 0)


SCROLL_SCRIPT = '''"""Prints log-like lines at a fixed rate for a fixed time (bench/screen.py, scrolling)."""
import random, sys, time
duration, rate = float(sys.argv[1]), float(sys.argv[2])
words = ("request", "session", "agent", "relay", "frame", "update", "viewer", "ack", "copy", "png",
         "jpeg", "latency", "queue", "timeout", "ok", "200", "GET", "/api/command", "pid=4242", "user=carol")
rng = random.Random(7)
start = due = time.monotonic()
n = 0
while time.monotonic() - start < duration:
    n += 1
    line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 20)))
    sys.stdout.write(f"{n:6d} {line}\\n")
    sys.stdout.flush()
    due += 1.0 / rate
    time.sleep(max(0.0, due - time.monotonic()))
'''
