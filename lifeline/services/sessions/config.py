"""Reading the settings and permissions that steer a session, as typed domain objects.

Values come from `services.settings.get_settings` and
`services.permissions.get_permissions` (catalog defaults for missing rows). Which owner
a session reads from follows spec part1 §28: a channel session reads its
channel's Time-outs, T&C and no-technician block, a private session its
Technician Group's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.domain.no_technician import NoTechnicianAction, NoTechnicianPolicy
from lifeline.domain.permissions import PERMISSIONS, PermissionGrant
from lifeline.domain.post_to_url_config import PostToUrlConfig, parse_post_to_url_config
from lifeline.domain.settings_catalog import Owner, setting
from lifeline.domain.timeouts import Alarm, TimeoutPolicy
from lifeline.services.permissions import get_permissions
from lifeline.services.settings import get_settings_sync
from lifeline.store.settings import GLOBAL_OWNER_ID

#: Post-to-URL is configured per Technician Group under this key (part2 §14).
POST_TO_URL_KEY = "post_to_url"


async def read_settings(
    db: AsyncSession, owner: Owner, owner_id: int | None, keys: Iterable[str]
) -> dict[str, Any]:
    """`{key: value}` for one owner; no owner at all (a session without a group) gives the defaults."""
    return await db.run_sync(read_settings_sync, owner, owner_id, keys)


def read_settings_sync(db: Session, owner: Owner, owner_id: int | None, keys: Iterable[str]) -> dict[str, Any]:
    """`read_settings` inside a synchronous unit of work (`store/units.py`)."""
    wanted = list(keys)
    if owner_id is None:
        return {key: setting(key).default_value() for key in wanted}
    return get_settings_sync(db, owner, GLOBAL_OWNER_ID if owner is Owner.GLOBAL else owner_id, wanted)


async def load_permissions(db: AsyncSession, tech_group_id: int | None) -> dict[str, PermissionGrant]:
    """The Technician Group's grants; a technician without a group has none at all (fail closed)."""
    if tech_group_id is None:
        return {p.key: PermissionGrant(allowed=False) for p in PERMISSIONS}
    return await get_permissions(db, tech_group_id)


def session_owner(channel_id: int | None, tech_group_id: int | None) -> tuple[Owner, int | None]:
    """Channel sessions read channel settings; private sessions their group's."""
    if channel_id is not None:
        return Owner.CHANNEL, channel_id
    return Owner.TECH_GROUP, tech_group_id


TIMEOUT_KEYS = ("private_code_validity_min", "connecting_timeout_min", "waiting_timeout_min",
                "idle_timeout_min", "timeout_alarms")


async def timeout_policy(db: AsyncSession, channel_id: int | None, tech_group_id: int | None) -> TimeoutPolicy:
    owner, owner_id = session_owner(channel_id, tech_group_id)
    return policy_of(await read_settings(db, owner, owner_id, TIMEOUT_KEYS))


def policy_of(v: dict[str, Any]) -> TimeoutPolicy:
    """The `TimeoutPolicy` of settings read with (at least) `TIMEOUT_KEYS`, by callers reading more at once."""
    alarms = tuple(Alarm(a["kind"], a["after_s"], a["color"]) for a in v["timeout_alarms"])
    return TimeoutPolicy(
        code_validity_min=v["private_code_validity_min"],
        connecting_timeout_min=v["connecting_timeout_min"],
        waiting_timeout_min=v["waiting_timeout_min"],
        idle_timeout_min=v["idle_timeout_min"],
        alarms=alarms,
    )


async def no_technician_policy(db: AsyncSession, owner: Owner, owner_id: int | None) -> NoTechnicianPolicy:
    v = await read_settings(db, owner, owner_id, ("no_tech_action", "no_tech_abort_url", "no_tech_notify_email"))
    action = NoTechnicianAction(v["no_tech_action"])
    url = v["no_tech_abort_url"] or None
    return NoTechnicianPolicy(action=action, abort_url=url if action is NoTechnicianAction.ABORT_REDIRECT else None,
                              notify_email=bool(v["no_tech_notify_email"]))


@dataclass(frozen=True)
class ConsoleLimits:
    """The Technician Console block of a group (part1 §21)."""

    max_active_sessions: int
    busy_threshold: int
    away_after_min: int
    auto_logout_min: int
    defer_autostart_min: int
    autostart_private: bool


CONSOLE_KEYS = ("max_active_sessions", "busy_threshold", "away_after_min", "auto_logout_min",
                "defer_autostart_min", "autostart_private")


async def console_limits(db: AsyncSession, tech_group_id: int | None) -> ConsoleLimits:
    v = await read_settings(db, Owner.TECH_GROUP, tech_group_id, CONSOLE_KEYS)
    return ConsoleLimits(**{key: v[key] for key in CONSOLE_KEYS})


async def post_to_url_config(db: AsyncSession, tech_group_id: int | None) -> PostToUrlConfig | None:
    """The group's Post-to-URL setting (catalog key `post_to_url`); None when it posts nowhere."""
    if tech_group_id is None:
        return None
    value = (await read_settings(db, Owner.TECH_GROUP, tech_group_id, (POST_TO_URL_KEY,)))[POST_TO_URL_KEY]
    parsed = parse_post_to_url_config(value)
    return parsed if parsed.urls else None
