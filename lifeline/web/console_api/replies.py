"""Predefined replies and URLs of the signed-in technician: /api/console/replies… and replies.xml."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.responses import Response

from lifeline.services.sessions import replies
from lifeline.store.sessions import PredefinedReply
from lifeline.web.console_api.routes import TechDep
from lifeline.web.deps import DbDep


class ReplyBody(BaseModel):
    kind: Literal["reply", "url"] = "reply"
    name: str
    content: str


def _row(reply: PredefinedReply) -> dict[str, Any]:
    return {"id": reply.id, "kind": reply.kind, "name": reply.name, "content": reply.content}


def include_routes(app: FastAPI) -> None:
    # console/replies -> lifeline.services.sessions.replies
    @app.get("/api/console/replies")
    async def list_all(t: TechDep, db: DbDep) -> dict[str, Any]:
        return {"replies": [_row(r) for r in await replies.list_replies(db, t.user.id)]}

    @app.post("/api/console/replies")
    async def add(body: ReplyBody, t: TechDep, db: DbDep) -> dict[str, Any]:
        return _row(await replies.do_add_reply(db, t.user.id, kind=body.kind, name=body.name, content=body.content))

    @app.put("/api/console/replies/{reply_id}")
    async def update(reply_id: int, body: ReplyBody, t: TechDep, db: DbDep) -> dict[str, Any]:
        reply = await replies.access_reply(db, t.user.id, reply_id)
        return _row(await replies.do_update_reply(db, reply, name=body.name, content=body.content))

    @app.delete("/api/console/replies/{reply_id}")
    async def delete(reply_id: int, t: TechDep, db: DbDep) -> dict[str, Any]:
        await replies.do_delete_reply(db, await replies.access_reply(db, t.user.id, reply_id))
        return {"ok": True}

    @app.get("/api/console/replies.xml")
    async def export(t: TechDep, db: DbDep) -> Response:
        body = replies.export_xml(await replies.list_replies(db, t.user.id))
        return Response(body, media_type="text/xml",
                        headers={"Content-Disposition": 'attachment; filename="replies.xml"'})

    @app.post("/api/console/replies.xml")
    async def import_xml(request: Request, t: TechDep, db: DbDep) -> dict[str, Any]:
        return {"imported": await replies.do_import_xml(db, t.user.id, await request.body())}
