"""Every tuning value of the screen encoder: unit, reason, and what depends on it.

See docs/protocol.md ("Flow control") and spec/ecosystem.md §7 for the figures
measured on the reference VM (2 cores, Xvfb 1920x1080x24) that chose these.
No other encoder module may contain a bare tuning number.
"""

from __future__ import annotations

# ----- Planning grid -----------------------------------------------------------------

#: Side of a dirty-detection cell, in pixels. IMPORTANT: copies.py's row-hash
#: search and combine.py's cost model both count in cells of this size, and the
#: prototype's 64-px bands measured 2.0 ms / 1.4 KB for a typed character
#: (ecosystem §7c). Smaller cells cost more Python per frame; larger ones send
#: more unchanged pixels.
CELL_SIZE_PX = 64

#: Above this fraction of dirty cells (0..1) the encoder sends one full-frame
#: image instead of many rects: per-rect JPEG headers (~600 B each) overtake the
#: saving (ecosystem §16 gotcha 7: "fall back to a full frame above ~40 %").
FULL_FRAME_DIRTY_RATIO = 0.4

# ----- Combine cost model (combine.py), in pixel-equivalents ----------------------------

#: Fixed cost of one update (pixel-equivalents): header, decode call, draw call.
#: One 64x64 cell's worth, as in Guacamole's GUAC_DISPLAY_BASE_COST 4096, so two
#: dirty cells with one clean cell between them merge (same cost either way).
UPDATE_BASE_COST_PX = CELL_SIZE_PX * CELL_SIZE_PX

#: An increase in cost below 1/NEGLIGIBLE_INCREASE_DIVISOR of the separate cost
#: still merges: fewer, larger images decode faster in the browser
#: (Guacamole's GUAC_DISPLAY_NEGLIGIBLE_INCREASE 4).
NEGLIGIBLE_INCREASE_DIVISOR = 4

#: Largest merged image side, in pixels. Bounds the latency of one rect's
#: encode (simplejpeg ~4 ms per 1080p frame) so a merge never delays a small
#: urgent change behind a huge one.
MAX_COMBINED_SIDE_PX = 2048

# ----- Scroll/move detection (copies.py) ---------------------------------------------------

#: Fewest consecutive matching pixel rows (px) that justify a COPY: below one
#: text line (xterm's fixed font is 13 px) re-sending the strip is as cheap.
COPY_MIN_HEIGHT_PX = 16

#: Largest vertical shift searched (px); a scroll beyond this is treated as a
#: new screen. One terminal page of 1080p is ~1000 px.
COPY_MAX_SHIFT_PX = 1024

#: Minimum distinct row hashes that must vote for a shift (rows): blank rows
#: match everywhere and must not decide the shift on their own.
COPY_MIN_VOTES = 4

# ----- 2-D move detection (pans.py) ---------------------------------------------------------

#: Smallest COPY (px) a 2-D move becomes: four cells. Below it the search
#: (~2 ms for 1080p) costs more than re-encoding the cells it would save.
PAN_MIN_AREA_PX = 4 * CELL_SIZE_PX * CELL_SIZE_PX

#: A 2-D COPY must cover at least 1/PAN_MIN_COVER_DIVISOR of the dirty cells'
#: area. In a terminal printing lines, shifted blank space and repeated words
#: match by chance over whole blocks (~3 % of the dirty area in bench/screen.py's
#: scrolling workload); such copies split the images and sent 40 % more bytes.
#: A pan covers ~98 %, a dragged window over half of the area it damaged.
PAN_MIN_COVER_DIVISOR = 4

#: Shortest side (px) of a 2-D COPY and of the area searched, as for scrolls.
PAN_MIN_SIDE_PX = COPY_MIN_HEIGHT_PX

#: Best vertical shifts (count) taken from the row-profile comparison as
#: seeds. Two: a window moved over a static background gives a minimum at its
#: shift and one at 0 (the background). A third found no more moves in the
#: unit tests' pans and drags and made a failed search (video) ~15 % dearer.
PAN_CANDIDATES_PER_AXIS = 2

#: Largest move searched, per axis (px) between two captures (seeds; their
#: refinement may reach PAN_REFINE_PX further). A window dragged
#: or a picture panned moves tens of px per capture (bench/screen_x.py's pan:
#: 7x3 px per repaint, 28x12 at 15 captures/s); allowing up to half the screen
#: let noisy minima at tiny overlaps (~-420 px) crowd out the true seed.
PAN_MAX_SHIFT_PX = 256

