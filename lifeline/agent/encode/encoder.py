"""ScreenEncoder: ties capture frames, the plan passes, codecs and pacing together.

See docs/protocol.md. Call ``next_update(frame, damage)`` whenever the screen
may have changed (the capture loop wakes on X DAMAGE) or the ack window may
have reopened; ``damage`` lists the boxes that may differ since the previous
call (None: anywhere). It returns the bytes of one binary screen-update frame
to send, or None when there is nothing to send or the ack window is full.
Feed the viewer's control messages to ``handle_control``.

The encoder keeps the *reference* frame: what the viewer will have once it
has applied everything sent so far. Frames that arrive while the window is
full are not queued; their damage is remembered and the next update is the
difference between the newest frame and the reference inside it, so changes
coalesce.

Passes, in order (each timed at debug level):

    PASS 0  plan.dirty_cells      changed 64-px cells, inside the damaged boxes only
    PASS 1  copies.CopySearch     a vertical scroll (copies.find_scroll) or 2-D move
                                  (pans.find_pan) becomes one COPY; re-diff
    PASS 2  full-frame check      > FULL_FRAME_DIRTY_RATIO dirty: one image (VP8 when sustained)
    PASS 3  solid.rewrite_solid   single-colour cells become FILLs
    PASS 4  combine.combine       merge neighbours by cost
    PASS 5  crop.crop_to_changes  each image shrinks to its changed pixels
    PASS 6  choose + codecs       DEFLATE, PNG or JPEG per image rect, then framing
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from lifeline.agent.encode.choose import MotionRun, choose_encoding, link_too_slow_for_jpeg, should_use_video
from lifeline.agent.encode.codecs import jpeg, png, vp8
from lifeline.agent.encode.codecs.deflate import DeflateEncoder
from lifeline.agent.encode.constants import (
    CHANGE_RATE_SMOOTHING,
    FULL_FRAME_DIRTY_RATIO,
    LOSSLESS_REFRESH_AFTER_S,
    LOSSLESS_REFRESH_SLACK_S,
)
from lifeline.agent.encode.pacing import Pacer
from lifeline.agent.encode.passes.combine import combine
from lifeline.agent.encode.passes.copies import CopySearch, apply_copy, remaining_after_copy
from lifeline.agent.encode.passes.crop import crop_to_changes
from lifeline.agent.encode.passes.solid import rewrite_solid
from lifeline.agent.encode.plan import (
    Box,
    Frame,
    Op,
    OpKind,
    box_cells,
    cell_grid,
    cells_to_ops,
    covered_cells,
    dirty_cells,
)
from lifeline.protocol.encodings import Encoding
from lifeline.protocol.frames import FLAG_FULL, Rect, ScreenUpdate, build_frame
from lifeline.protocol.messages import Motion

__all__ = ["ScreenEncoder"]

log = logging.getLogger(__name__)

MS_PER_S = 1000.0
_MIN_INTERVAL_S = 1e-3  # floor for a change interval, so a burst cannot divide by zero


class _Timer:
    """Logs how long each pass took, like Guacamole's GUAC_DISPLAY_PLAN_END_PHASE."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._t = clock()

    def lap(self, name: str) -> None:
        now = self._clock()
        log.debug("encoder pass %-8s %.2f ms", name, (now - self._t) * MS_PER_S)
        self._t = now


