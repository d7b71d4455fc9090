"""/api/admin/channels: the ten channels (rename and describe; assignment lives on groups and technicians)."""

from __future__ import annotations

from lifeline.services.org import channels
from lifeline.web.admin_api.common import Body, ChannelsTab, Description, Name, Out, acting
from lifeline.web.deps import DbDep, ServicesDep


class ChannelPatch(Body):
    name: Name | None = None
    description: Description | None = None


class ChannelOut(Out):
    id: int
    number: int
    name: str
    description: str
    tech_group_ids: list[int]
    configurable: bool
    public_token: str
    link: str
    form_link: str


async def list_channels(signed: ChannelsTab, db: DbDep, services: ServicesDep) -> list[ChannelOut]:
    base = services.config.public_url
    return [
        ChannelOut(
            id=c.id,
            number=c.number,
            name=c.name,
            description=c.description,
            tech_group_ids=groups,
            configurable=configurable,
            public_token=c.public_token,
            link=f"{base}/channel/{c.public_token}",
            form_link=f"{base}/channel/{c.public_token}?form=1",
        )
        for c, groups, configurable in await channels.list_channels(db, signed.actor)
    ]


async def update_channel(
    channel_id: int, body: ChannelPatch, signed: ChannelsTab, db: DbDep, services: ServicesDep
) -> ChannelOut:
    channel = await channels.do_update_channel(
        db,
        services.bus,
        channel_id,
        name=body.name,
        description=body.description,
        **acting(signed),
    )
    return next(o for o in await list_channels(signed, db, services) if o.id == channel.id)
