"""Who is asking, and may they? The only way a handler turns a user into rights.

`load_actor` builds the pure `domain.authorization.Actor` from the database
(role, admin-group rights, the assigned Technician Groups expanded to their
whole subtrees). `require` asks the domain matrix and raises. `access_*`
fetch one object *and* check it in one step; "does not exist" and "exists but
not yours" give the same `NotFound`, so ids cannot be probed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.domain.authorization import Action, Actor, decide
from lifeline.domain.org_tree import expand_subtrees
from lifeline.domain.roles import AdminRights, RightsMode, Role
from lifeline.errors import NotFound, PermissionDenied
from lifeline.store.org import AdminAssignment, AdminGroup, TechGroup, User

# Restricted with no grant: every tab and group-scoped action is refused. Built directly
# because AdminRights.parse rightly refuses this combination from user input.
NO_ADMIN_RIGHTS = AdminRights(mode=RightsMode.RESTRICTED, grants=frozenset())


async def tech_group_parents(session: AsyncSession) -> dict[int, int | None]:
    rows = await session.execute(select(TechGroup.id, TechGroup.parent_id))
    return dict(rows.all())


async def load_actor(session: AsyncSession, user: User) -> Actor:
    role = Role(user.role)
    rights: AdminRights | None = None
    assigned: frozenset[int] = frozenset()
    if role == Role.ADMIN:
        if user.admin_group_id is not None:
            group = await session.get(AdminGroup, user.admin_group_id)
            if group is not None and group.enabled:
                rights = AdminRights.parse(
                    group.rights_mode, group.grants or (), command_center_only=group.command_center_only
                )
            elif group is not None:
                # A disabled Administrator Group is inactive (L85): its members keep no
                # administrative right at all, rather than falling back to standard rights.
                rights = NO_ADMIN_RIGHTS
        roots = (await session.scalars(
            select(AdminAssignment.tech_group_id).where(AdminAssignment.admin_id == user.id)
        )).all()
        assigned = expand_subtrees(roots, await tech_group_parents(session))
    return Actor(
        user_id=user.id,
        role=role,
        rights=rights,
        assigned_group_ids=assigned,
        has_technician_seat=user.has_technician_seat or role == Role.TECHNICIAN,
    )


def require(actor: Actor, action: Action, *, group_id: int | None = None) -> None:
    if not decide(actor, action, group_id=group_id):
        raise PermissionDenied("You do not have permission to do that.")


async def access_tech_group(session: AsyncSession, actor: Actor, group_id: int, action: Action) -> TechGroup:
    group = await session.get(TechGroup, group_id)
    if group is None:
        raise NotFound(f"Technician Group {group_id} not found.")
    if not decide(actor, action, group_id=group_id):
        raise NotFound(f"Technician Group {group_id} not found.")
    return group


async def access_technician(session: AsyncSession, actor: Actor, user_id: int, action: Action) -> User:
    user = await session.get(User, user_id)
    if user is None or user.role != Role.TECHNICIAN:
        raise NotFound(f"Technician {user_id} not found.")
    if not decide(actor, action, group_id=user.tech_group_id):
        raise NotFound(f"Technician {user_id} not found.")
    return user
