"""Where the browser goes after each sign-in step.

The sign-in pages carry `app` (admin or console) and an optional `next` path
from page to page in their query string; the server, not the page, turns a
stage into the next URL, so the flow has one definition. `next` is accepted
only as a path inside the chosen application (`/admin...` or `/console...`),
so a crafted link cannot turn the sign-in page into an open redirect.
"""

from __future__ import annotations

from urllib.parse import urlencode

from lifeline.services.auth import Stage
from lifeline.services.sign_in import App

APP_HOME = {App.ADMIN: "/admin", App.CONSOLE: "/console"}
STAGE_PAGE = {
    Stage.TOTP: "/login/totp",
    Stage.TOTP_ENROL: "/login/enrol",
    Stage.PASSWORD_CHANGE: "/login/password",
}


def parse_app(value: str | None) -> App:
    """Unknown or missing values mean the Administration Center, the default of /login."""
    try:
        return App(value or App.ADMIN)
    except ValueError:
        return App.ADMIN


def safe_return_path(app: App, requested: str | None) -> str:
    """`requested` if it is a plain path inside `app`, else the app's home page."""
    home = APP_HOME[app]
    if not requested or any(ch in requested for ch in "\\\r\n\t") or requested.startswith("//"):
        return home
    if requested == home or requested.startswith((home + "/", home + "?", home + "#")):
        return requested
    return home


def next_url(stage: str, app: App, requested: str | None = None) -> str:
    """The page for `stage`; for a full sign-in, the application (or the safe `next` path)."""
    target = safe_return_path(app, requested)
    page = STAGE_PAGE.get(stage)
    if page is None:
        return target
    query = {"app": app.value}
    if target != APP_HOME[app]:
        query["next"] = target
    return f"{page}?{urlencode(query)}"
