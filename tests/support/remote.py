"""Helpers for remote-desktop tests: a private Xvfb, X clients, the agent process, xdotool, a TCP cutter.

Everything started here is stopped by its context manager; every wait polls.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.sessions import wait_for

SCREEN_W, SCREEN_H = 1280, 800
PROMPT_TITLE = "Lifeline: permission request"


@contextmanager
def xvfb(width: int = SCREEN_W, height: int = SCREEN_H) -> Iterator[str]:
    """A 24-bit Xvfb on a display number it picks itself; ``-noreset`` keeps it up between clients."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
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