#: Consecutive updates (count) that change most of the screen in which neither
#: move search found anything before both back off: on a playing video
#: (bench/screen_x.py's VideoAnimator) the 2-D search fails every frame at
#: ~7 ms for 1080p and the scroll search at ~1.5 ms. Three: a pan's
#: occasional miss (a frame grabbed as the picture jumped) must not stop the
#: search for 8 updates.
MOVE_MISSES_BEFORE_BACKOFF = 3

#: Once backed off, the move searches run on every MOVE_PROBE_INTERVAL-th such
#: update only (count), and each probe that finds nothing doubles the interval
#: up to MOVE_PROBE_INTERVAL_MAX: a pan, drag or scroll that starts right after
#: a short burst of change is picked up within ~0.25 s at 32 fps.
MOVE_PROBE_INTERVAL = 8

#: The longest interval between probes (count): a move that starts during a
#: long video is picked up within ~1 s at 32 fps, its frames sent meanwhile as
#: the video's were. Probing every 8th frame cost ~1 ms per 1080p video frame on
#: average (a probe ~8-12 ms), every 32nd ~0.3 ms (encoder alone, thread CPU:
#: 8.3-8.6 -> 7.5-7.7 ms per video update).
MOVE_PROBE_INTERVAL_MAX = 32

#: Recent distinct 2-D moves (count) the 2-D search tries before searching
#: (pans.find_pan's ``predicted``): bench/screen_x.py's 60 Hz pan captured at
#: 40-50 updates/s moves by one or two steps per update, so the last move
#: alone was right about half the time; with the last two ~90 %, and a
#: third covers a three-step gap. A wrong guess costs ~20 µs.
PAN_PREDICTIONS = 3

#: Most alternations (count) of a whole-columns dy and a whole-rows dx from one
#: seed (pans._converge): two found all of 60 random shifts (up to 255 px) of
#: bench/screen_x.py's picture, as did three or four; each costs ~0.6 ms for
#: 1080p, and a failed search (video) tries them on every seed.
PAN_CONVERGE_STEPS = 2

#: Reach (px, both axes) of the exact search around each seed shift: the
#: profiles of bench/screen_x.py's smooth picture put the seed up to 2-3 px
#: off along the diagonal. 49 shifts on PAN_SAMPLE_ROWS rows cost ~0.5 ms.
PAN_REFINE_PX = 3

#: Width (px) of the band of columns summed into the row profile (and of rows
#: into the column profile): the middle 512 px cost ~0.3 ms per 1080p frame
#: where whole rows cost 1.3 ms, and a move of up to ~1/8 of it (64 px between
#: two captures) still changes under a quarter of each sum.
PAN_PROFILE_BAND_PX = 512

#: Stride (rows) of the exact comparison that ranks candidate shifts: one row
#: in 16 is ~0.2 ms per candidate for 1080p and still counts thousands of pixels.
PAN_SAMPLE_ROW_STRIDE_PX = 16

#: A candidate shift under which at least 1/PAN_ACCEPT_DIVISOR of the sampled
#: pixels equal their source ends the search: each further candidate costs
#: ~0.5 ms for 1080p and a full pan matches nearly all of them.
PAN_ACCEPT_DIVISOR = 2

#: Whole pixel rows (count) compared at every horizontal shift to find dx for
#: one dy: enough that a row of flat background cannot decide on its own.
PAN_SAMPLE_ROWS = 4

# ----- Codec choice (choose.py) ----------------------------------------------------------

#: JPEG is considered only at or above this area (px): small JPEGs pay a
#: ~600 B header tax that PNG does not (Guacamole GUAC_DISPLAY_JPEG_MIN_BITMAP_SIZE).
JPEG_MIN_AREA_PX = 4096

#: A region changing at least this often (updates/s) goes JPEG even if it has
#: few colours: detail is not perceived at that rate (Guacamole's
#: GUAC_DISPLAY_JPEG_FRAMERATE 3).
JPEG_MIN_FPS = 3.0

#: Above this many distinct colours in a sample the region is "photographic"
#: and JPEG. xterm text with a bitmap font has 2-8; anti-aliased text in
#: desktop apps stays below ~200; photos have thousands.
PNG_MAX_COLOURS = 256

#: At or below this many distinct colours a region is flat text or UI and
#: always PNG, however fast it changes: bitmap text compresses ~10x better
#: losslessly than as JPEG, and JPEG ringing makes it unreadable.
PNG_ALWAYS_MAX_COLOURS = 16

