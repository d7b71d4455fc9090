"""The agent's own windows (Tk): Terms, PIN entry, permission prompts and the session indicator.

Tk must run in the main thread, and the session runs on an asyncio loop in
another; ``TkUI.post`` hands work to Tk through a queue and wakes Tk with a
byte on a pipe that Tk watches (a Tcl file handler), and answers go back
through the callbacks the session gave. Polling the queue every 50 ms cost
20 wake-ups a second and ~0.5 % of a core, half of an idle agent's CPU with
a viewer connected; Tk on Windows has no file handlers, so it polls there.
The same pipe is Python's signal wake-up fd: Python runs signal handlers
(SIGTERM: stop the agent) only when the main thread returns from Tcl, which
the old poll did every 50 ms and now only a wake-up does.

Windows are titled so that people (and the end-to-end tests, with xdotool)
can find them: "Lifeline: permission request", "Lifeline: support session",
"Lifeline: Terms and Conditions". In the prompt, Allow has the keyboard focus
(Space or Enter answers it); the technician cannot press it, because no input
is injected before control consent.
"""

from __future__ import annotations

import os
import queue
import signal
import tkinter as tk
from collections.abc import Callable
from tkinter import simpledialog

#: Queue polling period (ms) where Tk cannot watch a pipe (Windows); also the Terms window's scroll check.
POLL_MS = 50
PROMPT_TITLE = "Lifeline: permission request"
INDICATOR_TITLE = "Lifeline: support session"
TERMS_TITLE = "Lifeline: Terms and Conditions"
WRAP_PX = 380


class TkUI:
    def __init__(self, app_name: str = "Lifeline") -> None:
        self.root = tk.Tk()
        self.root.withdraw()
        self.root.title(app_name)
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._indicator: tk.Toplevel | None = None
        self._status: tk.Label | None = None
        self._on_revoke: Callable[[], None] = lambda: None
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._polled = not hasattr(self.root.tk, "createfilehandler")
        if self._polled:
            self.root.after(POLL_MS, self._drain)
        else:
            os.set_blocking(self._wake_r, False)
            self.root.tk.createfilehandler(self._wake_r, tk.READABLE, self._woken)
            signal.set_wakeup_fd(self._wake_w)

    # ===== CALLED FROM ANY THREAD =====

    def post(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)
        if not self._polled:
            try:
                os.write(self._wake_w, b"\0")
            except BlockingIOError:
                pass  # the pipe is full of wake-ups Tk has not read yet: it will drain the queue

    def ask(self, text: str, on_answer: Callable[[bool], None]) -> None:
        self.post(lambda: self._prompt(text, on_answer))

    def show_status(self, text: str) -> None:
        self.post(lambda: self._show_indicator(text))

    def quit(self) -> None:
        self.post(self.root.quit)

    # ===== MAIN THREAD =====

    def set_revoke_handler(self, handler: Callable[[], None]) -> None:
        self._on_revoke = handler

    def run(self) -> None:
        self.root.mainloop()
        self.root.destroy()

    def ask_pin(self) -> str | None:
        return simpledialog.askstring("Lifeline", "Enter the PIN your technician gave you:", parent=self.root)

    def terms(self, text: str, force_scroll: bool) -> bool:
        """Modal Terms and Conditions; True when accepted."""
        window = tk.Toplevel(self.root)
        window.title(TERMS_TITLE)
        answer = {"accept": False}
        body = tk.Text(window, wrap="word", width=70, height=20)
        body.insert("1.0", text)
        body.configure(state="disabled")
        body.pack(fill="both", expand=True, padx=8, pady=8)
        buttons = tk.Frame(window)
        buttons.pack(fill="x", padx=8, pady=(0, 8))

        def close(accept: bool) -> None:
            answer["accept"] = accept
            window.destroy()

        accept = tk.Button(buttons, text="Accept", command=lambda: close(True))
        accept.pack(side="right")
        tk.Button(buttons, text="Decline", command=lambda: close(False)).pack(side="right", padx=8)
        if force_scroll:
            accept.configure(state="disabled")

            def check_scrolled(*_: object) -> None:
                if body.yview()[1] >= 1.0:
                    accept.configure(state="normal")

            body.configure(yscrollcommand=lambda *_: check_scrolled())
            window.after(POLL_MS, check_scrolled)
        accept.focus_force()
        window.protocol("WM_DELETE_WINDOW", lambda: close(False))
        self.root.wait_window(window)
        return answer["accept"]

    def _woken(self, _fd: int, _mask: int) -> None:
        try:
            os.read(self._wake_r, 4096)
        except BlockingIOError:
            pass
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            job()
        if self._polled:
            self.root.after(POLL_MS, self._drain)

    def _prompt(self, text: str, on_answer: Callable[[bool], None]) -> None:
        window = tk.Toplevel(self.root)
        window.title(PROMPT_TITLE)
        window.attributes("-topmost", True)
        tk.Label(window, text=text, wraplength=WRAP_PX, justify="left").pack(padx=12, pady=12)
        row = tk.Frame(window)
        row.pack(fill="x", padx=12, pady=(0, 12))
        answered = {"done": False}

        def answer(value: bool) -> None:
            if not answered["done"]:
                answered["done"] = True
                window.destroy()
                on_answer(value)

        allow = tk.Button(row, text="Allow", command=lambda: answer(True))
        allow.pack(side="right")
        tk.Button(row, text="Deny", command=lambda: answer(False)).pack(side="right", padx=8)
        window.bind("<Return>", lambda _e: answer(True))
        window.bind("<Escape>", lambda _e: answer(False))
        window.protocol("WM_DELETE_WINDOW", lambda: answer(False))
        window.geometry("+200+200")
        window.update_idletasks()
        allow.focus_force()

    def _show_indicator(self, text: str) -> None:
        if self._indicator is None:
            window = tk.Toplevel(self.root)
            window.title(INDICATOR_TITLE)
            window.attributes("-topmost", True)
            window.protocol("WM_DELETE_WINDOW", lambda: None)  # closing it would hide the revoke button
            self._status = tk.Label(window, text=text, wraplength=WRAP_PX - 80, justify="left")
            self._status.pack(side="left", padx=8, pady=6)
            tk.Button(window, text="Revoke all (Pause/Break)", fg="white", bg="#b00020",
                      command=lambda: self._on_revoke()).pack(side="right", padx=8, pady=6)
            width, height = window.winfo_screenwidth(), window.winfo_screenheight()
            window.geometry(f"+{max(0, width - 520)}+{max(0, height - 90)}")
            self._indicator = window
        elif self._status is not None:
            self._status.configure(text=text)
