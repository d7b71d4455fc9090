"""`lifeline-agent` / `lifeline agent` / the downloaded zipapp: join a session and serve it.

    lifeline-agent --server https://help.example.com --pin 123456
    lifeline-agent https://help.example.com/join/<token>        (a session link)
    lifeline-agent https://help.example.com/channel/<token>     (a channel link)
    lifeline-agent --server … --lsid … --token …                 (what the zipapp is prefilled with)

Standard library only at this level (argparse, not typer): the zipapp runs on
a stock Python. The Tk windows run on the main thread; the session runs on
an asyncio loop in a second thread (``session.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from lifeline.protocol.messages import MAX_FPS, MIN_FPS

#: Compiled libraries the agent needs that a zipapp cannot carry (module -> pip name).
NATIVE_REQUIREMENTS = {"numpy": "numpy", "simplejpeg": "simplejpeg", "PIL": "pillow"}
#: Signals that end the agent cleanly (logout, `kill`): the session restores the wallpaper and releases keys.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
#: How long (s) the session thread gets to restore the desktop and close its socket on the way out.
SHUTDOWN_WAIT_S = 5.0


def missing_requirements() -> list[str]:
    return [pip for module, pip in NATIVE_REQUIREMENTS.items() if importlib.util.find_spec(module) is None]


def parse_args(argv: Sequence[str] | None, prefill: dict[str, str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lifeline-agent", description="Let a Lifeline technician help you.")
    parser.add_argument("link", nargs="?", help="a session link (…/join/…) or channel link (…/channel/…)")
    parser.add_argument("--server", default=prefill.get("server"), help="the Lifeline server's address")
    parser.add_argument("--pin", default=prefill.get("pin"), help="the 6-digit PIN your technician gave you")
    parser.add_argument("--name", default="", help="your name, for the technician")
    parser.add_argument("--lsid", default=prefill.get("lsid"), help=argparse.SUPPRESS)
    parser.add_argument("--token", default=prefill.get("token"), help=argparse.SUPPRESS)
    parser.add_argument("--display", default=os.environ.get("DISPLAY"), help="X display (default $DISPLAY)")
    parser.add_argument("--max-fps", type=_max_fps, default=None, metavar="N",
                        help=f"most screen updates a second while the screen keeps changing "
                             f"({MIN_FPS}..{MAX_FPS}; default a little over 30): lower spares this "
                             f"computer's CPU and the network")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def _max_fps(text: str) -> int:
    """``--max-fps``: the range a viewer's own ``max_fps`` hint may take (docs/protocol.md)."""
    value = int(text)
    if not MIN_FPS <= value <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"must be between {MIN_FPS} and {MAX_FPS}")
    return value


def main(argv: Sequence[str] | None = None, *, prefill: dict[str, Any] | None = None,
         archive: str | None = None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:], prefill or {})
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    missing = missing_requirements()
    if missing:
        print("The Lifeline agent needs these libraries first:\n"
              f"    {sys.executable} -m pip install --user {' '.join(missing)}", file=sys.stderr)
        return 2
    from lifeline.agent.hotkey import RevokeHotkey
    from lifeline.agent.join import Joined, JoinError, answer_terms, redeem_pin, redeem_url, session_state
    from lifeline.agent.session import AgentSession
    from lifeline.agent.ui import TkUI

    try:
        ui = TkUI()
    except Exception as exc:  # noqa: BLE001 - tkinter.TclError: no display; imported lazily with Tk itself
        print(f"The Lifeline agent needs your graphical desktop (X11): {exc}", file=sys.stderr)
        return 2
    try:
        if args.lsid and args.token and args.server:
            joined = Joined(args.server.rstrip("/"), args.lsid, args.token)
            state = session_state(joined)
        elif args.link:
            joined, state = redeem_url(args.link, args.name)
        else:
            if not args.server:
                print("Give --server with --pin, or a session link.", file=sys.stderr)
                return 2
            pin = args.pin or ui.ask_pin()
            if not pin:
                return 1
            joined, state = redeem_pin(args.server.rstrip("/"), pin, args.name)
        terms = state.get("terms")
        if terms:
            accepted = ui.terms(terms["text"], bool(terms["force_scroll"]))
            answer_terms(joined, accepted)
            if not accepted:
                _delete_self(archive)
                return 1
    except JoinError as exc:
        print(f"Could not join the session: {exc.message}", file=sys.stderr)
        return 1

    hotkeys: list[RevokeHotkey] = []
    session = AgentSession(
        joined, display=args.display, ask=ui.ask, show_status=ui.show_status,
        start_hotkey=lambda: hotkeys.append(RevokeHotkey(args.display, lambda: session.revoke_all("hotkey"))),
        max_fps=args.max_fps,
    )
    ui.set_revoke_handler(lambda: session.revoke_all("button"))
    outcome: dict[str, str] = {}

    def serve() -> None:
        outcome["why"] = asyncio.run(session.run())
        ui.quit()

    def on_signal(signum: int, _frame: object) -> None:
        session.stop(f"agent stopped ({signal.Signals(signum).name})")
        ui.quit()

    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, on_signal)
    thread = threading.Thread(target=serve, name="lifeline-session", daemon=True)
    thread.start()
    ui.run()
    if thread.is_alive():
        session.stop("closed by the customer")
        thread.join(timeout=SHUTDOWN_WAIT_S)
    for hotkey in hotkeys:
        hotkey.stop()
    print(f"Lifeline session ended: {outcome.get('why', 'closed')}")
    return 0


def _delete_self(archive: str | None) -> None:
    """A declined Terms page closes the agent and deletes the downloaded file (spec part1 §15)."""
    if archive and archive.endswith(".pyz") and os.path.isfile(archive):
        os.unlink(archive)


if __name__ == "__main__":
    sys.exit(main())
