"""Hide post session URLs (spec part2 §14, Global Settings): a group's Post-to-URL URLs behind "Show URLs".

The URLs may carry credentials or API keys (`https://user:password@host/path`). With the
global setting on, every Administrator but the masters reads them masked; revealing them is an
explicit action that writes a `View` row to the Audit report. Saving never needs the real
values: a masked URL sent back (the form re-sends what it showed) keeps the stored one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Actor
from lifeline.domain.settings_catalog import SETTING_BY_KEY, Owner
from lifeline.services.audit import AuditActor, record_audit
from lifeline.services.org.common import Change
from lifeline.services.settings import ENTITY_OF_OWNER, access_settings_owner, get_global_setting, get_setting

MASKED_URL = "••••••••"  # shown instead of each URL; never a valid URL, so it cannot be saved by mistake
SETTING = "post_to_url"


async def urls_hidden(db: AsyncSession, actor: Actor) -> bool:
    """True when `actor` must click Show URLs: the global setting is on and they are not a master."""
    return not actor.role.is_master and bool(await get_global_setting(db, "hide_post_session_urls"))


def _masked(value: Any) -> Any:
    if not isinstance(value, dict) or not isinstance(value.get("urls"), dict):
        return value
    return {**value, "urls": {trigger: MASKED_URL for trigger, url in value["urls"].items() if url}}


async def present(db: AsyncSession, actor: Actor, owner: Owner, values: dict[str, Any]) -> dict[str, Any]:
    """A group's settings as `actor` may read them: the Post-to-URL URLs masked when hidden."""
    if owner is not Owner.TECH_GROUP or SETTING not in values or not await urls_hidden(db, actor):
        return values
    return {**values, SETTING: _masked(values[SETTING])}


async def restore_masked(db: AsyncSession, actor: Actor, owner: Owner, owner_id: int,
                         values: dict[str, Any]) -> dict[str, Any]:
    """Put the stored URL back wherever the form sent the mask (an unchanged, hidden URL)."""
    sent = values.get(SETTING)
    if owner is not Owner.TECH_GROUP or not isinstance(sent, dict) or not isinstance(sent.get("urls"), dict):
        return values
    if MASKED_URL not in sent["urls"].values():
        return values
    stored = (await get_setting(db, owner, owner_id, SETTING) or {}).get("urls", {})
    urls = {trigger: stored.get(trigger, url) if url == MASKED_URL else url for trigger, url in sent["urls"].items()}
    return {**values, SETTING: {**sent, "urls": {t: u for t, u in urls.items() if u != MASKED_URL}}}


async def do_show_urls(db: AsyncSession, *, actor: Actor, audit_actor: AuditActor, tech_group_id: int) -> Any:
    """Reveal a Technician Group's Post-to-URL setting to `actor`; the Audit report records the look."""
    name = await access_settings_owner(db, actor, Owner.TECH_GROUP, tech_group_id, edit=False)
    value = await get_setting(db, Owner.TECH_GROUP, tech_group_id, SETTING)
    definition = SETTING_BY_KEY[SETTING]
    record_audit(db, audit_actor, entity_type=ENTITY_OF_OWNER[Owner.TECH_GROUP], entity_id=tech_group_id,
                 entity_name=name, change_type=Change.VIEW, section=definition.group, field=definition.label,
                 detail="Show URLs")
    await db.commit()
    return value
