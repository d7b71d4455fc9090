"""Reading and saving settings on their owners (spec part1 §28; catalog: domain/settings_catalog.py).

A setting is stored on its owner (global, Technician Group, channel,
technician); no row means the catalog default. The save buttons of §28 are
explicit *copies*: "Apply to subgroups" writes the same values on the group
and every descendant, "Apply to all groups" / "Save settings to all channels"
on every group / channel the actor may configure. Nothing is inherited live.

Every value is validated (and every target's merged settings checked for
consistency) before the first row is written, so a bad value changes nothing.
Each changed field on each target gets one `Change` audit row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.bus import Bus
from lifeline.domain.authorization import Action, Actor, decide, decide_for_any_group
from lifeline.domain.org_tree import subtree
from lifeline.domain.settings_catalog import (
    SETTING_BY_KEY,
    Owner,
    SaveScope,
    SettingDef,
    check_consistency,
    check_scope,
    settings_for,
    validate_setting,
)
from lifeline.errors import InvalidInput, NotFound
from lifeline.services.access import access_tech_group, access_technician, require, tech_group_parents
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.events import publish_on_commit
from lifeline.store.core_select import select_columns
from lifeline.store.org import Channel, ChannelAssignment, TechGroup, User
from lifeline.store.settings import GLOBAL_OWNER_ID, SettingValue

# Audit entity type per owner (part2 §12 names; the account itself has none, so its section title is used).
ENTITY_OF_OWNER = {
    Owner.GLOBAL: "Global Settings",
    Owner.TECH_GROUP: "Technician Group",
    Owner.CHANNEL: "Channel",
    Owner.TECHNICIAN: "Technician",
}
MAX_SETTINGS_PER_SAVE = len(SETTING_BY_KEY)  # a form never has more fields than the catalog


def parse_owner(owner: Owner | str) -> Owner:
    try:
        return Owner(owner)
    except ValueError:
        known = ", ".join(o.value for o in Owner)
        raise InvalidInput(f"Unknown setting owner {owner!r}; use one of {known}.", field="owner") from None


#: Built once: the statement keeps its cache key (building it cost ~0.15 ms per call on the API hot path).
_STORED = select(SettingValue).where(
    SettingValue.owner_type == bindparam("owner_type"),
    SettingValue.owner_id.in_(bindparam("owner_ids", expanding=True)),
)


#: One owner's stored values as plain rows: reading them as `SettingValue` objects cost ~0.2 ms more.
_VALUES = select(SettingValue.key, SettingValue.value).where(
    SettingValue.owner_type == bindparam("owner_type"), SettingValue.owner_id == bindparam("owner_id"),
)


async def _stored(
    session: AsyncSession, owner: Owner, owner_ids: list[int]
) -> dict[int, dict[str, SettingValue]]:
    rows = await session.scalars(_STORED, {"owner_type": owner.value, "owner_ids": owner_ids})
    found: dict[int, dict[str, SettingValue]] = {owner_id: {} for owner_id in owner_ids}
    for row in rows:
        found[row.owner_id][row.key] = row
    return found


async def get_settings(
    session: AsyncSession, owner: Owner | str, owner_id: int, keys: Iterable[str] | None = None
) -> dict[str, Any]:
    """Every setting of the owner (or only `keys`): the stored value, else the catalog default.

    `keys` is for hot paths (a session's time-outs, read for every API session key): building every
    setting deep-copies every default. A key the owner type does not have is a `KeyError`, as before.
    No authorization: callers that serve untrusted users check access first
    (the JSON API does it in `access_settings_owner`).
    """
    return await session.run_sync(get_settings_sync, owner, owner_id, keys)


def get_settings_sync(
    session: Session, owner: Owner | str, owner_id: int, keys: Iterable[str] | None = None
) -> dict[str, Any]:
    """`get_settings` inside a synchronous unit of work (`store/units.py`)."""
    parsed = parse_owner(owner)
    rows = select_columns(session, _VALUES, {"owner_type": parsed.value, "owner_id": owner_id})
    stored: dict[str, Any] = dict(rows)
    definitions = settings_for(parsed) if keys is None else [_owned(parsed, key) for key in keys]
    return {s.key: stored[s.key] if s.key in stored else s.default_value() for s in definitions}


def _owned(owner: Owner, key: str) -> SettingDef:
    definition = SETTING_BY_KEY[key]
    if owner not in definition.owners:
        raise KeyError(key)
    return definition


async def get_setting(session: AsyncSession, owner: Owner | str, owner_id: int, key: str) -> Any:
    """One setting's effective value; `InvalidInput` for a key the owner type does not have."""
    parsed = parse_owner(owner)
    definition = SETTING_BY_KEY.get(key)
    if definition is None or parsed not in definition.owners:
        raise InvalidInput(f"{key!r} is not a {parsed.value} setting.", field="key")
    row = await session.scalar(
        select(SettingValue).where(
            SettingValue.owner_type == parsed.value,
            SettingValue.owner_id == owner_id,
            SettingValue.key == key,
        )
    )
    return row.value if row is not None else definition.default_value()


async def get_global_setting(session: AsyncSession, key: str) -> Any:
    return await get_setting(session, Owner.GLOBAL, GLOBAL_OWNER_ID, key)


async def channel_group_ids(session: AsyncSession, channel_id: int) -> list[int]:
    rows = await session.scalars(
        select(ChannelAssignment.tech_group_id).where(ChannelAssignment.channel_id == channel_id)
    )
    return list(rows)


async def access_channel(session: AsyncSession, actor: Actor, channel_id: int, action: Action) -> Channel:
    """The channel if the actor may act on it (masters: any; admins: one assigned to their groups)."""
    channel = await session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(f"Channel {channel_id} not found.")
    if not decide_for_any_group(actor, action, await channel_group_ids(session, channel_id)):
        raise NotFound(f"Channel {channel_id} not found.")
    return channel


async def access_settings_owner(
    session: AsyncSession, actor: Actor, owner: Owner, owner_id: int, *, edit: bool
) -> str:
    """Check the actor may read (or edit) this owner's settings; return the owner's display name."""
    if owner == Owner.GLOBAL:
        if owner_id != GLOBAL_OWNER_ID:
            raise NotFound(f"Global settings live on owner id {GLOBAL_OWNER_ID}.")
        require(actor, Action.EDIT_GLOBAL_SETTINGS if edit else Action.VIEW_GLOBAL_SETTINGS)
        return "Global Settings"
    if owner == Owner.TECH_GROUP:
        return (await access_tech_group(session, actor, owner_id, Action.EDIT_TECH_GROUP)).name
    if owner == Owner.CHANNEL:
        return (await access_channel(session, actor, owner_id, Action.CONFIGURE_CHANNELS)).name
    return (await access_technician(session, actor, owner_id, Action.MANAGE_TECHNICIANS)).name


async def scope_targets(
    session: AsyncSession, actor: Actor, owner: Owner, owner_id: int, scope: SaveScope
) -> list[int]:
    """The owners a save writes to, the selected owner first (copies, §28)."""
    if scope == SaveScope.SUBGROUPS:
        return sorted(subtree(owner_id, await tech_group_parents(session)), key=lambda g: g != owner_id)
    if scope == SaveScope.ALL_GROUPS:
        # An Administrator's "all groups" is every group they administer: the others are not theirs to change.
        ids = (await session.scalars(select(TechGroup.id).order_by(TechGroup.id))).all()
        allowed = [g for g in ids if decide(actor, Action.EDIT_TECH_GROUP, group_id=g)]
        return [owner_id, *(g for g in allowed if g != owner_id)]
    if scope == SaveScope.ALL_CHANNELS:
        ids = (await session.scalars(select(Channel.id).order_by(Channel.id))).all()
        allowed = [
            c
            for c in ids
            if decide_for_any_group(actor, Action.CONFIGURE_CHANNELS, await channel_group_ids(session, c))
        ]
        return [owner_id, *(c for c in allowed if c != owner_id)]
    return [owner_id]


async def _names(session: AsyncSession, owner: Owner, owner_ids: list[int]) -> dict[int, str]:
    model: Any = {Owner.TECH_GROUP: TechGroup, Owner.CHANNEL: Channel, Owner.TECHNICIAN: User}.get(owner)
    if model is None:
        return dict.fromkeys(owner_ids, "Global Settings")
    rows = await session.execute(select(model.id, model.name).where(model.id.in_(owner_ids)))
    return dict(rows.all())


async def _channel_numbers(
    session: AsyncSession, owner: Owner, owner_ids: list[int]
) -> dict[int, int | None]:
    if owner != Owner.CHANNEL:
        return dict.fromkeys(owner_ids)
    rows = await session.execute(select(Channel.id, Channel.number).where(Channel.id.in_(owner_ids)))
    return dict(rows.all())


def validate_values(
    owner: Owner, values: Mapping[str, Any], scope: SaveScope | str
) -> tuple[SaveScope, dict[str, Any]]:
    """Validate a whole save (values and scope) before anything is written."""
    if not isinstance(values, Mapping) or not values:
        raise InvalidInput("Send at least one setting to save.", field="values")
    if len(values) > MAX_SETTINGS_PER_SAVE:
        raise InvalidInput(f"At most {MAX_SETTINGS_PER_SAVE} settings per save.", field="values")
    cleaned = {key: validate_setting(key, value, owner) for key, value in values.items()}
    for key in cleaned:
        check_scope(key, owner, scope)
    return SaveScope(scope), cleaned


async def do_save_settings(
    session: AsyncSession,
    *,
    actor: Actor,
    owner: Owner | str,
    owner_id: int,
    values: Mapping[str, Any],
    scope: SaveScope | str = SaveScope.SAVE,
    audit_actor: AuditActor,
    bus: Bus | None = None,
) -> dict[str, Any]:
    """Save `values` on the owner and, per `scope`, copy them to its subgroups / all groups / all channels.

    Returns the owner's effective settings after the save. Raises
    `InvalidInput` (nothing written) for an unknown key, a bad value, a scope
    the setting does not allow, or a combination `check_consistency` refuses
    on any target; `NotFound` if the actor may not configure the owner.
    """
    parsed = parse_owner(owner)
    await access_settings_owner(session, actor, parsed, owner_id, edit=True)
    save_scope, cleaned = validate_values(parsed, values, scope)
    targets = await scope_targets(session, actor, parsed, owner_id, save_scope)
    stored = await _stored(session, parsed, targets)
    names = await _names(session, parsed, targets)
    numbers = await _channel_numbers(session, parsed, targets)
    merged_by_target: dict[int, dict[str, Any]] = {}
    for target in targets:
        current = {
            s.key: (stored[target][s.key].value if s.key in stored[target] else s.default_value())
            for s in settings_for(parsed)
        }
        merged_by_target[target] = check_consistency(
            parsed, {**current, **cleaned}, channel_number=numbers[target]
        )
    for target in targets:
        _write(
            session,
            audit_actor,
            parsed,
            target,
            names.get(target, ""),
            stored[target],
            merged_by_target[target],
            cleaned,
            copied_from=None if target == owner_id else owner_id,
        )
    if bus is not None:
        publish_on_commit(
            session,
            bus,
            "org",
            {"type": "org", "op": "settings", "owner": parsed.value, "owner_ids": targets},
        )
    await session.commit()
    return await get_settings(session, parsed, owner_id)


def _write(
    session: AsyncSession,
    audit_actor: AuditActor,
    owner: Owner,
    owner_id: int,
    name: str,
    stored: dict[str, SettingValue],
    merged: dict[str, Any],
    sent: Mapping[str, Any],
    *,
    copied_from: int | None,
) -> None:
    """Write the sent keys (and any key `check_consistency` adjusted) with one audit row per change."""
    defaults = {s.key: s.default_value() for s in settings_for(owner)}
    keys = [k for k in merged if k in sent or merged[k] != (stored[k].value if k in stored else defaults[k])]
    for key in keys:
        old = stored[key].value if key in stored else defaults[key]
        new = merged[key]
        if key in stored:
            stored[key].value = new
        else:
            session.add(SettingValue(owner_type=owner.value, owner_id=owner_id, key=key, value=new))
        if old != new:
            definition = SETTING_BY_KEY[key]
            record_audit(
                session,
                audit_actor,
                entity_type=ENTITY_OF_OWNER[owner],
                entity_id=owner_id,
                entity_name=name,
                change_type="Change",
                section=definition.group,
                field=definition.label,
                old=old,
                new=new,
                detail="" if copied_from is None else f"applied from {owner.value} {copied_from}",
            )


async def copy_owner_settings(session: AsyncSession, owner: Owner, from_id: int, to_id: int) -> None:
    """Give a new owner the stored settings of another (a new sub-group starts as a copy of its parent)."""
    rows = (await _stored(session, owner, [from_id]))[from_id]
    for key, row in rows.items():
        session.add(SettingValue(owner_type=owner.value, owner_id=to_id, key=key, value=row.value))


async def delete_owner_settings(session: AsyncSession, owner: Owner, owner_id: int) -> None:
    """Settings rows have no foreign key (one table for four owner types); deleting an owner clears them."""
    await session.execute(
        delete(SettingValue).where(SettingValue.owner_type == owner.value, SettingValue.owner_id == owner_id)
    )
