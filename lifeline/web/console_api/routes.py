"""Technician Console JSON API: /api/console/… (cookie sign-in + CSRF header).

Handlers are thin: parse, `access_session_for_technician`, `do_*`, respond.
Every call counts as console activity (presence). The full list with bodies
and answers is in docs/sessions.md ("HTTP API").
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import select

from lifeline.domain.session_state import CloseReason
from lifeline.domain.transfer_rules import TransferTarget, TransferTargetKind
from lifeline.errors import LifelineError
from lifeline.services.sessions import chat, entry, lifecycle, presence, surveys, views
from lifeline.services.sessions.config import load_permissions
from lifeline.services.sessions.queue import access_session_for_technician, list_queue, technician_scope
from lifeline.services.sessions.records import SessionActor, summary
from lifeline.store.org import Channel, TechGroup, User
from lifeline.web.deps import DbDep, ServicesDep, SignedIn, require_console_access, signed_in


async def technician(signed: Annotated[SignedIn, Depends(signed_in)], services: ServicesDep, db: DbDep) -> SignedIn:
    """Signed in with console rights; the request counts as console activity."""
    await require_console_access(db, signed.user, signed.actor, signed.ip)
    await presence.touch_activity(db, services.bus, signed.user, now=services.now())
    return signed


TechDep = Annotated[SignedIn, Depends(technician)]


def actor_of(user: User) -> SessionActor:
    return SessionActor("technician", user.id, user.name)


class CreateBody(BaseModel):
    method: Literal["pin", "link", "email", "sms"]
    name: str = ""
    fields: dict[int, str] = Field(default_factory=dict)
    tracking_id: str = ""
    email: str = ""
    phone: str = ""


class TextBody(BaseModel):
    text: str
    technicians_only: bool = False


class TypingBody(BaseModel):
    typing: bool = True


class FieldsBody(BaseModel):
    name: str | None = None
    fields: dict[int, str] = Field(default_factory=dict)
    tracking_id: str | None = None


class TargetBody(BaseModel):
    kind: Literal["technician", "tech_group", "channel"]
    id: int


class TransferBody(BaseModel):
    target: TargetBody
    comment: str = ""


class InviteBody(BaseModel):
    technician_id: int


class ExternalBody(BaseModel):
    email: str
    name: str = ""


class PresenceBody(BaseModel):
    status: Literal["available", "busy", "away", "offline"]


class SurveyBody(BaseModel):
    answers: dict[int, str | int]


def include_routes(app: FastAPI) -> None:
    # console/state, queue, presence -> lifeline.web.console_api.routes
    @app.get("/api/console/state")
    async def state(t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        newest = await views.newest_event_id(db)
        return {"last_event_id": newest, **(await views.console_state(db, t.user, services.now()))}

    @app.get("/api/console/queue")
    async def queue(t: TechDep, db: DbDep) -> dict[str, Any]:
        return {"sessions": [summary(s) for s in await list_queue(db, await technician_scope(db, t.user))]}

    @app.post("/api/console/presence")
    async def set_presence(body: PresenceBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        row = await presence.do_set_presence(db, services.bus, t.user, body.status, now=services.now())
        return {"status": row.status, "chosen_status": row.chosen_status}

    # console/sessions (create) -> entry
    @app.post("/api/console/sessions")
    async def create(body: CreateBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        made = await entry.do_create_private_session(
            db, services.bus, services.config, t.user, method=body.method, name=body.name, fields=body.fields,
            tracking_id=body.tracking_id, email=body.email, phone=body.phone, now=services.now())
        return {"session": summary(made.session), "pin": made.pin, "link": made.link, "mailto": made.mailto}

    # console/sessions/{lsid}/… -> lifecycle, chat, surveys
    @app.get("/api/console/sessions/{lsid}")
    async def detail(lsid: str, t: TechDep, db: DbDep) -> dict[str, Any]:
        return await views.session_detail(db, await access_session_for_technician(db, t.user, lsid))

    @app.post("/api/console/sessions/{lsid}/pickup")
    async def pick_up(lsid: str, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await lifecycle.do_pick_up(db, services.bus, s, t.user, now=services.now())
        return {"session": summary(s)}

    @app.post("/api/console/sessions/{lsid}/hold")
    async def hold(lsid: str, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await lifecycle.do_hold(db, services.bus, s, t.user, hold=True, actor=actor_of(t.user), now=services.now())
        return {"session": summary(s)}

    @app.post("/api/console/sessions/{lsid}/unhold")
    async def unhold(lsid: str, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await lifecycle.do_hold(db, services.bus, s, t.user, hold=False, actor=actor_of(t.user), now=services.now())
        return {"session": summary(s)}

    @app.post("/api/console/sessions/{lsid}/close")
    async def close(lsid: str, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await lifecycle.do_close(db, services.bus, s, reason=CloseReason.TECHNICIAN, actor=actor_of(t.user),
                                 now=services.now())
        return {"session": summary(s)}

    @app.post("/api/console/sessions/{lsid}/chat")
    async def send_chat(lsid: str, body: TextBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        event_id = await chat.do_send_chat(db, services.bus, s, text=body.text, actor=actor_of(t.user),
                                           technician=t.user, technicians_only=body.technicians_only,
                                           now=services.now())
        return {"event_id": event_id}

    @app.post("/api/console/sessions/{lsid}/typing")
    async def typing(lsid: str, body: TypingBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await chat.do_typing(services.bus, s, actor=actor_of(t.user), typing=body.typing)
        return {"ok": True}

    @app.post("/api/console/sessions/{lsid}/notes")
    async def add_note(lsid: str, body: TextBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await chat.do_add_note(db, services.bus, s, t.user, text=body.text, now=services.now())
        return {"notes": s.notes}

    @app.patch("/api/console/sessions/{lsid}/fields")
    async def edit_fields(lsid: str, body: FieldsBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await chat.do_edit_fields(db, services.bus, s, actor=actor_of(t.user), technician=t.user, name=body.name,
                                  fields=body.fields, tracking_id=body.tracking_id, now=services.now())
        return {"session": summary(s)}

    @app.get("/api/console/sessions/{lsid}/transfer-targets")
    async def transfer_targets(lsid: str, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        grants = await load_permissions(db, t.user.tech_group_id)
        found: dict[str, list[dict[str, Any]]] = {"technician": [], "tech_group": [], "channel": []}
        candidates = [("technician", u.id, u.name) for u in await db.scalars(
            select(User).where(User.tech_group_id.is_not(None), User.enabled.is_(True)).order_by(User.name))]
        candidates += [("tech_group", g.id, g.name) for g in await db.scalars(select(TechGroup).order_by(TechGroup.name))]
        candidates += [("channel", c.id, c.name) for c in await db.scalars(select(Channel).order_by(Channel.number))]
        for kind, target_id, name in candidates:
            try:
                await lifecycle.check_transfer_target(db, s, TransferTarget(TransferTargetKind(kind), target_id),
                                                      grants, now=services.now())
            except LifelineError as exc:  # each refusal is listed with its reason, not raised
                found[kind].append({"id": target_id, "name": name, "allowed": False, "reason": exc.message})
                continue
            found[kind].append({"id": target_id, "name": name, "allowed": True, "reason": None})
        return found

    @app.post("/api/console/sessions/{lsid}/transfer")
    async def transfer(lsid: str, body: TransferBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        grants = await load_permissions(db, t.user.tech_group_id)
        await lifecycle.do_transfer(db, services.bus, s, TransferTarget(TransferTargetKind(body.target.kind), body.target.id),
                                    comment=body.comment, grants=grants, actor=actor_of(t.user), now=services.now())
        return {"session": summary(s)}

    @app.get("/api/console/sessions/{lsid}/invite-targets")
    async def invite_targets(lsid: str, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        found = await lifecycle.invite_targets(db, s, t.user, now=services.now())
        return {"technicians": [{"id": u.id, "name": u.name, "tech_group_id": u.tech_group_id} for u in found]}

    @app.post("/api/console/sessions/{lsid}/invite")
    async def invite(lsid: str, body: InviteBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        p = await lifecycle.do_invite_collaborator(db, services.bus, s, t.user, body.technician_id, now=services.now())
        return {"participant_id": p.id}

    @app.post("/api/console/sessions/{lsid}/invite-external")
    async def invite_external(lsid: str, body: ExternalBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        p, token = await lifecycle.do_invite_external(db, services.bus, s, t.user, email=body.email, name=body.name,
                                                      now=services.now())
        return {"participant_id": p.id, "join_url": f"{services.config.public_url}/external/{token}", "token": token}

    @app.get("/api/console/sessions/{lsid}/survey")
    async def survey(lsid: str, t: TechDep, db: DbDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        return surveys.describe(await surveys.survey_for(db, s, "technician"), s)

    @app.post("/api/console/sessions/{lsid}/survey")
    async def answer_survey(lsid: str, body: SurveyBody, t: TechDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_technician(db, t.user, lsid)
        await surveys.do_answer_survey(db, services.bus, s, kind="technician", answers=body.answers,
                                       actor=actor_of(t.user), now=services.now())
        return {"ok": True}
