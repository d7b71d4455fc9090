"""`/api/start_session` (+ `.ns`), the session-key acceptance form, and `/api/start_session.js` (spec §7–§9).

Lifeline's customer client is its customer pages (browser session, agent
download), so a successful start is a redirect to them rather than a client
download; the session's LSID travels in `X-BT-LSID` (D-27):

- `short_key` (7 digits from `generate_session_key`) → the key's one-time link
  `/join/<token>`, which the customer page redeems like any Lifeline link;
  `session.custom.*` given with it are stored on the session (configured code
  names only, D-12; over-long values → 400).
- `issue_menu=1` with `codeName` (channel code name) or `id` (channel id) →
  the channel's entry page `/channel/<public token>` (`c2cjs=1` adds `chat=1`).
- `id` + `name` (a named technician) → 404: Lifeline only connects customers
  to a particular technician through that technician's PIN or link.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from lifeline.api.bearer import services_of
from lifeline.api.command_params import (
    CUSTOM_ATTRIBUTE_MAX_CHARS,
    CUSTOM_ATTRIBUTES_MAX_BYTES,
    CUSTOM_PREFIX,
    collect_params,
)
from lifeline.api.token_endpoint import form_pairs
from lifeline.api.xml_response import CONNECTION_CLOSE_HEADERS, E11_ISSUE_NOT_FOUND, E19_INVALID_SESSION_KEY
from lifeline.services.integration import attributes, directory, short_keys
from lifeline.services.sessions.records import commit
from lifeline.store.org import Channel

START_SESSION_JS = Path(__file__).with_name("static") / "start_session.js"
REP_START_UNSUPPORTED = "Lifeline connects a customer to a named technician only through that technician's code"


def _page(status: int, message: str) -> HTMLResponse:
    body = f"<!doctype html><title>Lifeline</title><p>{message}</p>"
    return HTMLResponse(body, status_code=status, headers=dict(CONNECTION_CLOSE_HEADERS))


def _attributes(params: dict[str, str], configured: frozenset[str]) -> dict[str, str] | None:
    """Configured attributes of the request; `None` if a value breaks the size limits (→ 400, D-12)."""
    values: dict[str, str] = {}
    total = 0
    for name, value in params.items():
        if not name.startswith(CUSTOM_PREFIX):
            continue
        code = name[len(CUSTOM_PREFIX):]
        if len(value) > CUSTOM_ATTRIBUTE_MAX_CHARS:
            return None
        total += len(value.encode("utf-8"))
        if code == attributes.EXTERNAL_KEY or code in configured:
            values[code] = value
    return None if total > CUSTOM_ATTRIBUTES_MAX_BYTES else values


async def start_session_endpoint(request: Request) -> Response:
    services = services_of(request)
    params = collect_params(request.query_params.multi_items(), await form_pairs(request))
    if "external_key" in params and f"{CUSTOM_PREFIX}external_key" not in params:  # legacy alias (D-67)
        params[f"{CUSTOM_PREFIX}external_key"] = params["external_key"]
    async with services.db.session() as db:
        now = services.now()
        if "short_key" in params:
            found = await short_keys.link_for_short_key(db, params["short_key"].strip(), now)
            if found is None:
                return _page(404, E19_INVALID_SESSION_KEY.render())
            s, token = found
            values = _attributes(params, await attributes.configured_codes(db))
            if values is None:
                return _page(400, "A session attribute is longer than allowed.")
            if attributes.EXTERNAL_KEY in values:
                s.tracking_id = values[attributes.EXTERNAL_KEY][:256]
            await attributes.write_values(db, services.bus, s, values, now=now)
            await commit(db)
            return RedirectResponse(f"/join/{quote(token)}", status_code=302,
                                    headers={"X-BT-LSID": s.lsid, **CONNECTION_CLOSE_HEADERS})
        if params.get("issue_menu") == "1":
            channel = None
            if params.get("codeName"):
                channel = await db.run_sync(directory.channel_by_code, params["codeName"])
            elif params.get("id", "").isdigit():
                channel = await db.scalar(select(Channel).where(Channel.id == int(params["id"])))
            if channel is None:
                return _page(404, E11_ISSUE_NOT_FOUND.render())
            chat = "?chat=1" if params.get("c2cjs") == "1" else ""
            return RedirectResponse(f"/channel/{quote(channel.public_token)}{chat}", status_code=302,
                                    headers=dict(CONNECTION_CLOSE_HEADERS))
    if "id" in params:
        return _page(404, REP_START_UNSUPPORTED)
    return _page(400, "Give short_key, or issue_menu=1 with codeName or id.")


async def start_session_js(request: Request) -> Response:
    return Response(START_SESSION_JS.read_bytes(), media_type="application/javascript; charset=UTF-8",
                    headers=dict(CONNECTION_CLOSE_HEADERS))