#: Pixel stride (px, both axes) of the colour-count sample: 1/16 of the pixels
#: keeps the count under 0.5 ms for a 1080p frame of text or UI while still
#: seeing the gradients that mark photographic content. Large regions use a
#: wider stride (COLOUR_SAMPLE_MAX_PX).
COLOUR_SAMPLE_STRIDE_PX = 4

#: Most pixels (px) the colour-count sample may hold; larger regions widen the
#: stride to stay under it. np.unique costs ~0.2 µs per sampled pixel when most
#: are distinct: a photographic 1080p frame at stride 4 (130 K samples) took
#: 23 ms of a 40 ms encode, capping full-screen change near 20 fps
#: (bench/screen.py, docs/performance.md "Screen"). 16 K samples still show
#: thousands of colours in a photo, far above PNG_MAX_COLOURS, and regions up
#: to 512x512 keep the 1-in-16 sample.
COLOUR_SAMPLE_MAX_PX = 16_384

#: Stride (samples, both axes) of a first, sparser look at the colour-count
#: sample: when it alone shows more colours than any codec rule tells apart
#: (PNG_MAX_COLOURS, PALETTE_MAX_COLOURS), the full count cannot change a
#: decision and is skipped. A photographic 1080p frame's 16 K-sample count took
#: ~1.3 ms of each video update (bench/screen_cpu.py); its 1 K-sample probe ~0.1 ms.
COLOUR_PROBE_STRIDE = 4

#: Weight (0..1) of the newest interval in a cell's change-rate average: 0.5
#: reacts within two updates when a video starts or stops.
CHANGE_RATE_SMOOTHING = 0.5

#: A region sent lossy (JPEG) is re-sent lossless (PNG) once it has been still
#: for this many seconds, so settled text becomes sharp again.
LOSSLESS_REFRESH_AFTER_S = 1.0

#: How much sooner (s) than LOSSLESS_REFRESH_AFTER_S a region counts as still
#: when the encoder is asked. The capture loop's once-a-second tick is timed
#: from the start of the pass that sent the region, its lossy stamp from the
#: encode a few ms later, so the tick found it 0.99 s still and the refresh
#: waited a whole second more (bench/screen.py: a 4 MB whole-screen PNG, 0.3 s
#: of CPU, then landed in the measured full-screen workload).
LOSSLESS_REFRESH_SLACK_S = 0.1

# ----- DEFLATE codec (codecs/deflate.py, choose.py) ---------------------------------------

#: Most colours (count) sent as a palette: indices then fit one byte, and
#: TurboVNC found a 256-colour palette threshold matches Tight's best lossless
#: ratio at lower CPU (anchors §2.6). Regions with more colours go RGB or PNG.
PALETTE_MAX_COLOURS = 256

#: Largest rect (px) sent as DEFLATE rather than PNG. Below it PNG's ~60 B of
#: framing and fresh dictionary dominate (a typed character was ~400 B as a
#: PNG cell); above it the exact palette (np.unique with inverse, ~5 ms per
#: 64 K px on the 2-core VM) costs more than PNG's level-1 encode saves.
#: 128 K px covers a full-width 1080p strip of several text lines.
DEFLATE_MAX_AREA_PX = 128 * 1024

#: zlib level of the persistent stream. Palette-packed text is a few KB at
#: most per update, so level 6 costs microseconds; Tight's levels above ~5
#: buy nothing for up to 10x the CPU (anchors §2.6).
DEFLATE_LEVEL = 6

# ----- JPEG quality (codecs/jpeg.py, pacing.py) ------------------------------------------

#: JPEG quality (libjpeg scale 1-100) with a fast viewer: q70 gave 163 KB per
#: idle 1080p frame at 4.1 ms in the measurements (ecosystem §7a); text stays legible.
JPEG_QUALITY_MAX = 80
#: JPEG quality floor when the viewer lags: below ~30 blocking hides text.
JPEG_QUALITY_MIN = 30

#: PNG zlib level: 1 was 41 ms vs 6's ~4x more for a 1080p frame (ecosystem
#: §7a); the size difference on screen content is small.
PNG_COMPRESS_LEVEL = 1

# ----- Flow control (pacing.py) -----------------------------------------------------------

#: Frames in flight before the encoder stops sending and coalesces instead.
#: Two keeps the pipe busy across one round trip without building a queue
#: (Remotely's WaitForViewer, MeshCentral#4064).
MAX_UNACKED_FRAMES = 2

#: Round-trip time (ms) at or below which the viewer counts as keeping up.
LAG_GOOD_MS = 100

#: Round-trip time (ms) at which quality reaches JPEG_QUALITY_MIN. Guacamole
#: caps its lag compensation at 500 ms (GUAC_DISPLAY_MAX_LAG_COMPENSATION)
#: because beyond that the link, not the encoder, is the problem.
MAX_LAG_COMPENSATION_MS = 500

