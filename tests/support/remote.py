"""Helpers for remote-desktop tests: a private Xvfb, X clients, the agent process, xdotool, a TCP cutter.

Everything started here is stopped by its context manager; every wait polls.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from Xlib.protocol.display import Display as XlibConnection

from tests.support.sessions import wait_for
from tests.support.xi2 import SecondSeat

SCREEN_W, SCREEN_H = 1280, 800
PROMPT_TITLE = "Lifeline: permission request"


@contextmanager
def xvfb(width: int = SCREEN_W, height: int = SCREEN_H, *options: str) -> Iterator[str]:
    """A 24-bit Xvfb on a display number it picks itself; ``-noreset`` keeps it up between clients.

    ``options`` go to Xvfb as they are (e.g. ``"-extension", "XFIXES"`` to run without XFIXES).
    """
    read_fd, write_fd = os.pipe()
    codes = _xlib_event_codes()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset",
         *options],
        pass_fds=[write_fd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        _restore_xlib_event_codes(codes)


#: python-xlib keeps ONE table of event codes for every connection of a process (the class attribute
#: ``Xlib.protocol.display.Display.event_classes``), and each connection writes its extensions' codes into it. X servers
#: with other extensions (``-extension XFIXES``) number events differently, so after a test on such a
#: server the next connection to a normal one failed ("'type' object does not support item assignment"
#: in RANDR's init). An agent talks to one X server, so only a test process meets this: each Xvfb puts
#: the table back as it found it when it stops.
XlibEventCodes = dict[int, object]


def _xlib_event_codes() -> XlibEventCodes:
    return {code: dict(entry) if isinstance(entry, dict) else entry
            for code, entry in XlibConnection.event_classes.items()}


def _restore_xlib_event_codes(codes: XlibEventCodes) -> None:
    XlibConnection.event_classes.clear()
    XlibConnection.event_classes.update(codes)


@contextmanager
def x_client(display: str, *argv: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "DISPLAY": display, "PS1": "$ ", "ENV": ""}
    proc = subprocess.Popen(list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def xdotool(display: str, *args: str, check: bool = True) -> str:
    done = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, text=True,
                          capture_output=True, timeout=20)
    if check and done.returncode != 0:
        raise AssertionError(f"xdotool {args} failed: {done.stderr}")
    return done.stdout.strip()


def find_window(display: str, title: str) -> str | None:
    out = xdotool(display, "search", "--name", f"^{title}$", check=False)
    return out.splitlines()[0] if out else None


def answer_prompt(display: str, allow: bool = True) -> None:
    """Answer the agent's Tk permission prompt the way a customer would: focus it, press a key."""
    window = wait_for(lambda: find_window(display, PROMPT_TITLE), "the agent's permission prompt")
    xdotool(display, "windowfocus", "--sync", window)
    xdotool(display, "key", "Return" if allow else "Escape")
    wait_for(lambda: find_window(display, PROMPT_TITLE) is None, "the prompt to close")


#: One line of ``xwininfo -tree``: the window id, then "WxH+x+y  +absX+absY" at the end.
_TREE_LINE = re.compile(r"^(?P<indent>\s+)(?P<id>0x[0-9a-f]+) .*\s(?P<w>\d+)x(?P<h>\d+)[+-]-?\d+[+-]-?\d+"
                        r"\s+\+(?P<x>-?\d+)\+(?P<y>-?\d+)$")
#: The prompt's buttons, left to right (``ui.py`` packs Allow at the right edge, Deny left of it).
PROMPT_BUTTONS = ("Deny", "Allow")


def click_prompt_button(display: str, label: str) -> None:
    """Click a button of the agent's Tk permission prompt with the mouse, as a customer would.

    Tk gives every widget its own X window but no name, so the buttons are
    found by shape: they are the innermost windows of the prompt (the label
    and the frame holding them are one level up), in ``PROMPT_BUTTONS`` order.
    """
    window = wait_for(lambda: find_window(display, PROMPT_TITLE), "the agent's permission prompt")
    tree = subprocess.run(["xwininfo", "-tree", "-id", window], env={**os.environ, "DISPLAY": display}, text=True,
                          capture_output=True, timeout=20, check=True).stdout
    found = [m for m in map(_TREE_LINE.match, tree.splitlines()) if m]
    deepest = max(len(m["indent"]) for m in found)
    buttons = sorted((m for m in found if len(m["indent"]) == deepest), key=lambda m: int(m["x"]))
    assert len(buttons) == len(PROMPT_BUTTONS), f"expected the prompt's two buttons in:\n{tree}"
    button = buttons[PROMPT_BUTTONS.index(label)]
    x, y = int(button["x"]) + int(button["w"]) // 2, int(button["y"]) + int(button["h"]) // 2
    xdotool(display, "mousemove", "--sync", str(x), str(y), "click", "1")
    wait_for(lambda: find_window(display, PROMPT_TITLE) is None, "the prompt to close")


def window_position(display: str, name: str) -> tuple[int, int]:
    out = subprocess.run(["xwininfo", "-name", name], env={**os.environ, "DISPLAY": display}, text=True,
                         capture_output=True, timeout=20, check=True).stdout
    values = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}
    return int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"])


