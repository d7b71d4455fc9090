"""`get_logged_in_reps`, `get_support_teams`, `get_api_info` (spec §5.1, §5.2, §5.18).

Technician → rep (public name = nickname, else name; private name = name),
Technician Group → support team, channel → issue (id = channel id, title =
channel name). Lifeline has no public technician list, so
`showing_on_rep_list` is always 0, and no presentations, so
`presentation_count` is always 0.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy import select

from lifeline.api.command_params import GetSupportTeamsParams, NoParams
from lifeline.api.commands.context import CommandContext, Handlers
from lifeline.api.xml_response import (
    API_PERMISSION_NAMES,
    LoggedInRep,
    SupportTeam,
    TeamMember,
    api_info_element,
    logged_in_reps_element,
    start_session_url,
    support_teams_element,
    unix_seconds,
)
from lifeline.services.integration.directory import (
    logged_in_since,
    online_technicians_sync,
    technician_groups,
)
from lifeline.store.org import Account

REP_TYPE_NORMAL = "Normal"


async def get_logged_in_reps(ctx: CommandContext, params: NoParams) -> etree._Element:
    reps = [
        LoggedInRep(
            id=t.user.id, public_display_name=t.public_name, private_display_name=t.user.name,
            type=REP_TYPE_NORMAL, start_session_url=start_session_url(ctx.hostname, t.user.id, t.public_name),
            logged_in_since=logged_in_since(t.presence), presentation_count=0,
            support_session_count=t.running_sessions, showing_on_rep_list=False,
        )
        for t in await ctx.services.db.read(online_technicians_sync)
    ]
    return logged_in_reps_element(reps)


async def get_support_teams(ctx: CommandContext, params: GetSupportTeamsParams) -> etree._Element:
    teams = [
        SupportTeam(
            id=view.group.id, name=view.group.name,
            issues=[(channel.id, channel.name) for channel in view.channels],
            support_session_count=view.waiting_sessions,
            members=[TeamMember(u.id, u.email, u.nickname or u.name, u.name) for u in view.members],
        )
        for view in await technician_groups(ctx.db)
    ]
    return support_teams_element(teams, show_members=params.show_members)


async def get_api_info(ctx: CommandContext, params: NoParams) -> etree._Element:
    account = ctx.account
    company = await ctx.db.scalar(select(Account).order_by(Account.id).limit(1))
    permissions: dict[str, str | bool] = {
        "perm_backup": account.perm_backup,
        "perm_command": account.perm_command,
        "perm_reporting_archive": account.perm_reporting_archive,
        "perm_reporting_license": account.perm_reporting_license,
        "perm_reporting_presentation": account.perm_reporting_presentation,
        "perm_reporting_support": account.perm_reporting_support,
    }
    assert set(permissions) == set(API_PERMISSION_NAMES)
    return api_info_element(company.organization_name if company else "", unix_seconds(ctx.now), permissions)


HANDLERS: Handlers = {
    "get_logged_in_reps": get_logged_in_reps,
    "get_support_teams": get_support_teams,
    "get_api_info": get_api_info,
}