#: Weight (0..1) of the newest round-trip sample in the smoothed RTT
#: (TCP's SRTT uses 1/8; screens change faster, so react faster).
RTT_SMOOTHING = 0.25

#: An unacknowledged frame older than this (s) is presumed lost (viewer
#: reloaded, relay restarted): the window reopens and the next update is full.
ACK_TIMEOUT_S = 10.0

# ----- VP8 video for sustained large-area change (codecs/vp8.py, choose.py) -------------------

#: Consecutive full-frame-sized updates (count) before the encoder switches to VP8:
#: one repaint of most of the screen (a window opened, a page loaded) stays a JPEG;
#: from the second in a row it is motion (video, animation), where VP8's
#: inter-frame prediction sends ~0.2-0.4x a JPEG's bytes at equal PSNR
#: (docs/protocol.md "VP8").
VIDEO_MIN_RUN = 2

#: A gap (s) between two large updates longer than this ends the motion run: the
#: next large update starts over (JPEG first, then a VP8 key frame).
VIDEO_MAX_GAP_S = 0.5

#: JPEG bytes per screen pixel of a full-frame update of moving content: our JPEG
#: q80 4:2:0 sent ~240 KB per 1080p frame of bench/screen_x.py's photographic pan
#: (see VIDEO_QUANTIZER_BEST). With the screen's area it predicts how many JPEG full
#: frames per second a link of a measured delivery rate can carry.
VIDEO_JPEG_BYTES_PER_PX = 240_000 / (1920 * 1080)

#: Automatic motion mode uses VP8 only when the link (measured by pacing.LinkRate)
#: would carry fewer JPEG full frames per second than this. VP8 costs ~40 ms of agent
#: CPU per 1080p frame against ~5 ms for JPEG and saves only 0.62-0.86x of JPEG's
#: bytes at equal quality (bench/screen_codecs.py), so it pays only where the link,
#: not the encoder, caps the frame rate: below ~15 fps motion looks jerky, and VP8's
#: ~25 fps encode ceiling on one core still delivers more frames than JPEG there.
VIDEO_LINK_MAX_JPEG_FPS = 15.0

#: Hysteresis: once on VP8, the link must carry this many times VIDEO_LINK_MAX_JPEG_FPS
#: worth of JPEG before Automatic goes back to JPEG, so an estimate hovering at the
#: threshold does not flip codecs (each switch to VP8 costs a key frame).
VIDEO_LINK_HYSTERESIS = 1.5

#: Delivery-rate samples older than this (s) are forgotten. The estimate only
#: counts periods when the link was the limit; while VP8's smaller frames fit the
#: link there are none, so after this long the estimate lapses and the next large
#: update goes out as JPEG again: a re-probe that finds out whether the link got faster.
VIDEO_LINK_SAMPLE_MAX_AGE_S = 5.0

#: libvpx quantizer (0 best .. 63 worst) at JPEG_QUALITY_MAX. The encoder runs at a
#: constant quantizer (qmin = qmax) so the picture quality is a setting, not a
#: bitrate side effect. On bench/screen_x.py's photographic 1080p pan, 8 gave an
#: RGB PSNR of 32.7 dB at 84 KB per frame: JPEG q79 4:4:4 (x11vnc's Tight JPEG at
#: noVNC's default) gives 32.8 dB at 330 KB, our JPEG q80 4:2:0 32.5 dB at 240 KB;
#: 6 bought 0.3 dB for 1.7x the bytes and 30 % more CPU.
VIDEO_QUANTIZER_BEST = 8
#: libvpx quantizer at JPEG_QUALITY_MIN (a lagging viewer): blocky but ~10x fewer bytes.
VIDEO_QUANTIZER_WORST = 40
#: The quantizer only changes at a key frame (PyAV applies codec options when the
#: encoder opens), so the encoder restarts only when the pacer's quality has moved
#: the quantizer by at least this many steps.
VIDEO_QUANTIZER_RESTART_STEPS = 8

#: libvpx cpu-used in realtime mode: 8 was both faster (19 ms per 1080p frame on
#: one core) and smaller than 16 on photographic motion (measured for this codec).
VIDEO_CPU_USED = 8

#: libvpx threads. One: the agent's CPU per frame is what the bench compares with
#: x11vnc, and two threads cost 23 % more CPU for 17 % less wall time at 1080p;
#: more threads than usable cores made libvpx 6x slower (ecosystem §7b).
VIDEO_THREADS = 1
