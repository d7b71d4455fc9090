"""GET /api/admin/me: who is signed in, their role and the Administration Center tabs they see."""

from __future__ import annotations

from lifeline.domain.authorization import Action, decide, visible_admin_tabs
from lifeline.web.admin_api.common import Out
from lifeline.web.deps import SignedInDep

# Workspace views that are not Administration Center tabs of the seed but are gated the same way.
EXTRA_TABS = (("audit", Action.VIEW_AUDIT_LOG), ("api_accounts", Action.MANAGE_API_ACCOUNTS))


class MeOut(Out):
    id: int
    name: str
    email: str
    role: str
    rights_mode: str | None
    grants: list[str]
    command_center_only: bool
    has_technician_seat: bool
    assigned_tech_group_ids: list[int]
    visible_tabs: list[str]


async def read_me(signed: SignedInDep) -> MeOut:
    actor = signed.actor
    rights = actor.rights
    return MeOut(
        id=signed.user.id,
        name=signed.user.name,
        email=signed.user.email,
        role=actor.role.value,
        rights_mode=None if rights is None else rights.mode.value,
        grants=sorted(g.value for g in rights.effective_grants) if rights else [],
        command_center_only=bool(rights and rights.command_center_only),
        has_technician_seat=actor.has_technician_seat,
        assigned_tech_group_ids=sorted(actor.assigned_group_ids),
        visible_tabs=[t.value for t in visible_admin_tabs(actor)]
        + [tab for tab, action in EXTRA_TABS if decide(actor, action)],
    )
