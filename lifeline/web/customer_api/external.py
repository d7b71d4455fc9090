"""External technicians (spec part2 §10): redeem the one-time invitation, then follow and chat.

The invitation link (`{public_url}/external/{token}`, made by the console's
invite-external call) is redeemed with `POST /api/external/join {token}`: the
token is spent and an access token returned, which later calls send as
`X-External-Token` (and `?token=` on /ws/external/{lsid}, the live updates). They see the
chat, status and participants, never the notes or a transfer's comment. Redeeming is a POST, not the GET of the link itself, so a
mail scanner that fetches the link cannot spend the invitation; the page at the
link (Technician Console UI) posts the token. No sign-in: external technicians
have no account here, and the Administration Center's IP rules do not apply to
them (L4866-4867).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header
from pydantic import BaseModel, Field

from lifeline.services.sessions import chat, lifecycle, views
from lifeline.services.sessions.queue import access_session_for_external
from lifeline.services.sessions.records import SessionActor
from lifeline.store.sessions import SessionParticipant
from lifeline.web.deps import DbDep, ServicesDep


class JoinBody(BaseModel):
    token: str = Field(max_length=128)


class TextBody(BaseModel):
    text: str


def external_actor(p: SessionParticipant) -> SessionActor:
    return SessionActor("external", None, p.external_name or p.external_email or "External technician")


def include_routes(app: FastAPI) -> None:
    # external/join, external/sessions/{lsid} -> lifeline.services.sessions.lifecycle, chat
    @app.post("/api/external/join")
    async def join(body: JoinBody, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s, participant, access = await lifecycle.do_join_external(db, services.bus, body.token, now=services.now())
        return {"lsid": s.lsid, "participant_id": participant.id, "access_token": access,
                **(await views.session_detail(db, s, for_external=True))}

    @app.get("/api/external/sessions/{lsid}")
    async def detail(lsid: str, db: DbDep,
                     x_external_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s, _ = await access_session_for_external(db, lsid, x_external_token or "")
        return await views.session_detail(db, s, for_external=True)

    @app.post("/api/external/sessions/{lsid}/chat")
    async def send_chat(lsid: str, body: TextBody, db: DbDep, services: ServicesDep,
                        x_external_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        s, participant = await access_session_for_external(db, lsid, x_external_token or "")
        event_id = await chat.do_send_chat(db, services.bus, s, text=body.text, actor=external_actor(participant),
                                           technician=None, now=services.now())
        return {"event_id": event_id}
