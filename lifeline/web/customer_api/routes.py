"""Customer-facing JSON API: PIN / link / channel entry, Terms, chat, survey, state.

No sign-in: the entry call returns the session's `lsid` and a customer token;
every later call sends it as `X-Customer-Token` (or `?token=`). The channel
form may be posted from the company's own website, so it also answers at
/channel/{public_token}/start (allowed cross-origin by web/security.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from pydantic import BaseModel, Field

from lifeline.domain.session_state import CloseReason
from lifeline.services.sessions import chat, entry, lifecycle, surveys, views
from lifeline.services.sessions.entry import customer_actor
from lifeline.services.sessions.queue import access_session_for_customer
from lifeline.store.sessions import SupportSession
from lifeline.web.customer_api import external
from lifeline.web.deps import DbDep, ServicesDep, client_ip


class PinBody(BaseModel):
    pin: str = Field(max_length=32)
    name: str = Field(default="", max_length=128)


class LinkBody(BaseModel):
    token: str = Field(max_length=128)


class ChannelBody(BaseModel):
    name: str = ""
    fields: dict[int, str] = Field(default_factory=dict)
    tracking_id: str = ""
    form: bool = True
    instant_chat: bool = False


class TermsBody(BaseModel):
    accept: bool


class TextBody(BaseModel):
    text: str


class TypingBody(BaseModel):
    typing: bool = True


class SurveyBody(BaseModel):
    answers: dict[int, str | int]


def _token(header: str | None, query: str | None) -> str:
    return header or query or ""


async def _entered(db: Any, s: SupportSession, token: str) -> dict[str, Any]:
    return {"lsid": s.lsid, "token": token, "state": await views.customer_state(db, s)}


def include_routes(app: FastAPI) -> None:
    external.include_routes(app)  # external technicians: no sign-in either, a token per participant
    # customer/pin, link, channel -> lifeline.services.sessions.entry
    @app.post("/api/customer/pin")
    async def enter_pin(body: PinBody, request: Request, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s, token = await entry.do_redeem_pin(db, services.bus, pin=body.pin, name=body.name, ip=client_ip(request),
                                             now=services.now())
        return await _entered(db, s, token)

    @app.post("/api/customer/link")
    async def enter_link(body: LinkBody, request: Request, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s, token = await entry.do_redeem_link(db, services.bus, token=body.token, ip=client_ip(request),
                                              now=services.now())
        return await _entered(db, s, token)

    async def _channel(public_token: str, body: ChannelBody, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s, token = await entry.do_enter_channel(db, services.bus, public_token=public_token, name=body.name,
                                                fields=body.fields, tracking_id=body.tracking_id, form=body.form,
                                                instant_chat=body.instant_chat, now=services.now())
        return await _entered(db, s, token)

    app.add_api_route("/api/customer/channel/{public_token}", _channel, methods=["POST"])
    app.add_api_route("/channel/{public_token}/start", _channel, methods=["POST"])

    # customer/sessions/{lsid}/… -> lifecycle, chat, surveys
    async def session_of(db: DbDep, lsid: str, header: str | None, query: str | None) -> SupportSession:
        return await access_session_for_customer(db, lsid, _token(header, query))

    @app.get("/api/customer/sessions/{lsid}")
    async def state(lsid: str, db: DbDep, x_customer_token: Annotated[str | None, Header()] = None,
                    token: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        s = await session_of(db, lsid, x_customer_token, token)
        return {"last_event_id": await views.newest_event_id(db), **(await views.customer_state(db, s)),
                "history": (await views.session_detail(db, s, for_customer=True))["events"]}

    @app.post("/api/customer/sessions/{lsid}/terms")
    async def terms(lsid: str, body: TermsBody, db: DbDep, services: ServicesDep,
                    x_customer_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s = await session_of(db, lsid, x_customer_token, None)
        await lifecycle.do_answer_terms(db, services.bus, s, accept=body.accept, actor=customer_actor(s),
                                        now=services.now())
        return await views.customer_state(db, s)

    @app.post("/api/customer/sessions/{lsid}/chat")
    async def send_chat(lsid: str, body: TextBody, db: DbDep, services: ServicesDep,
                        x_customer_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s = await session_of(db, lsid, x_customer_token, None)
        event_id = await chat.do_send_chat(db, services.bus, s, text=body.text, actor=customer_actor(s),
                                           technician=None, now=services.now())
        return {"event_id": event_id}

    @app.post("/api/customer/sessions/{lsid}/typing")
    async def typing(lsid: str, body: TypingBody, db: DbDep, services: ServicesDep,
                     x_customer_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s = await session_of(db, lsid, x_customer_token, None)
        await chat.do_typing(services.bus, s, actor=customer_actor(s), typing=body.typing)
        return {"ok": True}

    @app.post("/api/customer/sessions/{lsid}/close")
    async def close(lsid: str, db: DbDep, services: ServicesDep,
                    x_customer_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s = await session_of(db, lsid, x_customer_token, None)
        await lifecycle.do_close(db, services.bus, s, reason=CloseReason.CUSTOMER, actor=customer_actor(s),
                                 now=services.now())
        return await views.customer_state(db, s)

    @app.post("/api/customer/sessions/{lsid}/survey")
    async def survey(lsid: str, body: SurveyBody, db: DbDep, services: ServicesDep,
                     x_customer_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s = await session_of(db, lsid, x_customer_token, None)
        await surveys.do_answer_survey(db, services.bus, s, kind="customer", answers=body.answers,
                                       actor=customer_actor(s), now=services.now())
        return {"ok": True}
