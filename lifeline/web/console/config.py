"""The read-only configuration the console page starts with, embedded as JSON in /console.

The live state (queue, presence, permissions, hidden features) comes over the
websocket; what is here is configuration the console needs to *draw* things
and that the console API does not serve: custom-field names (Global
Settings), the group's connection methods and private custom fields (Create
New Session), and the time-out settings of the group and of each channel
(alarm colours, red before a waiting session times out). Changes made while
the console is open apply at the next load, as the seed says for channel
assignments (part1 §14).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Actor
from lifeline.domain.settings_catalog import Owner
from lifeline.domain.timeouts import RED_BEFORE_REMOVAL_S
from lifeline.services.org.channels import list_channels, technician_channels
from lifeline.services.settings import get_global_setting, get_settings
from lifeline.store.org import User

LABEL_KEYS = ("name_field_label", *(f"custom_field_{n}_label" for n in range(1, 6)))
GROUP_KEYS = ("pin_enabled", "pin_display_url", "link_enabled", "email_via_default_client", "email_via_server",
              "sms_enabled", "private_custom_fields", "autostart_private", "max_active_sessions")
TIMEOUT_KEYS = ("waiting_timeout_min", "connecting_timeout_min", "timeout_alarms")


def _pick(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: values[key] for key in keys}


async def console_config(db: AsyncSession, user: User, actor: Actor, public_url: str) -> dict[str, Any]:
    labels = [str(await get_global_setting(db, key)) for key in LABEL_KEYS]
    group: dict[str, Any] = {}
    group_timeouts: dict[str, Any] | None = None
    if user.tech_group_id is not None:
        values = await get_settings(db, Owner.TECH_GROUP, user.tech_group_id)
        group = _pick(values, GROUP_KEYS)
        group_timeouts = _pick(values, TIMEOUT_KEYS)
    mine = {int(str(c["channel_id"])) for c in await technician_channels(db, user.id, user.tech_group_id)
            if c["assigned"]}
    channels: dict[int, dict[str, Any]] = {}
    for channel, _groups, _configurable in await list_channels(db, actor):
        entry: dict[str, Any] = {"name": channel.name, "mine": channel.id in mine}
        if channel.id in mine:
            entry["timeouts"] = _pick(await get_settings(db, Owner.CHANNEL, channel.id), TIMEOUT_KEYS)
        channels[channel.id] = entry
    return {
        "labels": labels,
        "group": group,
        "group_timeouts": group_timeouts,
        "channels": channels,
        "public_url": public_url,
        "red_before_removal_s": RED_BEFORE_REMOVAL_S,
    }
