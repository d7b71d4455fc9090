"""Technician Group permissions: reading, saving with copy scopes, and Master-Administrator locks.

Spec part1 §4 and §28; the catalog and the lock rule are
`domain/permissions.py`. A group's permission is the stored row, else the
catalog default. Saves follow the same §28 copy scopes as settings (this
group / its subgroups / every group the actor administers). An Administrator
can neither change a locked permission nor lock or unlock one on *any*
target group (`check_locked_unchanged` raises `PermissionDenied`); only
Master Administrators may.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor
from lifeline.domain.permissions import (
    PERMISSION_BY_KEY,
    PermissionGrant,
    PermissionTarget,
    TargetType,
    check_locked_unchanged,
    default_grants,
    validate_grant,
)
from lifeline.domain.settings_catalog import Owner, SaveScope
from lifeline.errors import InvalidInput
from lifeline.services.access import access_tech_group
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.events import publish_on_commit
from lifeline.services.settings import ENTITY_OF_OWNER, scope_targets
from lifeline.store.org import Channel, TechGroup
from lifeline.store.settings import PermissionValue

SECTION = "Permissions"


def _grant_of(row: PermissionValue) -> PermissionGrant:
    targets = frozenset(PermissionTarget(TargetType(t["type"]), int(t["id"])) for t in (row.targets or []))
    return PermissionGrant(allowed=row.allowed, option=row.option, targets=targets, locked=row.locked)


async def _rows(session: AsyncSession, group_ids: list[int]) -> dict[int, dict[str, PermissionValue]]:
    found: dict[int, dict[str, PermissionValue]] = {g: {} for g in group_ids}
    for row in await session.scalars(
        select(PermissionValue).where(PermissionValue.tech_group_id.in_(group_ids))
    ):
        found[row.tech_group_id][row.key] = row
    return found


def _effective(rows: dict[str, PermissionValue]) -> dict[str, PermissionGrant]:
    grants = default_grants()
    for key, row in rows.items():
        if key in grants:
            grants[key] = _grant_of(row)
    return grants


async def get_permissions(session: AsyncSession, group_id: int) -> dict[str, PermissionGrant]:
    """The group's 32 permissions in catalog order (stored, else default). No authorization here."""
    return _effective((await _rows(session, [group_id]))[group_id])


async def _check_targets_exist(session: AsyncSession, grants: Mapping[str, PermissionGrant]) -> None:
    group_ids = {t.id for g in grants.values() for t in g.targets if t.type == TargetType.TECH_GROUP}
    channel_ids = {t.id for g in grants.values() for t in g.targets if t.type == TargetType.CHANNEL}
    if group_ids:
        known = set((await session.scalars(select(TechGroup.id).where(TechGroup.id.in_(group_ids)))).all())
        if group_ids - known:
            raise InvalidInput(
                f"Unknown Technician Group(s) in targets: {sorted(group_ids - known)}.", field="targets"
            )
    if channel_ids:
        known = set((await session.scalars(select(Channel.id).where(Channel.id.in_(channel_ids)))).all())
        if channel_ids - known:
            raise InvalidInput(
                f"Unknown channel(s) in targets: {sorted(channel_ids - known)}.", field="targets"
            )


def parse_grants(values: Mapping[str, Any]) -> dict[str, PermissionGrant]:
    if not isinstance(values, Mapping) or not values:
        raise InvalidInput("Send at least one permission to save.", field="permissions")
    return {key: validate_grant(key, data) for key, data in values.items()}


async def do_save_permissions(
    session: AsyncSession,
    *,
    actor: Actor,
    group_id: int,
    values: Mapping[str, Any],
    scope: SaveScope | str = SaveScope.SAVE,
    audit_actor: AuditActor,
    bus: Bus | None = None,
) -> dict[str, PermissionGrant]:
    """Save the sent permissions (others keep their value) on the group and, per scope, its copies."""
    await access_tech_group(session, actor, group_id, Action.EDIT_TECH_GROUP)
    try:
        save_scope = SaveScope(scope)
    except ValueError:
        raise InvalidInput("Scope must be save, subgroups or all_groups.", field="scope") from None
    if save_scope == SaveScope.ALL_CHANNELS:
        raise InvalidInput(
            "Permissions belong to Technician Groups; use save, subgroups or all_groups.", field="scope"
        )
    sent = parse_grants(values)
    await _check_targets_exist(session, sent)
    targets = await scope_targets(session, actor, Owner.TECH_GROUP, group_id, save_scope)
    rows = await _rows(session, targets)
    planned: dict[int, tuple[dict[str, PermissionGrant], dict[str, PermissionGrant]]] = {}
    for target in targets:
        old = _effective(rows[target])
        new = {**old, **sent}
        if not actor.role.is_master:
            check_locked_unchanged(old, new)
        planned[target] = (old, new)
    names = dict(
        (await session.execute(select(TechGroup.id, TechGroup.name).where(TechGroup.id.in_(targets)))).all()
    )
    for target, (old, new) in planned.items():
        for key in sent:
            if old[key] == new[key]:
                continue
            _store(session, rows[target], target, key, new[key])
            record_audit(
                session,
                audit_actor,
                entity_type=ENTITY_OF_OWNER[Owner.TECH_GROUP],
                entity_id=target,
                entity_name=names.get(target, ""),
                change_type="Change",
                section=SECTION,
                field=PERMISSION_BY_KEY[key].label,
                old=old[key].as_dict(),
                new=new[key].as_dict(),
                detail="" if target == group_id else f"applied from tech_group {group_id}",
            )
    if bus is not None:
        publish_on_commit(
            session, bus, "org", {"type": "org", "op": "permissions", "tech_group_ids": targets}
        )
    await session.commit()
    return await get_permissions(session, group_id)


def _store(
    session: AsyncSession, rows: dict[str, PermissionValue], group_id: int, key: str, grant: PermissionGrant
) -> None:
    data = grant.as_dict()
    row = rows.get(key)
    if row is None:
        row = PermissionValue(tech_group_id=group_id, key=key)
        session.add(row)
        rows[key] = row
    row.allowed = grant.allowed
    row.option = data["option"]
    row.targets = data["targets"]
    row.locked = grant.locked


async def copy_permissions(session: AsyncSession, from_group_id: int, to_group_id: int) -> None:
    """A new sub-group starts with its parent's permissions, locks included.

    Otherwise an Administrator could escape a Master Administrator's lock by
    creating a sub-group (which starts unlocked) and working from there.
    """
    for key, row in (await _rows(session, [from_group_id]))[from_group_id].items():
        session.add(
            PermissionValue(
                tech_group_id=to_group_id,
                key=key,
                allowed=row.allowed,
                option=row.option,
                targets=row.targets,
                locked=row.locked,
            )
        )
