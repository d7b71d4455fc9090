"""What every organization action shares: who acts, validation of names, committing.

An action is `do_*(session, bus, …, *, actor, audit_actor)`. `actor` is the
`domain.authorization.Actor` every decision uses; `audit_actor` is the name
written to the audit log (a signed-in user, or "System (CLI)"). `commit`
publishes the `org` event only after the transaction commits and turns a
unique-constraint race into a clear `Conflict`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypedDict, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lifeline.bus import Bus
from lifeline.domain.authorization import Actor, visible_admin_tabs
from lifeline.domain.roles import AdminTab, Role
from lifeline.errors import Conflict, InvalidInput, PermissionDenied
from lifeline.services.audit import AuditActor, record_audit, record_changes
from lifeline.services.events import publish_on_commit
from lifeline.store.org import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    NAME_MAX,
    AdminGroup,
    Channel,
    ComputerGroup,
    ExternalTechGroup,
    ExternalTechnician,
    TechGroup,
    User,
)

ORG_SUBJECT = "org"

# The System actor: the CLI and the demo seeder act with full rights, audited as such.
SYSTEM_ACTOR = Actor(user_id=0, role=Role.MASTER_ACCOUNT_HOLDER)
CLI_AUDIT_ACTOR = AuditActor(user_id=None, name="System (CLI)")


class ActingAs(TypedDict):
    """The `actor` and `audit_actor` keywords of every `do_*` action, to pass as `**act`."""

    actor: Actor
    audit_actor: AuditActor


CLI_ACTING: ActingAs = {"actor": SYSTEM_ACTOR, "audit_actor": CLI_AUDIT_ACTOR}


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
    VIEW = "View"  # a protected value was revealed ("Show URLs", part2 §14)


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


def clean_edit(
    name: str | None, description: str | None, *, what: str = "Group name"
) -> tuple[str | None, str | None]:
    """An edit's name and description, cleaned like on create; `None` stays `None` (= unchanged)."""
    return (
        None if name is None else clean_name(name, what=what),
        None if description is None else clean_text(description, field="description", what="Description"),
    )


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


# What a `Kind` audits: the organization objects, read for their `id` and the `name` rows show.
# A union of the mapped classes rather than a Protocol with `id`/`name` properties: mypy wrongly
# rejects a `Mapped[...]` column for a protocol property in a type argument (`Kind[User]`) and
# then keeps that answer for the whole run (python/mypy#20317).
Audited = User | TechGroup | AdminGroup | Channel | ComputerGroup | ExternalTechGroup | ExternalTechnician
T = TypeVar("T", bound=Audited)


@dataclass(frozen=True)
class Kind(Generic[T]):
    """How one kind of organization object is audited and announced.

    Every `do_*` action ends the same way: an `Add`/`Change`/`Move`/`Delete`
    audit row under the kind's entity type and section, then `commit` with an
    `org` event naming the kind. Keeping those steps here means the audit
    vocabulary and the event shape cannot drift between modules.
    """

    entity_type: str  # `Entity.*`, as the Audit report spells it
    event: str  # the `entity` field of the `org` event
    section: str
    describe: Callable[[T], dict[str, object]]  # the audited fields, compared by `Change` rows

    def audit(self, session: AsyncSession, audit_actor: AuditActor, obj: T, **row: Any) -> None:
        """One audit row about `obj`; `row` is the rest of `record_audit`'s fields."""
        record_audit(
            session,
            audit_actor,
            entity_type=self.entity_type,
            entity_id=obj.id,
            entity_name=obj.name,
            section=self.section,
            **row,
        )

    def audit_add(self, session: AsyncSession, audit_actor: AuditActor, obj: T) -> None:
        """The `Add` row of a flushed new object, for callers (the bulk import) that commit later."""
        self.audit(session, audit_actor, obj, change_type=Change.ADD, new=self.describe(obj))

    async def commit(
        self, session: AsyncSession, bus: Bus | None, op: str, entity_id: int, **extra: object
    ) -> None:
        """`common.commit` with this kind's `org` event."""
        await commit(session, bus, {"op": op, "entity": self.event, "id": entity_id, **extra})

    async def commit_add(
        self, session: AsyncSession, bus: Bus | None, audit_actor: AuditActor, obj: T
    ) -> None:
        self.audit_add(session, audit_actor, obj)
        await self.commit(session, bus, "add", obj.id)

    async def commit_update(
        self, session: AsyncSession, bus: Bus | None, audit_actor: AuditActor, obj: T, **fields: object
    ) -> None:
        """Set the already validated `fields` that are not `None` (left out = unchanged) and commit."""
        before = self.describe(obj)
        for attr, value in fields.items():
            if value is not None:
                setattr(obj, attr, value)
        await self.commit_changes(session, bus, audit_actor, obj, before)

    async def commit_changes(
        self,
        session: AsyncSession,
        bus: Bus | None,
        audit_actor: AuditActor,
        obj: T,
        before: dict[str, object],
        after: dict[str, object] | None = None,
    ) -> None:
        """`Change` rows for what differs from `before` (default after: `describe(obj)`), then commit."""
        record_changes(
            session,
            audit_actor,
            entity_type=self.entity_type,
            entity_id=obj.id,
            entity_name=obj.name,
            section=self.section,
            before=before,
            after=self.describe(obj) if after is None else after,
        )
        await self.commit(session, bus, "change", obj.id)

    async def commit_move(
        self,
        session: AsyncSession,
        bus: Bus | None,
        audit_actor: AuditActor,
        obj: T,
        *,
        field: str,
        old: int | None,
        new: int | None,
        **extra: object,
    ) -> None:
        self.audit(session, audit_actor, obj, change_type=Change.MOVE, field=field, old=old, new=new)
        await self.commit(session, bus, "move", obj.id, **extra)

    async def commit_delete(
        self, session: AsyncSession, bus: Bus | None, audit_actor: AuditActor, obj: T
    ) -> None:
        """The `Delete` row keeps the last audited fields, since the object itself goes."""
        entity_id = obj.id
        self.audit(session, audit_actor, obj, change_type=Change.DELETE, old=self.describe(obj))
        await session.delete(obj)
        await self.commit(session, bus, "delete", entity_id)
