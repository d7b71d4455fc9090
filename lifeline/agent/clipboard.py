"""X11 clipboard text, read and written with python-xlib (no xclip/xsel needed).

X has no clipboard *store*: the owner of the CLIPBOARD selection keeps the
data and answers each paste (ICCCM §2). So ``set_text`` takes ownership and
a daemon thread with its own display connection answers SelectionRequest
events until another client copies something (SelectionClear). ``get_text``
asks the current owner to convert the selection to UTF8_STRING (falling back
to STRING) into a property of a private window and reads it back.

Every copy sets the selection's owner again (even the same owner), and the
XFIXES extension reports that (SetSelectionOwnerNotify) to the same thread:
``poll_change`` converts the selection only after such a report, so the
capture loop may call it on every poll for free, and ``on_change`` wakes that
loop. Without XFIXES a change is never noticed (logged once).

Limits (labelled, not hidden): transfers that need the INCR protocol (texts
above the X request size, ~256 KB) are not read, and texts served are capped
at MAX_SERVE_BYTES; both log a warning. The group setting for clipboard
synchronisation (universal / per session, admin guide L4139) is policy for the
technician console, not for this module.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from Xlib import X, Xatom, display, error
from Xlib.ext import xfixes
from Xlib.protocol import event

from lifeline.agent.x11_events import XEventThread
from lifeline.errors import LifelineError

__all__ = ["ClipboardError", "X11Clipboard"]

log = logging.getLogger(__name__)

#: How long a paste waits for the selection owner (s). Owners answer in
#: milliseconds; a hung owner must not stall the agent's message loop.
CONVERT_TIMEOUT_S = 2.0
#: XFixesSetSelectionOwnerNotifyMask (xfixes protocol, SelectSelectionInput).
SET_SELECTION_OWNER_NOTIFY_MASK = 1
#: Largest text served in one property (bytes): below the core protocol's
#: 256 KB request limit minus headers, so no INCR transfer is needed.
MAX_SERVE_BYTES = 250_000
_TEXT_TARGETS = ("UTF8_STRING", "text/plain;charset=utf-8", "TEXT", "STRING")


class ClipboardError(LifelineError):
    """The X server could not be reached for clipboard access."""

    code = "clipboard_error"


class X11Clipboard:
    """Text clipboard of one X display; ``selection`` may be "CLIPBOARD" or "PRIMARY".

    >>> clip = X11Clipboard(":0")
    >>> clip.set_text("from the technician")
    >>> clip.get_text()
    'from the technician'
    >>> clip.close()
    """

    def __init__(self, display_name: str | None = None, selection: str = "CLIPBOARD",
                 on_change: Callable[[], None] = lambda: None) -> None:
        try:
            self._reader = display.Display(display_name)
            self._owner = display.Display(display_name)
        except (error.DisplayError, OSError) as exc:
            raise ClipboardError(f"cannot open X display {display_name or '$DISPLAY'}: {exc}") from exc
        self._selection = self._reader.intern_atom(selection)
        self._prop = self._reader.intern_atom("LIFELINE_SELECTION")
        self._reader_win = self._reader.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        self._owner_win = self._owner.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        self._atoms = {name: self._owner.intern_atom(name) for name in (*_TEXT_TARGETS, "TARGETS")}
        self._lock = threading.Lock()
        self._text: bytes | None = None
        self._last_seen: str | None = None
        self._on_change = on_change
        self._changed = True  # what was copied before we started counts as a change
        self._owner_notify_type: int | None = None
        if self._owner.has_extension("XFIXES"):
            self._owner.xfixes_query_version()
            xfixes_ext = self._owner.query_extension("XFIXES")
            assert xfixes_ext is not None  # has_extension said so
            first_event = xfixes_ext.first_event
            self._owner_notify_type = first_event + xfixes.XFixesSelectionNotify
            self._owner.xfixes_select_selection_input(self._owner.screen().root, self._selection,
                                                      SET_SELECTION_OWNER_NOTIFY_MASK)
            self._owner.sync()
        else:
            log.warning("no XFIXES extension: text copied on this desktop is not sent to the technician")
        self._thread = XEventThread(self._owner, self._handle, "lifeline-clipboard")

    # ===== PUBLIC METHODS =====

    def set_text(self, text: str) -> None:
        """Own the selection with ``text`` until another client copies something."""
        data = text.encode("utf-8")
        if len(data) > MAX_SERVE_BYTES:
            log.warning("clipboard text of %d bytes truncated to %d", len(data), MAX_SERVE_BYTES)
            data = data[:MAX_SERVE_BYTES].decode("utf-8", "ignore").encode("utf-8")
        with self._lock:
            self._text = data
            self._last_seen = data.decode("utf-8")
            self._owner_win.set_selection_owner(self._selection, X.CurrentTime)
            self._owner.flush()

    def get_text(self, timeout: float = CONVERT_TIMEOUT_S) -> str | None:
        """The selection's text, or None if nobody owns it or it is not text."""
        with self._lock:
            if self._text is not None:
                return self._text.decode("utf-8")
        if self._reader.get_selection_owner(self._selection) == X.NONE:
            return None
        for target in ("UTF8_STRING", "STRING"):
            text = self._convert(self._reader.intern_atom(target), timeout)
            if text is not None:
                return text
        return None

    def poll_change(self) -> str | None:
        """Text copied by someone else since the last call (or ``set_text``), else None.

        Talks to the X server only after the owner changed (free otherwise).
        """
        with self._lock:
            changed, self._changed = self._changed, False
        if not changed:
            return None
        text = self.get_text()
        if text is None or text == self._last_seen:
            return None
        self._last_seen = text
        return text

    def close(self) -> None:
        self._thread.stop()
        for d in (self._reader, self._owner):
            try:
                d.close()
            except (error.ConnectionClosedError, OSError):
                pass

    # ===== PRIVATE METHODS =====

    def _convert(self, target: int, timeout: float) -> str | None:
        self._reader_win.convert_selection(self._selection, target, self._prop, X.CurrentTime)
        self._reader.flush()
        deadline = time.monotonic() + timeout
        while True:
            while self._reader.pending_events():
                ev = self._reader.next_event()
                if ev.type == X.SelectionNotify and ev.requestor == self._reader_win:
                    return self._read_property(ev.property, target)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning("selection owner did not answer within %.1f s", timeout)
                return None
            select.select([self._reader.fileno()], [], [], remaining)

    def _read_property(self, prop: int, target: int) -> str | None:
        if prop == X.NONE:
            return None
        reply = self._reader_win.get_full_property(prop, X.AnyPropertyType)
        self._reader_win.delete_property(prop)
        if reply is None:
            return None
        if reply.property_type == self._reader.intern_atom("INCR"):
            log.warning("clipboard text too large (INCR transfer); not read")
            return None
        value = reply.value
        raw = value if isinstance(value, bytes) else bytes(value)
        return raw.decode("utf-8" if target != Xatom.STRING else "latin-1", "replace")

    def _handle(self, ev: Any) -> None:
        """Owner thread: note owner changes, answer paste requests for the text we own."""
        if ev.type == self._owner_notify_type:
            with self._lock:
                was, self._changed = self._changed, True
            if not was:
                self._on_change()
            return
        if ev.type == X.SelectionClear:
            with self._lock:
                self._text = None
            return
        if ev.type != X.SelectionRequest:
            return
        with self._lock:
            data = self._text
        prop = ev.property if ev.property != X.NONE else ev.target
        answered = X.NONE
        if data is not None:
            if ev.target == self._atoms["TARGETS"]:
                targets = [self._atoms[n] for n in ("TARGETS", *_TEXT_TARGETS)]
                ev.requestor.change_property(prop, Xatom.ATOM, 32, targets)
                answered = prop
            elif ev.target in (self._atoms[n] for n in _TEXT_TARGETS):
                payload = data
                if ev.target == self._atoms["STRING"]:
                    payload = data.decode("utf-8").encode("latin-1", "replace")
                ev.requestor.change_property(prop, ev.target, 8, payload)
                answered = prop
        reply = event.SelectionNotify(
            time=ev.time, requestor=ev.requestor, selection=ev.selection, target=ev.target, property=answered
        )
        ev.requestor.send_event(reply, event_mask=0)
        self._owner.flush()