class ScreenEncoder:
    """Turns successive BGRA frames into paced binary screen-update frames.

    >>> encoder = ScreenEncoder()
    >>> data = encoder.next_update(capture.grab(monitor))  # bytes or None
    >>> if data: await ws.send_bytes(data)
    >>> encoder.handle_control(message)  # ack / quality / refresh from the viewer
    """

    def __init__(
        self,
        pacer: Pacer | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.pacer = pacer or Pacer()
        self._clock = clock
        self._wall_clock = wall_clock
        self._reference: Frame | None = None
        self._seq = 0
        self._force_full = True
        self._last_change: npt.NDArray[np.float64] = np.zeros((0, 0))
        self._rate: npt.NDArray[np.float64] = np.zeros((0, 0))
        self._lossy_since: npt.NDArray[np.float64] = np.zeros((0, 0))
        #: Boxes that may differ from the reference since the last update; None: anywhere.
        self._pending: list[Box] | None = None
        self._deflate = DeflateEncoder()
        self._copies = CopySearch()
        #: The VP8 stream, once the viewer said it decodes VP8 (and PyAV is here).
        self._video: vp8.Vp8Encoder | None = None
        self._motion = MotionRun()
        #: The technician's motion choice (``quality`` message); AUTO: the link decides.
        self.motion_preference = Motion.AUTO
        #: The last full-frame update went out as VP8: the next one continues its stream.
        self._on_video = False
        #: Set by _plan: this update's full-frame image goes out as the next frame of this
        #: stream. Held apart from _video, which the viewer's messages may change meanwhile
        #: (handle_control runs on the event loop, next_update on the desktop thread).
        self._video_due: vp8.Vp8Encoder | None = None
        #: Summary of the last update sent, for stats and tests: encoding name -> rect count.
        self.last_update: dict[str, int] = {}

    # ===== PUBLIC METHODS =====

    def next_update(self, frame: Frame, damage: Sequence[Box] | None = None) -> bytes | None:
        """Encode the changes since the last update sent, if the pacer allows; else None.

        ``damage``: the boxes of ``frame`` that may have changed since the previous
        call (from X DAMAGE); None means anywhere (no damage tracking, a safety refresh).
        """
        self._note_damage(damage)
        now = self._clock()
        if not self.window_open(now) or not self.pacer.can_send(now):
            return None
        height, width = frame.shape[:2]
        timer = _Timer(self._clock)
        pending, self._pending = self._pending, []
        ops, full = self._plan(frame, pending, now, timer)
        if not ops:
            return None
        rects = self._encode(ops, frame, now)
        timer.lap("encode")
        self._seq += 1
        update = ScreenUpdate(self._seq, self._wall_clock() * MS_PER_S, width, height, tuple(rects),
                              FLAG_FULL if full else 0)
        data = build_frame(update)
        self.pacer.sent(self._seq, now, len(data))
        self._remember(frame, full, ops)
        self._force_full = False
        self.last_update = {}
        for rect in rects:
            name = Encoding(rect.encoding).name
            self.last_update[name] = self.last_update.get(name, 0) + 1
        log.debug("update seq=%d rects=%s bytes=%d", self._seq, self.last_update, len(data))
        return data

    def window_open(self, now: float | None = None) -> bool:
        """True when the ack window has room for an update.

        The capture loop asks before it grabs: a frame grabbed while the window is
        full would only be dropped, and the ack that opens it wakes the loop. (The
        viewer's fps cap is left to ``next_update``: no ack ends it.) Updates unacked
        for ACK_TIMEOUT_S are forgotten first (the next update is then FULL).
        """
        now = self._clock() if now is None else now
        if self.pacer.expire(now):
            log.info("screen acks timed out; next update is a full frame")
            self._force_full = True
        return self.pacer.window_open()

    @property
    def waiting(self) -> bool:
        """True when changes were noted (damage, a refresh) that no update has carried yet."""
        return self._pending is None or bool(self._pending) or self._force_full

    def ack(self, seq: int, draw_ms: int = 0) -> None:
        self.pacer.acked(seq, self._clock(), draw_ms / MS_PER_S)

    def request_refresh(self) -> None:
        """Send the whole screen next (viewer asked, or it was replaced)."""
        self._force_full = True

    def set_quality_hint(self, jpeg_quality: int | None = None, max_fps: int | None = None,
                         motion: str | None = None) -> None:
        """Apply a viewer's ``quality`` message; None means "adapt automatically"."""
        self.pacer.fixed_quality = jpeg_quality
        self.pacer.max_fps = max_fps
        self.motion_preference = Motion.AUTO if motion is None else Motion(motion)

    def reset(self) -> None:
        """Start over for a new viewer: nothing in flight, next update full."""
        self.pacer.reset()
        self._force_full = True

    @property
    def needs_full_frame(self) -> bool:
        """True when the next update will be FULL, so the caller must capture the whole screen."""
        return self._force_full or self._reference is None

    def handle_control(self, message: dict[str, Any]) -> bool:
        """Apply a validated ``ack``, ``quality`` or ``refresh`` message; False if not one of those."""
        kind = message.get("type")
        if kind == "ack":
            self.ack(message["seq"], message.get("draw_ms", 0))
        elif kind == "quality":
            self.set_quality_hint(message.get("jpeg_quality"), message.get("max_fps"), message.get("motion"))
        elif kind == "refresh":
            self.request_refresh()
        elif kind == "encodings":
            self.accept_encodings(message["encodings"])
        else:
            return False
        return True

    def accept_encodings(self, ids: Sequence[int]) -> None:
        """The viewer's ``encodings`` message: what it decodes beyond the baseline."""
        wants_video = Encoding.VP8 in ids and vp8.available()
        if wants_video and self._video is None:
            self._video = vp8.Vp8Encoder()
        elif not wants_video:
            self._video = None

    def offered_encodings(self) -> list[int]:
        """The encodings this viewer may receive beyond the baseline (the agent's ``encodings`` answer)."""
        return [Encoding.VP8] if self._video is not None else []

    @property
    def seq(self) -> int:
        """Sequence number of the last update produced."""
        return self._seq

    # ===== PRIVATE METHODS =====

    def _note_damage(self, damage: Sequence[Box] | None) -> None:
        if damage is None:
            self._pending = None
        elif self._pending is not None:
            self._pending.extend(damage)

    def _remember(self, frame: Frame, full: bool, ops: list[Op]) -> None:
        """Make the reference what the viewer now shows: the frame.

        A COPY was already applied to the reference while planning, and the FILLs
        and images cover every pixel that still differed, so only their boxes are
        copied: a keystroke no longer copies the whole 8 MB 1080p frame, and a
        terminal scroll copies its new line rather than the terminal.
        """
        reference = self._reference
        if full or reference is None or reference.shape != frame.shape:
            self._reference = np.array(frame, copy=True)
            return
        for op in ops:
            if op.kind is not OpKind.COPY:
                b = op.box
                reference[b.y : b.bottom, b.x : b.right] = frame[b.y : b.bottom, b.x : b.right]

    def _plan(self, frame: Frame, pending: list[Box] | None, now: float,
              timer: _Timer) -> tuple[list[Op], bool]:
        height, width = frame.shape[:2]
        reference = self._reference
        if self._force_full or reference is None or reference.shape != frame.shape:
            self._reset_cells(height, width)
            self._track(np.ones(cell_grid(height, width), dtype=bool), now)
            self._deflate.reset()  # the relay resumes a broken stream at a FULL update; so does DEFLATE
            self._motion.end()  # and VP8, with a key frame at the next run
            self._on_video = False
            return [Op(OpKind.IMAGE, Box(0, 0, width, height))], True
        mask = dirty_cells(reference, frame, pending)
        timer.lap("dirty")
        if not mask.any():
            return self._lossless_refresh(height, width, now), False
        self._track(mask, now)
        ops: list[Op] = []
        copy = self._copies.find(reference, frame, mask)
        if copy is not None:
            # In place: once this update is sent the reference must show the copy anyway.
            apply_copy(reference, copy)
            self._copy_lossy(copy)
            ops.append(copy)
            mask = remaining_after_copy(mask, reference, frame, copy)
        timer.lap("copies")
        if mask.mean() > FULL_FRAME_DIRTY_RATIO:
            # Not cropped: at this ratio the changed pixels span nearly the screen, and the
            # crop's full-screen diff cost ~1.7 ms per update of a moving picture.
            whole = Op(OpKind.IMAGE, Box(0, 0, width, height))
            self._video_due = self._video_for(self._motion.extend(now), height * width, now)
            return ([whole] if self._video_due else [*ops, whole]), False
        ops += rewrite_solid(cells_to_ops(mask, height, width), frame)
        timer.lap("solid")
        ops = combine(ops)
        timer.lap("combine")
        ops = crop_to_changes(ops, reference, frame)
        timer.lap("crop")
        return ops, False

    def _video_for(self, run: int, frame_px: int, now: float) -> vp8.Vp8Encoder | None:
        """The VP8 stream this full-frame update goes out on, or None for JPEG (should_use_video)."""
        video = self._video
        slow_link = link_too_slow_for_jpeg(self.pacer.link.bytes_per_s(now), frame_px, self._on_video)
        if video is None or not should_use_video(run, True, self.motion_preference, slow_link):
            self._on_video = False
            return None
        if not self._on_video:
            video.reset()  # every switch to VP8 (a new run, or the link turned slow) starts with a key frame
        self._on_video = True
        return video

    def _encode(self, ops: list[Op], frame: Frame, now: float) -> list[Rect]:
        if self._video_due is not None:
            video, self._video_due = self._video_due, None
            return [self._encode_video(video, frame, now)]
        rects: list[Rect] = []
        for op in ops:
            b = op.box
            if op.kind is OpKind.COPY:
                assert op.src is not None
                rects.append(Rect.copy(b.x, b.y, b.w, b.h, *op.src))
            elif op.kind is OpKind.FILL:
                assert op.rgb is not None
                rects.append(Rect.fill(b.x, b.y, b.w, b.h, op.rgb))
                self._lossy_since[covered_cells(b, *frame.shape[:2])] = np.nan
            else:
                region = frame[b.y : b.bottom, b.x : b.right]
                fps = float(self._rate[box_cells(b)].max())
                encoding = choose_encoding(region, fps, lossless=op.lossless)
                if encoding is Encoding.JPEG:
                    payload = jpeg.encode(region, self.pacer.jpeg_quality())
                    self._lossy_since[box_cells(b)] = now
                else:
                    lossless = self._deflate.encode if encoding is Encoding.DEFLATE else png.encode
                    payload = lossless(region)
                    self._lossy_since[covered_cells(b, *frame.shape[:2])] = np.nan
                rects.append(Rect(b.x, b.y, b.w, b.h, encoding, payload))
        return rects

    def _encode_video(self, video: vp8.Vp8Encoder, frame: Frame, now: float) -> Rect:
        """The whole frame as the next VP8 frame; lossy, so refreshed losslessly once still."""
        height, width = frame.shape[:2]
        payload = video.encode(frame, self.pacer.video_quantizer(video.quantizer))
        self._lossy_since[:] = now
        return Rect(0, 0, width, height, Encoding.VP8, payload)

    def _reset_cells(self, height: int, width: int) -> None:
        shape = cell_grid(height, width)
        self._last_change = np.full(shape, -np.inf)
        self._rate = np.zeros(shape)
        self._lossy_since = np.full(shape, np.nan)

    def _track(self, mask: npt.NDArray[np.bool_], now: float) -> None:
        """Update each dirty cell's smoothed change rate (updates per second)."""
        interval = np.maximum(now - self._last_change[mask], _MIN_INTERVAL_S)
        self._rate[mask] += CHANGE_RATE_SMOOTHING * (1.0 / interval - self._rate[mask])
        self._last_change[mask] = now

    def _copy_lossy(self, op: Op) -> None:
        """Copied pixels are as lossy as their source: carry the flags along."""
        assert op.src is not None
        source = Box(op.src[0], op.src[1], op.box.w, op.box.h)
        if np.isfinite(self._lossy_since[box_cells(source)]).any():
            self._lossy_since[box_cells(op.box)] = self._clock()

    def _lossless_refresh(self, height: int, width: int, now: float) -> list[Op]:
        """PNG ops for lossy cells that have been still long enough to deserve sharpness."""
        with np.errstate(invalid="ignore"):
            settled = (now - self._lossy_since) >= LOSSLESS_REFRESH_AFTER_S - LOSSLESS_REFRESH_SLACK_S
        if not settled.any():
            return []
        return combine(cells_to_ops(settled, height, width, lossless=True))
