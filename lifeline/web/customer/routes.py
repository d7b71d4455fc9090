"""Serve the customer pages: PIN entry (/ and /pin), link landing (/join/{token}),
channel entry (/channel/{public_token}) and the browser session client (/session/{lsid}).

The pages carry no session data. Their ES modules (/static/customer/) redeem the
code or submit the form through the customer JSON API, keep the customer token
in the tab's sessionStorage and follow the session over /ws/customer/{lsid}.
Form labels come from the global custom-field names (part2 §5); everything
else a customer sees is fetched with their token. See docs/technician-console.md.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.responses import Response

from lifeline.services.settings import get_global_setting
from lifeline.web.deps import DbDep
from lifeline.web.templating import templates

FIELD_LABEL_KEYS = ("name_field_label", *(f"custom_field_{n}_label" for n in range(1, 6)))


async def pin_page(request: Request) -> Response:
    return templates.TemplateResponse(request, "customer/pin.html", {})


async def join_page(request: Request, token: str) -> Response:
    """The one-time link of a Link or Email session; join.js redeems it."""
    return templates.TemplateResponse(request, "customer/join.html", {"token": token})


async def channel_page(request: Request, public_token: str, db: DbDep) -> Response:
    """Channel link (name only) or, with ?form=1, the Custom Live Support Form (name + custom fields).

    ?chat=1 asks for Instant Chat whatever the channel's running mode.
    """
    labels = [str(await get_global_setting(db, key)) for key in FIELD_LABEL_KEYS]
    query = request.query_params
    return templates.TemplateResponse(request, "customer/channel.html", {
        "public_token": public_token, "labels": labels,
        "form": query.get("form") in ("1", "true"), "instant_chat": query.get("chat") in ("1", "true"),
    })


async def session_page(request: Request, lsid: str) -> Response:
    """The customer's session in the browser: T&C, waiting, Instant Chat, survey, end."""
    return templates.TemplateResponse(request, "customer/session.html", {"lsid": lsid})


def include_routes(app: FastAPI) -> None:
    app.add_api_route("/", pin_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/pin", pin_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/join/{token}", join_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/channel/{public_token}", channel_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/session/{lsid}", session_page, methods=["GET"], include_in_schema=False)
