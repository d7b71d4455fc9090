"""Predefined replies and URLs of a technician (spec part2 §3), with `replies.xml` import/export.

The file holds both kinds:

    <replies>
      <reply name="Greeting">Hello, how can I help?</reply>
      <url name="Speed test">https://speed.example/</url>
    </replies>

Import *adds* to the technician's list (the seed's merge, not replace).
Parsing uses lxml with entity resolution and network access off.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.errors import InvalidInput, NotFound
from lifeline.store.sessions import REPLY_NAME_MAX, PredefinedReply

KINDS = ("reply", "url")
CONTENT_MAX_CHARS = 4000
IMPORT_MAX_ITEMS = 1000
IMPORT_MAX_BYTES = 1_000_000


def _check(kind: str, name: str, content: str) -> tuple[str, str, str]:
    if kind not in KINDS:
        raise InvalidInput("kind must be reply or url.", field="kind")
    name, content = name.strip(), content.strip()
    if not name or len(name) > REPLY_NAME_MAX:
        raise InvalidInput(f"A name of 1 to {REPLY_NAME_MAX} characters is needed.", field="name")
    if not content or len(content) > CONTENT_MAX_CHARS:
        raise InvalidInput(f"Content of 1 to {CONTENT_MAX_CHARS} characters is needed.", field="content")
    return kind, name, content


async def list_replies(db: AsyncSession, owner_id: int) -> list[PredefinedReply]:
    return list(await db.scalars(
        select(PredefinedReply).where(PredefinedReply.owner_id == owner_id).order_by(PredefinedReply.id)
    ))


async def access_reply(db: AsyncSession, owner_id: int, reply_id: int) -> PredefinedReply:
    reply = await db.get(PredefinedReply, reply_id)
    if reply is None or reply.owner_id != owner_id:
        raise NotFound("Predefined reply not found.")
    return reply


async def do_add_reply(db: AsyncSession, owner_id: int, *, kind: str, name: str, content: str) -> PredefinedReply:
    kind, name, content = _check(kind, name, content)
    reply = PredefinedReply(owner_id=owner_id, kind=kind, name=name, content=content)
    db.add(reply)
    await db.commit()
    return reply


async def do_update_reply(db: AsyncSession, reply: PredefinedReply, *, name: str, content: str) -> PredefinedReply:
    _, reply.name, reply.content = _check(reply.kind, name, content)
    await db.commit()
    return reply


async def do_delete_reply(db: AsyncSession, reply: PredefinedReply) -> None:
    await db.delete(reply)
    await db.commit()


def export_xml(replies: list[PredefinedReply]) -> bytes:
    root = etree.Element("replies")
    for reply in replies:
        etree.SubElement(root, reply.kind, name=reply.name).text = reply.content
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def parse_xml(data: bytes) -> list[tuple[str, str, str]]:
    if len(data) > IMPORT_MAX_BYTES:
        raise InvalidInput("replies.xml is too large.", field="file")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"replies.xml is not valid XML: {exc}", field="file") from exc
    if root.tag != "replies":
        raise InvalidInput("replies.xml must have a <replies> root element.", field="file")
    items = [_check(el.tag, el.get("name", ""), el.text or "") for el in root if isinstance(el.tag, str)]
    if len(items) > IMPORT_MAX_ITEMS:
        raise InvalidInput(f"At most {IMPORT_MAX_ITEMS} items can be imported at once.", field="file")
    return items


async def do_import_xml(db: AsyncSession, owner_id: int, data: bytes) -> int:
    items = parse_xml(data)
    for kind, name, content in items:
        db.add(PredefinedReply(owner_id=owner_id, kind=kind, name=name, content=content))
    await db.commit()
    return len(items)
