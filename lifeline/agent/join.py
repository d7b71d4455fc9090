"""Joining a session over the customer API with the standard library only (the zipapp has no httpx).

A PIN, a session link (``…/join/<token>``) or a channel link
(``…/channel/<public token>``) is redeemed once with ``/api/customer/…``;
the answer's ``lsid`` and customer token identify the session from then on,
for the Terms answer and for every (re)connection of the agent's websocket.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from lifeline.errors import LifelineError

TIMEOUT_S = 20.0


class JoinError(LifelineError):
    """The server refused (wrong or expired PIN, closed session) or could not be reached."""

    code = "join_error"


@dataclass(frozen=True)
class Joined:
    server: str
    lsid: str
    token: str


def _call(url: str, body: dict[str, Any] | None = None, token: str = "") -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Customer-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("message", exc.reason)
        except ValueError:
            message = exc.reason
        raise JoinError(str(message)) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise JoinError(f"cannot reach {url}: {exc}") from exc


def redeem_pin(server: str, pin: str, name: str = "") -> tuple[Joined, dict[str, Any]]:
    answer = _call(f"{server}/api/customer/pin", {"pin": pin, "name": name})
    return Joined(server, answer["lsid"], answer["token"]), answer["state"]


def redeem_url(url: str, name: str = "") -> tuple[Joined, dict[str, Any]]:
    """A session link or a channel link, as the customer received it."""
    parts = urllib.parse.urlsplit(url)
    server = f"{parts.scheme}://{parts.netloc}"
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[-2] == "join":
        answer = _call(f"{server}/api/customer/link", {"token": segments[-1]})
    elif len(segments) >= 2 and segments[-2] == "channel":
        answer = _call(f"{server}/api/customer/channel/{segments[-1]}", {"name": name, "form": False})
    else:
        raise JoinError(f"{url} is neither a session link (/join/…) nor a channel link (/channel/…)")
    return Joined(server, answer["lsid"], answer["token"]), answer["state"]


def session_state(joined: Joined) -> dict[str, Any]:
    return _call(f"{joined.server}/api/customer/sessions/{joined.lsid}", token=joined.token)


def answer_terms(joined: Joined, accept: bool) -> None:
    _call(f"{joined.server}/api/customer/sessions/{joined.lsid}/terms", {"accept": accept}, token=joined.token)
