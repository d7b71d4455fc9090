"""Serve the Technician Console page at /console.

The page is an empty shell: the ES modules under /static/console/ load the
queue, sessions and permissions from the console JSON API and keep them
current over the /ws/console websocket. This handler only decides whether to
show the shell, so that a visitor who is not signed in lands on the sign-in
page instead of a console full of 401 errors. See docs/technician-console.md.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from starlette.responses import RedirectResponse, Response

from lifeline.domain.authorization import Action, may_use
from lifeline.errors import NotAuthenticated
from lifeline.web.console.config import console_config
from lifeline.web.deps import DbDep, ServicesDep, signed_in
from lifeline.web.templating import templates

LOGIN_APP = "console"  # /login?app=console brings the technician back here after signing in


def login_redirect(request: Request) -> RedirectResponse:
    target = f"/login?app={LOGIN_APP}&next={quote(request.url.path, safe='/')}"
    return RedirectResponse(target, status_code=303)


async def console_page(request: Request, services: ServicesDep, db: DbDep) -> Response:
    """The whole Technician Console; drawn by /static/console/main.js.

    Signed-in users without a technician seat (administrators only) get a
    plain explanation rather than a loop back to the sign-in page.
    """
    try:
        who = await signed_in(request, services, db)
    except NotAuthenticated:
        return login_redirect(request)
    context = {"user_name": who.user.name, "user_email": who.user.email, "user_id": who.user.id}
    if not may_use(who.actor, Action.USE_TECHNICIAN_CONSOLE):
        return templates.TemplateResponse(request, "console/not_allowed.html", context, status_code=403)
    context["config"] = await console_config(db, who.user, who.actor, services.config.public_url)
    return templates.TemplateResponse(request, "console/console.html", context)


async def external_page(request: Request, token: str) -> Response:
    """An external technician's one-time invitation link; external.js redeems it with a POST."""
    return templates.TemplateResponse(request, "console/external.html", {"token": token})


def include_routes(app: FastAPI) -> None:
    """Register /console (and /console/ for people who type the slash) and the external invitation page."""
    app.add_api_route("/console", console_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/console/", console_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/external/{token}", external_page, methods=["GET"], include_in_schema=False)
