"""Who a signed-in person is, and which administrative rights an Admin Group grants.

Spec part1 §2-§3. The roles are fixed by the seed: the Master Account Holder
owns the account, Master Administrators control everything, Administrators look
after the Technician Groups assigned to them, and Technicians work sessions.

Administrators inherit their rights from the (at most one) Administrator Group
they belong to. A group grants either *standard* rights (the whole
Administration Center for the assigned groups, plus the Command Center) or
*restricted* rights: only the tabs whose grant is ticked, and the spec says at
least one must be. Independently, "Access Command Center only" locks the
members out of the Administration Center altogether (spec §25, L3295-3313).

The rules that *use* these values live in :mod:`lifeline.domain.authorization`;
this module only defines the vocabulary and keeps an ``AdminRights`` value
self-consistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from lifeline.errors import InvalidInput


class Role(StrEnum):
    """The role column of a user; one role per user (seats are separate flags)."""

    MASTER_ACCOUNT_HOLDER = "master_account_holder"
    MASTER_ADMIN = "master_admin"
    ADMIN = "admin"
    TECHNICIAN = "technician"

    @property
    def is_master(self) -> bool:
        """True for the two roles with complete control (MAH and Master Administrator)."""
        return self in (Role.MASTER_ACCOUNT_HOLDER, Role.MASTER_ADMIN)

    @property
    def is_administrator(self) -> bool:
        """True for every role that may sign in to the Administration Center in principle."""
        return self is not Role.TECHNICIAN


class AdminTab(StrEnum):
    """The tabs of the Administration Center (spec §1), in the order the UI shows them."""

    ORGANIZATION = "organization"
    SETTINGS = "settings"
    SESSIONS = "sessions"
    CHANNELS = "channels"
    COMPUTERS = "computers"
    GLOBAL_SETTINGS = "global_settings"
    REPORTS = "reports"
    RESOURCES = "resources"
    ACCOUNT = "account"
    CALLINGCARD = "callingcard"
    COMMAND_CENTER = "command_center"


class RestrictedGrant(StrEnum):
    """The seven check boxes of "Restricted administrator rights" (spec §3, L178-210)."""

    COMMAND_CENTER = "command_center"
    REPORTS = "reports"
    CALLINGCARD = "callingcard"
    CHANNELS = "channels"
    GLOBAL_SETTINGS = "global_settings"
    RESOURCES = "resources"
    ACCOUNT = "account"


class RightsMode(StrEnum):
    """Standard or restricted administrator rights of an Admin Group."""

    STANDARD = "standard"
    RESTRICTED = "restricted"


# Each restricted grant opens exactly one tab; "No other tabs are visible" (L205-210).
TAB_OF_GRANT: dict[RestrictedGrant, AdminTab] = {
    RestrictedGrant.COMMAND_CENTER: AdminTab.COMMAND_CENTER,
    RestrictedGrant.REPORTS: AdminTab.REPORTS,
    RestrictedGrant.CALLINGCARD: AdminTab.CALLINGCARD,
    RestrictedGrant.CHANNELS: AdminTab.CHANNELS,
    RestrictedGrant.GLOBAL_SETTINGS: AdminTab.GLOBAL_SETTINGS,
    RestrictedGrant.RESOURCES: AdminTab.RESOURCES,
    RestrictedGrant.ACCOUNT: AdminTab.ACCOUNT,
}


@dataclass(frozen=True)
class AdminRights:
    """The rights an Administrator Group gives its members.

    ``grants`` only matters in restricted mode; in standard mode it is kept (the
    form may remember ticked boxes) but ignored, see :attr:`effective_grants`.
    Administrators who belong to no Admin Group have standard rights, so the
    authorization layer accepts ``rights=None`` for them.

    Usage::

        rights = AdminRights.parse("restricted", ["reports"], command_center_only=False)
        rights.validate()
    """

    mode: RightsMode = RightsMode.STANDARD
    grants: frozenset[RestrictedGrant] = field(default_factory=frozenset)
    command_center_only: bool = False

    def validate(self) -> None:
        """Raise :class:`InvalidInput` unless the rights form a legal combination."""
        if self.mode not in set(RightsMode):
            raise InvalidInput(
                f"Unknown rights mode {self.mode!r}; use 'standard' or 'restricted'.", field="mode"
            )
        unknown = [g for g in self.grants if g not in set(RestrictedGrant)]
        if unknown:
            raise InvalidInput(
                f"Unknown restricted grant(s): {', '.join(map(str, unknown))}.", field="grants"
            )
        if self.mode == RightsMode.RESTRICTED and not self.grants:
            raise InvalidInput(
                "Restricted administrator rights need at least one ticked option "
                "(Command Center, Reports, CallingCard, Channels, Global Settings, Resources or Account).",
                field="grants",
            )

    @property
    def is_restricted(self) -> bool:
        return self.mode == RightsMode.RESTRICTED

    @property
    def effective_grants(self) -> frozenset[RestrictedGrant]:
        """The grants that actually apply: none in standard mode (standard is a superset)."""
        return self.grants if self.is_restricted else frozenset()

    def has_grant(self, grant: RestrictedGrant) -> bool:
        return grant in self.effective_grants

    @classmethod
    def parse(
        cls, mode: str, grants: Iterable[str] = (), *, command_center_only: bool = False
    ) -> AdminRights:
        """Build validated rights from untrusted strings (form or JSON input)."""
        try:
            parsed_mode = RightsMode(mode)
        except ValueError:
            raise InvalidInput(
                f"Unknown rights mode {mode!r}; use 'standard' or 'restricted'.", field="mode"
            ) from None
        parsed: set[RestrictedGrant] = set()
        for grant in grants:
            try:
                parsed.add(RestrictedGrant(grant))
            except ValueError:
                known = ", ".join(g.value for g in RestrictedGrant)
                raise InvalidInput(
                    f"Unknown restricted grant {grant!r}; known grants: {known}.", field="grants"
                ) from None
        rights = cls(mode=parsed_mode, grants=frozenset(parsed), command_center_only=command_center_only)
        rights.validate()
        return rights


STANDARD_RIGHTS = AdminRights()
