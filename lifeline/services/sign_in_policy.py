"""The Global Settings and Technician Group settings that decide how someone signs in.

Reads only, through `lifeline.services.settings`, with the keys of
`lifeline.domain.settings_catalog`: password policy (§9), two-step
verification rules (§10), IP restrictions (§12). Settings are read on every
sign-in, never cached, so an administrator's change applies to the next
sign-in on every server process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.ip_rules import IpRule, access_allowed, ip_rule_from_value
from lifeline.domain.password_policy import Strength
from lifeline.domain.roles import Role
from lifeline.domain.settings_catalog import Owner
from lifeline.errors import InvalidInput
from lifeline.services.org.users import STRENGTH_OF_SETTING
from lifeline.services.settings import get_setting
from lifeline.store.org import User
from lifeline.store.settings import GLOBAL_OWNER_ID

TFA_TECHNICIANS_ALL = "all"
TFA_TECHNICIANS_SELECTED = "selected_groups"
CONSOLE_APP = "console"


@dataclass(frozen=True)
class PasswordPolicy:
    minimum: Strength
    max_age_days: int
    notice_days: int


async def _global(session: AsyncSession, key: str) -> Any:
    return await get_setting(session, Owner.GLOBAL, GLOBAL_OWNER_ID, key)


async def password_policy(session: AsyncSession) -> PasswordPolicy:
    return PasswordPolicy(
        minimum=STRENGTH_OF_SETTING.get(str(await _global(session, "password_min_strength")), Strength.GOOD),
        max_age_days=int(await _global(session, "password_max_age_days")),
        notice_days=int(await _global(session, "password_expiry_notice_days")),
    )


def is_technician(user: User) -> bool:
    """Technicians, and administrators who hold a technician seat (§2)."""
    return user.role == Role.TECHNICIAN or user.has_technician_seat


async def two_step_required(session: AsyncSession, user: User) -> bool:
    """Spec §10: all administrators (MAH included); all technicians, or members of a group that enforces it.

    A person with both an administrator role and a technician seat needs 2SV if
    either rule covers them.
    """
    if Role(user.role).is_administrator and await _global(session, "tfa_all_admins"):
        return True
    if not is_technician(user):
        return False
    technicians_rule = await _global(session, "tfa_technicians")
    if technicians_rule == TFA_TECHNICIANS_ALL:
        return True
    if technicians_rule == TFA_TECHNICIANS_SELECTED and user.tech_group_id is not None:
        return bool(await get_setting(session, Owner.TECH_GROUP, user.tech_group_id, "enforce_tfa"))
    return False


async def ip_allowed(session: AsyncSession, user: User | None, ip: str, app: str) -> bool:
    """§12: the global rule for everyone; for the Console, the member's group rule as well.

    With ``user=None`` only the global rule is checked (before the password is).
    An address that does not parse (no peer address at all) is refused.
    """
    global_rule = ip_rule_from_value(await _global(session, "global_ip_rule"))
    group_rule: IpRule | None = None
    if user is not None and app == CONSOLE_APP and user.tech_group_id is not None and is_technician(user):
        group_rule = ip_rule_from_value(
            await get_setting(session, Owner.TECH_GROUP, user.tech_group_id, "tc_ip_rule")
        )
    try:
        return access_allowed(global_rule, group_rule, ip)
    except InvalidInput:
        return False
