"""`import_jump_shortcut` (alias `import_jump_shortcuts`, spec §5.17) → an unattended-computer shortcut.

Jump Group → Computer Group (by code name or id; E23 otherwise). Lifeline has
no Jumpoints, Jump Policies or Session Policies, so any item that needs a
Jumpoint (remote Jump, remote VNC, remote RDP, Shell Jump, vPro) answers E24
and any named policy E25; those are the documented errors for "no such
object", never a pretend import. `public_portal` must name this site.
"""

from __future__ import annotations

from dataclasses import asdict

from lxml import etree

from lifeline.api.command_params import ImportJumpShortcutParams
from lifeline.api.commands.context import CommandContext, Handlers
from lifeline.api.xml_response import (
    E23_JUMP_GROUP,
    E24_JUMPOINT,
    E25_POLICY_OR_PORTAL,
    SUCCESS_JUMP_ITEM_IMPORTED,
    CommandApiError,
    success_element,
)
from lifeline.services.audit import AuditActor
from lifeline.services.integration.shortcuts import computer_group_by_code, do_import_shortcut


def audit_actor_for(ctx: CommandContext) -> AuditActor:
    return AuditActor(user_id=None, name=f"API account {ctx.account.name}")


async def import_jump_shortcut(ctx: CommandContext, params: ImportJumpShortcutParams) -> etree._Element:
    group = await computer_group_by_code(ctx.db, params.group)
    if group is None:
        raise CommandApiError(E23_JUMP_GROUP)
    if params.jumpoint is not None:
        raise CommandApiError(E24_JUMPOINT)
    if params.jump_policy is not None:
        raise CommandApiError(E25_POLICY_OR_PORTAL, kind="Jump Policy")
    if params.session_policy is not None:
        raise CommandApiError(E25_POLICY_OR_PORTAL, kind="Session Policy")
    if params.public_portal is not None and params.public_portal != ctx.hostname:
        raise CommandApiError(E25_POLICY_OR_PORTAL, kind="Public Portal")
    options = {}
    if params.rdp is not None:
        options["rdp"] = asdict(params.rdp)
    if params.shell is not None:
        options["shell"] = asdict(params.shell)
    await do_import_shortcut(
        ctx.db, group=group, kind=params.item_type.value, name=params.name, hostname=params.hostname,
        tag=params.tag, comments=params.comments, port=params.port, options=options,
        account_id=ctx.account.id, audit_actor=audit_actor_for(ctx),
    )
    return success_element(SUCCESS_JUMP_ITEM_IMPORTED)


HANDLERS: Handlers = {"import_jump_shortcut": import_jump_shortcut}