@contextmanager
def agent(server_url: str, display: str, log_path: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`lifeline agent --server URL …` on ``display`` (the real Tk windows on that Xvfb)."""
    env = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1"}
    log = log_path.open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "lifeline", "agent", "--server", server_url, *args],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


class Cutter:
    """A TCP proxy on 127.0.0.1 whose ``cut()`` drops every connection it carries (a network loss)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._conns += [client, upstream]
                self.accepted += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.listener.close()
        self.cut()


# ===== ROOT WALLPAPER, KEY LOGGER, CUSTOMER ACTIVITY =====


def set_root_wallpaper(display: str, rgb: tuple[int, int, int]) -> int:
    """Publish a solid-colour pixmap as the root background the way Esetroot does; returns its id.

    The pixmap is made on a connection with close-down mode RetainPermanent,
    so it outlives that connection like a real wallpaper setter's.
    """
    from Xlib import X, Xatom
    from Xlib import display as xdisplay

    d = xdisplay.Display(display)
    try:
        screen = d.screen()
        root = screen.root
        pixmap = root.create_pixmap(SCREEN_W, SCREEN_H, screen.root_depth)
        pixel = screen.default_colormap.alloc_color(*(c * 257 for c in rgb)).pixel
        gc = pixmap.create_gc(foreground=pixel)
        pixmap.fill_rectangle(gc, 0, 0, SCREEN_W, SCREEN_H)
        root.change_attributes(background_pixmap=pixmap)
        for name in ("_XROOTPMAP_ID", "ESETROOT_PMAP_ID"):
            root.change_property(d.intern_atom(name), Xatom.PIXMAP, 32, [pixmap.id])
        root.clear_area()
        d.set_close_down_mode(X.RetainPermanent)
        d.sync()
        return int(pixmap.id)
    finally:
        d.close()


def root_wallpaper_property(display: str) -> int | None:
    from Xlib import X
    from Xlib import display as xdisplay

    d = xdisplay.Display(display)
    try:
        prop = d.screen().root.get_full_property(d.intern_atom("_XROOTPMAP_ID"), X.AnyPropertyType)
        return int(prop.value[0]) if prop is not None and len(prop.value) else None
    finally:
        d.close()


def screen_pixel(display: str, x: int, y: int) -> tuple[int, int, int]:
    """(R, G, B) of the X screen at (x, y)."""
    from lifeline.agent.capture.base import Monitor
    from lifeline.agent.capture.x11 import X11Capture

    with X11Capture(display) as capture:
        frame = capture.grab(Monitor(0, x, y, 1, 1))
    b, g, r = (int(v) for v in frame[0, 0, :3])
    return r, g, b


class KeyLogger:
    """A small X window that records the key presses and releases it receives (names for the ``watch``ed keysyms)."""

    def __init__(self, display: str, x: int, y: int, watch: tuple[str, ...], size: int = 200) -> None:
        from Xlib import XK, X
        from Xlib import display as xdisplay

        self._names = {XK.string_to_keysym(name): name for name in watch}

        self._d = xdisplay.Display(display)
        screen = self._d.screen()
        self.window = screen.root.create_window(x, y, size, size, 0, screen.root_depth, X.InputOutput,
                                                X.CopyFromParent, background_pixel=screen.white_pixel,
                                                override_redirect=True,
                                                event_mask=X.KeyPressMask | X.KeyReleaseMask | X.StructureNotifyMask)
        self.window.map()
        self._d.sync()
        self.events: list[tuple[str, str]] = []  # ("press" | "release", keysym name)

    def focus(self) -> None:
        from Xlib import X

        self.window.set_input_focus(X.RevertToPointerRoot, X.CurrentTime)
        self._d.sync()

    def drain(self) -> list[tuple[str, str]]:
        from Xlib import X

        while self._d.pending_events():
            event = self._d.next_event()
            if event.type in (X.KeyPress, X.KeyRelease):
                keysym = self._d.keycode_to_keysym(event.detail, 0)
                name = self._names.get(keysym, hex(keysym))
                self.events.append(("press" if event.type == X.KeyPress else "release", name))
        return self.events

    def close(self) -> None:
        self.window.destroy()
        self._d.close()


class CustomerJiggle:
    """The customer moving their own mouse, until ``stop()``; ``moves`` counts them.

    The mouse is a second seat's (tests/support/xi2.py): xdotool injects through the
    core XTest devices like the agent, which the agent counts as the technician.
    """

    def __init__(self, display: str, points: tuple[tuple[int, int], tuple[int, int]]) -> None:
        self._seat = SecondSeat(display)
        self._points = points
        self._stop = threading.Event()
        self.moves = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._seat.move(*self._points[self.moves % 2])
            self.moves += 1
            self._stop.wait(JIGGLE_PERIOD_S)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._seat.close()


#: The customer moves the mouse this often (s): well inside the agent's 1 s priority window.
JIGGLE_PERIOD_S = 0.1
