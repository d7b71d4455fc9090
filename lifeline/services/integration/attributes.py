"""Custom session attributes of the integration APIs: definitions and per-session values (spec §2.7, §5.9).

`external_key` is built in; other code names must be configured first
(`do_define_attribute`). Values live in `api_session_attributes`; an empty
value is the same as no value (D-45), so clearing deletes the row.
Changing values publishes `api.session.<lsid>` so the real-time model's
`support_session_attribute` rows follow at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.errors import Conflict, InvalidInput, NotFound
from lifeline.services.access import require
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.events import publish_on_commit
from lifeline.store.api_accounts import API_NAME_MAX, CODE_NAME_MAX, ApiCustomAttribute, ApiSessionAttribute
from lifeline.store.sessions import SupportSession

EXTERNAL_KEY = "external_key"
EXTERNAL_KEY_DISPLAY_NAME = "External Key"
_CODE_NAME = re.compile(rf"[a-z0-9_]{{1,{CODE_NAME_MAX}}}")


def attribute_subject(lsid: str) -> str:
    return f"api.session.{lsid}"


async def definitions(db: AsyncSession) -> list[ApiCustomAttribute]:
    return list((await db.scalars(
        select(ApiCustomAttribute).order_by(ApiCustomAttribute.position, ApiCustomAttribute.id)
    )).all())


async def configured_codes(db: AsyncSession) -> frozenset[str]:
    return frozenset((await db.scalars(select(ApiCustomAttribute.code_name))).all())


async def do_define_attribute(
    db: AsyncSession, *, code_name: str, display_name: str, actor: Actor, audit_actor: AuditActor
) -> ApiCustomAttribute:
    require(actor, Action.MANAGE_API_ACCOUNTS)
    if not isinstance(code_name, str) or not _CODE_NAME.fullmatch(code_name) or code_name == EXTERNAL_KEY:
        raise InvalidInput("Code name: lower-case letters, digits and _ (external_key is built in).",
                           field="code_name")
    shown = display_name.strip() if isinstance(display_name, str) else ""
    if not shown or len(shown) > API_NAME_MAX:
        raise InvalidInput(f"Display name: 1 to {API_NAME_MAX} characters.", field="display_name")
    if await db.scalar(select(ApiCustomAttribute.id).where(ApiCustomAttribute.code_name == code_name)):
        raise Conflict(f"A custom attribute {code_name} already exists.", field="code_name")
    position = (await db.scalar(select(func.max(ApiCustomAttribute.position)))) or 0
    attribute = ApiCustomAttribute(code_name=code_name, display_name=shown, position=position + 1)
    db.add(attribute)
    await db.flush()
    record_audit(db, audit_actor, entity_type="API Custom Attribute", entity_id=attribute.id,
                 entity_name=code_name, change_type="Add", section="API Configuration", new=shown)
    await db.commit()
    return attribute


async def do_delete_attribute(db: AsyncSession, attribute_id: int, *, actor: Actor, audit_actor: AuditActor) -> None:
    require(actor, Action.MANAGE_API_ACCOUNTS)
    attribute = await db.get(ApiCustomAttribute, attribute_id)
    if attribute is None:
        raise NotFound(f"Custom attribute {attribute_id} not found.")
    record_audit(db, audit_actor, entity_type="API Custom Attribute", entity_id=attribute.id,
                 entity_name=attribute.code_name, change_type="Delete", section="API Configuration")
    await db.delete(attribute)
    await db.commit()


async def session_values(db: AsyncSession, session_id: int) -> dict[str, str]:
    rows = (await db.scalars(
        select(ApiSessionAttribute).where(ApiSessionAttribute.session_id == session_id)
    )).all()
    return {row.code_name: row.value for row in rows}


def add_values(db: Session, bus: Bus, s: SupportSession, values: Mapping[str, str], *, now: datetime) -> None:
    """`write_values` for a session created in this transaction: it has no values to read, replace or clear.

    One INSERT for the non-empty values (none at all when every value is empty). Never commits.
    """
    rows = [{"session_id": s.id, "code_name": code, "value": value, "created_at": now}
            for code, value in values.items() if value]
    if rows:
        db.execute(insert(ApiSessionAttribute), rows)
        publish_on_commit(db, bus, attribute_subject(s.lsid), {"type": "api_attributes", "session_id": s.id})


async def write_values(
    db: AsyncSession, bus: Bus, s: SupportSession, values: Mapping[str, str], *, now: datetime
) -> None:
    """Set (non-empty) or clear (empty) each given attribute; others keep their value. Never commits."""
    if not values:
        return
    current = {row.code_name: row for row in (await db.scalars(
        select(ApiSessionAttribute).where(ApiSessionAttribute.session_id == s.id)
    )).all()}
    for code, value in values.items():
        row = current.get(code)
        if not value:
            if row is not None:
                await db.execute(delete(ApiSessionAttribute).where(ApiSessionAttribute.id == row.id))
        elif row is None:
            db.add(ApiSessionAttribute(session_id=s.id, code_name=code, value=value, created_at=now))
        else:
            row.value = value
    publish_on_commit(db, bus, attribute_subject(s.lsid), {"type": "api_attributes", "session_id": s.id})
