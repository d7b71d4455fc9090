"""/api/admin/settings/{owner}/{owner_id}: read and save settings with a §28 save scope.

The tab gate depends on the owner: Global Settings need the Global Settings
tab, channel settings the Settings or Channels tab, group and technician
settings the Settings tab.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lifeline.domain.roles import AdminTab
from lifeline.domain.settings_catalog import Owner, SaveScope, settings_for
from lifeline.services import hidden_urls
from lifeline.services.org.common import require_tab
from lifeline.services.settings import access_settings_owner, do_save_settings, get_settings
from lifeline.web.admin_api.common import Body, Out, acting, audit_actor
from lifeline.web.deps import DbDep, ServicesDep, SignedIn, SignedInDep

TABS_OF_OWNER = {
    Owner.GLOBAL: (AdminTab.GLOBAL_SETTINGS,),
    Owner.TECH_GROUP: (AdminTab.SETTINGS,),
    Owner.CHANNEL: (AdminTab.SETTINGS, AdminTab.CHANNELS),
    Owner.TECHNICIAN: (AdminTab.SETTINGS,),
}


class SettingsIn(Body):
    values: dict[str, Any] = Field(min_length=1, max_length=200, description="Setting key → new value.")
    scope: SaveScope = Field(
        SaveScope.SAVE, description="save | subgroups | all_groups | all_channels (§28)."
    )


class SettingDefOut(Out):
    key: str
    label: str
    kind: str
    section: str
    default: Any
    choices: list[str]
    minimum: int | None
    maximum: int | None
    max_length: int | None
    nullable: bool
    apply_to_all_allowed: bool
    description: str


class SettingsOut(Out):
    owner: Owner
    owner_id: int
    name: str
    values: dict[str, Any]
    definitions: list[SettingDefOut]
    urls_hidden: bool = Field(False, description="Post-to-URL URLs are masked: POST …/show-urls reveals them.")


class ShownUrlsOut(Out):
    post_to_url: Any


async def _gate(signed: SignedIn, db: DbDep, owner: Owner, owner_id: int, *, edit: bool) -> str:
    require_tab(signed.actor, *TABS_OF_OWNER[owner])
    return await access_settings_owner(db, signed.actor, owner, owner_id, edit=edit)


async def _out(db: DbDep, signed: SignedIn, owner: Owner, owner_id: int, name: str) -> SettingsOut:
    definitions = [
        SettingDefOut(
            key=s.key,
            label=s.label,
            kind=s.kind.value,
            section=s.group,
            default=s.default_value(),
            choices=list(s.choices),
            minimum=s.minimum,
            maximum=s.maximum,
            max_length=s.max_length,
            nullable=s.nullable,
            apply_to_all_allowed=s.apply_to_all_allowed,
            description=s.description,
        )
        for s in settings_for(owner)
    ]
    return SettingsOut(
        owner=owner,
        owner_id=owner_id,
        name=name,
        values=await hidden_urls.present(db, signed.actor, owner, await get_settings(db, owner, owner_id)),
        definitions=definitions,
        urls_hidden=owner is Owner.TECH_GROUP and await hidden_urls.urls_hidden(db, signed.actor),
    )


async def read_settings(owner: Owner, owner_id: int, signed: SignedInDep, db: DbDep) -> SettingsOut:
    name = await _gate(signed, db, owner, owner_id, edit=False)
    return await _out(db, signed, owner, owner_id, name)


async def save_settings(
    owner: Owner, owner_id: int, body: SettingsIn, signed: SignedInDep, db: DbDep, services: ServicesDep
) -> SettingsOut:
    name = await _gate(signed, db, owner, owner_id, edit=True)
    await do_save_settings(
        db,
        **acting(signed),
        owner=owner,
        owner_id=owner_id,
        values=await hidden_urls.restore_masked(db, signed.actor, owner, owner_id, body.values),
        scope=body.scope,
        bus=services.bus,
    )
    return await _out(db, signed, owner, owner_id, name)


async def show_urls(owner_id: int, signed: SignedInDep, db: DbDep) -> ShownUrlsOut:
    """"Show URLs" (part2 §14): the group's real Post-to-URL setting, recorded as a `View` in the Audit report."""
    require_tab(signed.actor, *TABS_OF_OWNER[Owner.TECH_GROUP])
    value = await hidden_urls.do_show_urls(db, actor=signed.actor, audit_actor=audit_actor(signed),
                                           tech_group_id=owner_id)
    return ShownUrlsOut(post_to_url=value)
