"""`/api/client_script` (+ `.ns`): the Client Scripting API (spec api-command §6) mapped onto Lifeline.

Lifeline's Technician Console runs in the browser and runs no BRCS files, so
`type=rep&operation=generate` is refused with a 400 that says so. For
`type=web_console&operation=execute`, `generate_session_key` opens the
console's Create New Session dialog and `start_jump_item_session` opens the
console (unattended computers are reached from there). Validation follows the
spec (D-57, D-58, D-63): bad combinations answer 400 `text/plain`.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from lifeline.api.xml_response import CONNECTION_CLOSE_HEADERS

WEB_CONSOLE_ACTIONS = {
    "generate_session_key": "/console#create-session",
    "start_jump_item_session": "/console#computers",
}
KNOWN_ACTIONS = frozenset({
    "login", "generate_session_key", "push_and_start_local", "push_and_start_remote", "start_jump_item_session",
    "start_rdp_session", "start_vnc_session", "start_shell_jump_session", "start_vpro_session",
    "start_pinned_client_session",
})
JUMP_METHODS = frozenset({"push", "local_push", "pinned", "rdp", "vnc", "shelljump"})
BRCS_UNSUPPORTED = ("Lifeline's Technician Console runs in the browser and does not run BRCS scripts; "
                    "use type=web_console&operation=execute")


def _bad(message: str) -> Response:
    return PlainTextResponse(message, status_code=400, headers=dict(CONNECTION_CLOSE_HEADERS))


async def client_script_endpoint(request: Request) -> Response:
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        pairs += parse_qsl((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
    actions = [value for name, value in pairs if name == "action"]
    params = dict(pairs)
    if len(actions) != 1:
        return _bad("Exactly one action is required.")
    action, kind, operation = actions[0], params.get("type"), params.get("operation")
    if (kind, operation) not in (("rep", "generate"), ("web_console", "execute")):
        return _bad("type=rep needs operation=generate; type=web_console needs operation=execute.")
    if action not in KNOWN_ACTIONS:
        return _bad(f"Unknown action: {action}")
    if action == "start_jump_item_session":
        if not params.get("search_string") and not any(name.startswith("client.") for name in params):
            return _bad("start_jump_item_session needs search_string or a client.* parameter.")
        if "jump.method" in params and params["jump.method"] not in JUMP_METHODS:
            return _bad("Invalid jump.method.")
    if kind == "rep":
        return _bad(BRCS_UNSUPPORTED)
    target = WEB_CONSOLE_ACTIONS.get(action)
    if target is None:
        return _bad(f"type=web_console supports only {', '.join(WEB_CONSOLE_ACTIONS)}.")
    page = (f'<!doctype html><meta http-equiv="refresh" content="0; url={escape(target)}">'
            f'<title>Lifeline</title><p><a href="{escape(target)}">Open the Technician Console</a></p>')
    return HTMLResponse(page, headers=dict(CONNECTION_CLOSE_HEADERS))
