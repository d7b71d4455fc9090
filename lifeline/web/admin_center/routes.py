"""Serve the Administration Center page at /admin.

The page itself holds no data: the ES modules under /static/admin/ read and
write everything through the JSON admin API (/api/admin/...), which is where
every permission is enforced. This handler only decides whether to show the
shell at all, so that an unauthenticated visitor lands on the sign-in page
instead of an empty workspace full of 401 errors. See docs/admin-center.md.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from starlette.responses import RedirectResponse, Response

from lifeline.domain.authorization import Action, may_use
from lifeline.domain.permissions import PERMISSIONS, PermissionDef
from lifeline.errors import NotAuthenticated
from lifeline.web.deps import DbDep, ServicesDep, signed_in
from lifeline.web.templating import templates

LOGIN_APP = "admin"  # /login?app=admin brings the user back here after signing in


def permission_catalog() -> list[dict[str, Any]]:
    """The 32 permissions as the Permissions panel draws them (labels, sub-options, defaults).

    The admin API returns a group's grants by key only; the labels and option
    definitions are static domain data, so the page carries them instead of
    asking for them on every group.
    """
    return [_permission_json(p) for p in PERMISSIONS]


def _permission_json(p: PermissionDef) -> dict[str, Any]:
    option = p.option
    return {
        "key": p.key, "number": p.number, "label": p.label, "description": p.description,
        "default_allowed": p.default_allowed,
        "option": None if option is None else {
            "name": option.name, "label": option.label, "kind": option.kind.value, "default": option.default,
            "choices": list(option.choices), "targets_choice": option.targets_choice,
            "target_types": sorted(t.value for t in option.target_types),
        },
    }


def script_json(data: object) -> str:
    """JSON safe inside a <script> element: no "</script>" can end it early."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def login_redirect(request: Request) -> RedirectResponse:
    """Send the browser to sign in; `next` lets the sign-in pages return to the exact admin URL."""
    target = f"/login?app={LOGIN_APP}&next={quote(request.url.path, safe='/')}"
    return RedirectResponse(target, status_code=303)


async def admin_center_page(request: Request, services: ServicesDep, db: DbDep) -> Response:
    """The whole Administration Center; tree and tabs are drawn by /static/admin/main.js.

    Only a full sign-in (password plus any second step) gets the page. Users
    who are signed in but may not use the Administration Center (technicians,
    Command-Center-only administrators) get a plain explanation, not a loop
    back to the sign-in page.
    """
    try:
        who = await signed_in(request, services, db)
    except NotAuthenticated:
        return login_redirect(request)
    allowed = may_use(who.actor, Action.USE_ADMIN_CENTER)
    return templates.TemplateResponse(
        request,
        "admin/center.html" if allowed else "admin/not_allowed.html",
        {"user_name": who.user.name, "user_email": who.user.email,
         "permission_catalog": script_json(permission_catalog()) if allowed else "[]"},
        status_code=200 if allowed else 403,
    )


def include_routes(app: FastAPI) -> None:
    """Register /admin (and /admin/ for people who type the slash)."""
    app.add_api_route("/admin", admin_center_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/admin/", admin_center_page, methods=["GET"], include_in_schema=False)
