"""Administration Center Sessions tab API (spec part1 §23): /api/admin/sessions…

Lists active and waiting sessions of a Technician Group, channel or
technician, and starts (assigns), transfers, holds, resumes or closes them.
Authorization: `Action.MANAGE_SESSIONS` on the session's group (for channel
sessions: on any group assigned to the channel), via services/access.py.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import select

from lifeline.domain.authorization import Action, decide, decide_for_any_group, may_use
from lifeline.domain.session_state import CloseReason, SessionStatus
from lifeline.domain.transfer_rules import TransferTarget, TransferTargetKind
from lifeline.errors import InvalidInput, NotFound, PermissionDenied
from lifeline.services.access import access_tech_group, access_technician
from lifeline.services.sessions import lifecycle
from lifeline.services.sessions.queue import SESSION_NOT_FOUND, channels_of_group
from lifeline.services.sessions.records import SessionActor, summary
from lifeline.services.settings import channel_group_ids
from lifeline.store.sessions import SupportSession
from lifeline.web.deps import DbDep, ServicesDep, SignedInDep

LISTED = (SessionStatus.WAITING.value, SessionStatus.ACTIVE.value, SessionStatus.ON_HOLD.value,
          SessionStatus.TRANSFERRING.value)


class StartBody(BaseModel):
    technician_id: int


class TargetBody(BaseModel):
    kind: Literal["technician", "tech_group", "channel"]
    id: int


class TransferBody(BaseModel):
    target: TargetBody
    comment: str = ""


async def _may_manage(db: Any, actor: Any, s: SupportSession) -> bool:
    if s.tech_group_id is not None and decide(actor, Action.MANAGE_SESSIONS, group_id=s.tech_group_id):
        return True
    if s.channel_id is not None:
        return decide_for_any_group(actor, Action.MANAGE_SESSIONS, await channel_group_ids(db, s.channel_id))
    return decide(actor, Action.MANAGE_SESSIONS, group_id=s.tech_group_id)


async def access_session_for_admin(db: Any, actor: Any, lsid: str) -> SupportSession:
    s = await db.scalar(select(SupportSession).where(SupportSession.lsid == lsid))
    if s is None:
        raise NotFound(SESSION_NOT_FOUND)
    if not await _may_manage(db, actor, s):
        raise NotFound(SESSION_NOT_FOUND)
    return s


def _admin(signed: Any) -> SessionActor:
    return SessionActor("admin", signed.user.id, signed.user.name)


def include_routes(app: FastAPI) -> None:
    # admin/sessions -> lifeline.web.session_admin.routes
    @app.get("/api/admin/sessions")
    async def list_sessions(signed: SignedInDep, db: DbDep, group: int | None = None, channel: int | None = None,
                            technician: int | None = None) -> dict[str, Any]:
        if not may_use(signed.actor, Action.MANAGE_SESSIONS):  # the group, channel or technician is checked below
            raise PermissionDenied("You do not have permission to do that.")
        query = select(SupportSession).where(SupportSession.status.in_(LISTED))
        if sum(x is not None for x in (group, channel, technician)) != 1:
            raise InvalidInput("Pick exactly one of group, channel or technician.", field="group")
        if group is not None:
            await access_tech_group(db, signed.actor, group, Action.MANAGE_SESSIONS)
            channels = await channels_of_group(db, group)
            query = query.where((SupportSession.tech_group_id == group) | SupportSession.channel_id.in_(channels))
        elif technician is not None:
            await access_technician(db, signed.actor, technician, Action.MANAGE_SESSIONS)
            query = query.where(SupportSession.technician_id == technician)
        else:
            assert channel is not None  # exactly one of the three is given
            if not decide_for_any_group(signed.actor, Action.MANAGE_SESSIONS, await channel_group_ids(db, channel)):
                raise NotFound(f"Channel {channel} not found.")
            query = query.where(SupportSession.channel_id == channel)
        rows = await db.scalars(query.order_by(SupportSession.created_at))
        return {"sessions": [summary(s) for s in rows]}

    @app.post("/api/admin/sessions/{lsid}/start")
    async def start(lsid: str, body: StartBody, signed: SignedInDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_admin(db, signed.actor, lsid)
        tech = await access_technician(db, signed.actor, body.technician_id, Action.MANAGE_SESSIONS)
        await lifecycle.do_start_for(db, services.bus, s, tech, actor=_admin(signed), now=services.now())
        return {"session": summary(s)}

    @app.post("/api/admin/sessions/{lsid}/transfer")
    async def transfer(lsid: str, body: TransferBody, signed: SignedInDep, db: DbDep,
                       services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_admin(db, signed.actor, lsid)
        await lifecycle.do_transfer(db, services.bus, s, TransferTarget(TransferTargetKind(body.target.kind), body.target.id),
                                    comment=body.comment, grants=None, actor=_admin(signed), now=services.now())
        return {"session": summary(s)}

    @app.post("/api/admin/sessions/{lsid}/hold")
    async def hold(lsid: str, signed: SignedInDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_admin(db, signed.actor, lsid)
        await lifecycle.do_hold(db, services.bus, s, None, hold=True, actor=_admin(signed), now=services.now())
        return {"session": summary(s)}

    @app.post("/api/admin/sessions/{lsid}/unhold")
    async def unhold(lsid: str, signed: SignedInDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_admin(db, signed.actor, lsid)
        await lifecycle.do_hold(db, services.bus, s, None, hold=False, actor=_admin(signed), now=services.now())
        return {"session": summary(s)}

    @app.post("/api/admin/sessions/{lsid}/close")
    async def close(lsid: str, signed: SignedInDep, db: DbDep, services: ServicesDep) -> dict[str, Any]:
        s = await access_session_for_admin(db, signed.actor, lsid)
        await lifecycle.do_close(db, services.bus, s, reason=CloseReason.ADMIN, actor=_admin(signed), now=services.now())
        return {"session": summary(s)}
