"""What every organization action shares: who acts, validation of names, committing.

An action is `do_*(session, bus, …, *, actor, audit_actor)`. `actor` is the
`domain.authorization.Actor` every decision uses; `audit_actor` is the name
written to the audit log (a signed-in user, or "System (CLI)"). `commit`
publishes the `org` event only after the transaction commits and turns a
unique-constraint race into a clear `Conflict`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Actor, visible_admin_tabs
from lifeline.domain.roles import AdminTab, Role
from lifeline.errors import Conflict, InvalidInput, PermissionDenied
from lifeline.services.audit import AuditActor
from lifeline.services.events import publish_on_commit
from lifeline.store.org import DESCRIPTION_MAX, EMAIL_MAX, NAME_MAX, User

ORG_SUBJECT = "org"

# The System actor: the CLI and the demo seeder act with full rights, audited as such.
SYSTEM_ACTOR = Actor(user_id=0, role=Role.MASTER_ACCOUNT_HOLDER)
CLI_AUDIT_ACTOR = AuditActor(user_id=None, name="System (CLI)")


class Entity:
    """The Audit report's entity types (part2 §12), spelled as the report shows them."""

    CHANNEL = "Channel"
    TECH_GROUP = "Technician Group"
    TECHNICIAN = "Technician"
    COMPUTER_GROUP = "Unattended Computer Group"
    ADMIN_GROUP = "Administrator Group"
    MASTER_ADMIN = "Master Administrator"
    ADMIN = "Administrator"
    ADMIN_GROUP_LINK = "Administrator Group link"
    ADMIN_LINK = "Administrator link"
    EXTERNAL_GROUP = "External Technician Group"
    EXTERNAL_TECH = "External Technician"
    GLOBAL = "Global Settings"


class Change:
    """The Audit report's change types (part2 §12)."""

    ADD = "Add"
    DELETE = "Delete"
    MOVE = "Move"
    COPY = "Copy"
    ASSIGN = "Assign"
    UNASSIGN = "Unassign"
    CHANGE = "Change"


def status_word(enabled: bool) -> str:
    """The Audit report's Old/New Action words for a status field."""
    return "Enabled" if enabled else "Disabled"


def require_master(actor: Actor) -> None:
    """For areas the §31 matrix leaves to Master Administrators and that have no domain Action."""
    if not actor.role.is_master:
        raise PermissionDenied("Only a Master Administrator can do that.")


def require_tab(actor: Actor, *tabs: AdminTab) -> None:
    """403 unless one of `tabs` is visible: a restricted admin cannot reach tabs they were not granted."""
    visible = set(visible_admin_tabs(actor))
    if not visible.intersection(tabs):
        names = " or ".join(t.value.replace("_", " ").title() for t in tabs)
        raise PermissionDenied(f"Your administrator rights do not include the {names} tab.")


def clean_name(value: str, *, field: str = "name", what: str = "Name") -> str:
    """Trimmed, non-empty, at most NAME_MAX characters, no control characters."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text.", field=field)
    text = value.strip()
    if not text:
        raise InvalidInput(f"{what} must not be empty.", field=field)
    return clean_text(text, field=field, what=what, limit=NAME_MAX)


def clean_text(value: str, *, field: str, what: str, limit: int = DESCRIPTION_MAX) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text.", field=field)
    text = value.strip()
    if len(text) > limit:
        raise InvalidInput(f"{what} is too long: at most {limit} characters.", field=field)
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidInput(f"{what} must not contain control characters.", field=field)
    return text


def clean_email(value: str, *, field: str = "email") -> str:
    """A plausible address (one @, a dot in the domain, no spaces), lower-cased: it is the login."""
    text = value.strip().lower() if isinstance(value, str) else ""
    local, _, domain = text.partition("@")
    if (
        not local
        or "." not in domain
        or domain.startswith(".")
        or domain.endswith(".")
        or any(c.isspace() for c in text)
        or "@" in domain
        or len(text) > EMAIL_MAX
    ):
        raise InvalidInput(f"{value!r} is not a valid email address.", field=field)
    return text


async def ensure_email_free(session: AsyncSession, email: str, *, except_user_id: int | None = None) -> None:
    query = select(User.id).where(func.lower(User.email) == email)
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    if await session.scalar(query) is not None:
        raise Conflict(f"Another user already signs in with {email}.", field="email")


async def commit(session: AsyncSession, bus: Bus | None, event: dict[str, Any]) -> None:
    """Commit the action; the `org` event goes out only if the commit succeeds."""
    if bus is not None:
        publish_on_commit(session, bus, ORG_SUBJECT, {"type": "org", **event})
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(
            "The change clashes with another change made at the same time; reload and retry."
        ) from exc
