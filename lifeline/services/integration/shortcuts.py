"""Unattended-computer shortcuts imported through the API (`import_jump_shortcut`, spec §5.17).

A shortcut is filed under a Computer Group, found by its code name (the
group's name lower-cased with `_` for other characters, `directory.code_name`)
or by its numeric id. It records how to reach a machine (local RDP, VNC, …);
starting a session through it is the unattended-access feature's business.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.integration.directory import code_name
from lifeline.store.api_accounts import UnattendedShortcut
from lifeline.store.org import ComputerGroup

ENTITY = "Unattended Computer Shortcut"


async def computer_group_by_code(db: AsyncSession, code: str) -> ComputerGroup | None:
    groups = (await db.scalars(select(ComputerGroup).order_by(ComputerGroup.id))).all()
    for group in groups:
        if code_name(group.name) == code or str(group.id) == code:
            return group
    return None


async def do_import_shortcut(
    db: AsyncSession,
    *,
    group: ComputerGroup,
    kind: str,
    name: str,
    hostname: str,
    tag: str,
    comments: str,
    port: int | None,
    options: dict[str, Any],
    account_id: int,
    audit_actor: AuditActor,
) -> UnattendedShortcut:
    shortcut = UnattendedShortcut(
        computer_group_id=group.id, kind=kind, name=name, hostname=hostname, tag=tag, comments=comments,
        port=port, options=options, account_id=account_id,
    )
    db.add(shortcut)
    await db.flush()
    record_audit(db, audit_actor, entity_type=ENTITY, entity_id=shortcut.id, entity_name=name,
                 change_type="Add", section="API", new={"kind": kind, "hostname": hostname, "group": group.name})
    await db.commit()
    return shortcut


async def list_shortcuts(db: AsyncSession, computer_group_id: int | None = None) -> list[UnattendedShortcut]:
    query = select(UnattendedShortcut).order_by(UnattendedShortcut.id)
    if computer_group_id is not None:
        query = query.where(UnattendedShortcut.computer_group_id == computer_group_id)
    return list((await db.scalars(query)).all())
