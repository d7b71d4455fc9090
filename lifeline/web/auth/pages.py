"""The sign-in pages: /login, /login/totp, /login/enrol, /login/password.

Each page is a static template plus a small ES module under /static/auth/
that talks to /api/auth. The pages hold no state of their own: the stage
lives on the server-side session, and `/api/auth/me` tells a reloaded page
where the sign-in stands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.responses import Response

from lifeline.web.auth.navigation import APP_HOME, parse_app, safe_return_path
from lifeline.web.templating import templates

APP_TITLES = {"admin": "Administration Center", "console": "Technician Console"}
PAGES = {
    "/login": ("auth/login.html", "Sign in"),
    "/login/totp": ("auth/totp.html", "Two-step verification"),
    "/login/enrol": ("auth/enrol.html", "Set up two-step verification"),
    "/login/password": ("auth/password.html", "Change your password"),
}


def _page(template: str, heading: str) -> Callable[[Request], Awaitable[Response]]:
    async def render(request: Request) -> Response:
        app = parse_app(request.query_params.get("app"))
        return_path = safe_return_path(app, request.query_params.get("next"))
        return templates.TemplateResponse(
            request, template,
            {
                "app": app.value, "app_title": APP_TITLES[app.value], "heading": heading,
                "return_path": "" if return_path == APP_HOME[app] else return_path,
            },
            headers={"Cache-Control": "no-store"},
        )

    return render


def include_pages(app: FastAPI) -> None:
    for path, (template, heading) in PAGES.items():
        app.add_api_route(path, _page(template, heading), methods=["GET"], include_in_schema=False)
