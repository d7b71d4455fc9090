"""The agent as one downloadable file: a zipapp built by the server, session prefilled.

The customer runs it with a stock Python 3 (``python3 lifeline-agent.pyz``).
Honest limits, also on the download page and in docs/remote-desktop.md:

- vendored inside (pure Python, any platform): Lifeline's ``agent`` and
  ``protocol`` packages, ``websockets``, ``mss`` and ``python-xlib`` (+ ``six``);
- **not** vendorable (compiled per platform and Python version): numpy,
  simplejpeg and Pillow. The agent checks for them at start and prints the
  one command that installs them (``python3 -m pip install --user numpy
  simplejpeg pillow``); ``pip install "lifeline[agent]"`` installs everything.
- Tk (the consent windows) comes with python.org Pythons; on Debian/Ubuntu it
  is the ``python3-tk`` package.

The static part of the archive is built once per process; each download adds
a small ``lifeline_agent.json`` with the server URL and the session (PIN, or
lsid plus the customer's own token).
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import zipfile
from pathlib import Path

from fastapi import Request
from starlette.responses import Response

from lifeline.web.templating import templates

PREFILL_NAME = "lifeline_agent.json"
DOWNLOAD_NAME = "lifeline-agent.pyz"
#: Everything of ours the agent needs; protocol/session_events.py is server-only (pydantic).
OWN_FILES = ("lifeline/__init__.py", "lifeline/errors.py")
OWN_PACKAGES = ("lifeline/protocol", "lifeline/agent")
SERVER_ONLY = ("lifeline/protocol/session_events.py",)
#: Pure-Python third-party packages copied in (module name as imported).
VENDORED = ("websockets", "mss", "Xlib", "six")
MAIN = f'''"""Lifeline agent (zipapp). Run: python3 lifeline-agent.pyz"""
import json, os, sys, zipfile
from lifeline.agent.cli import main
with zipfile.ZipFile(os.path.dirname(os.path.abspath(__file__))) as archive:
    prefill = json.loads(archive.read("{PREFILL_NAME}")) if "{PREFILL_NAME}" in archive.namelist() else {{}}
sys.exit(main(None, prefill=prefill, archive=os.path.dirname(os.path.abspath(__file__))))
'''


def _package_root() -> Path:
    return Path(__file__).resolve().parents[3]


@functools.lru_cache(maxsize=1)
def base_archive() -> bytes:
    """The zipapp without the prefill file (cached: it only changes with the code)."""
    buffer = io.BytesIO()
    root = _package_root()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__main__.py", MAIN)
        for name in OWN_FILES:
            archive.write(root / name, name)
        for package in OWN_PACKAGES:
            for path in sorted((root / package).rglob("*.py")):
                rel = path.relative_to(root).as_posix()
                if rel not in SERVER_ONLY:
                    archive.write(path, rel)
        for module in VENDORED:
            spec = importlib.util.find_spec(module)
            if spec is None or spec.origin is None:
                continue
            origin = Path(spec.origin)
            if origin.name == "__init__.py":
                base = origin.parent.parent
                for path in sorted(origin.parent.rglob("*.py")):
                    archive.write(path, path.relative_to(base).as_posix())
            else:
                archive.write(origin, origin.name)
    return buffer.getvalue()


def build_agent(prefill: dict[str, str]) -> bytes:
    """The zipapp with ``prefill`` (server URL and session) inside."""
    buffer = io.BytesIO(base_archive())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PREFILL_NAME, json.dumps(prefill))
    return b"#!/usr/bin/env python3\n" + buffer.getvalue()


def _prefill(request: Request, *, lsid: str, token: str, pin: str) -> dict[str, str]:
    prefill = {"server": str(request.app.state.config.public_url)}
    if lsid and token:
        prefill.update(lsid=lsid, token=token)
    elif pin.isdigit():
        prefill["pin"] = pin
    return prefill


def download_agent(request: Request, *, lsid: str, token: str, pin: str) -> Response:
    data = build_agent(_prefill(request, lsid=lsid, token=token, pin=pin))
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{DOWNLOAD_NAME}"', "Cache-Control": "no-store"})


def agent_page(request: Request, *, lsid: str, token: str, pin: str) -> Response:
    query = f"lsid={lsid}&token={token}" if lsid and token else (f"pin={pin}" if pin.isdigit() else "")
    return templates.TemplateResponse(request, "relay/agent.html", {
        "download_url": "/agent/download" + (f"?{query}" if query else ""),
        "server": request.app.state.config.public_url, "pin": pin if pin.isdigit() else ""})
