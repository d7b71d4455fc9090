"""Who may do what in the Administration Center: the spec's §31 matrix, as data.

Each :class:`Action` has one :class:`Rule` per :class:`Subject` (the matrix
columns). A rule is one of:

- ``YES`` — always;
- ``NO`` — never;
- ``ASSIGNED`` (the matrix's *A*) — only for a Technician Group in the actor's
  ``assigned_group_ids``, which the caller has already expanded to whole
  sub-trees (:func:`lifeline.domain.org_tree.expand_subtrees`);
- ``grant(g)`` (the matrix's *R*) — only if the actor's restricted rights tick ``g``;
- ``SEAT`` — only with a technician seat (acting in the Technician Console).

:func:`decide` answers one question for one group; :func:`may_use` answers
"is this feature available to the actor at all" (menus, tabs) ignoring group
scope. Both are pure, so the service layer calls them inside its
``access_*`` helpers and turns ``False`` into ``PermissionDenied`` / ``NotFound``.

Decisions on the spec's gaps (§32):

1. *Global Settings for restricted admins* (§32.1): a restricted admin whose
   group ticks "Global Settings" gets the Global Settings tab, view and edit.
   The grant would be meaningless otherwise; "only MAs" in L49-51 predates it.
5. *Does assignment reach sub-groups?* (§32.5): yes. Admins may create
   sub-groups under assigned groups, and would otherwise lose control of the
   groups they just created. The caller expands the sub-trees.
12. *Who configures channels?* (§32.12): Master Administrators configure any
   channel; a standard Administrator configures a channel that is assigned to
   at least one of their groups (the seed: "configures support channels for
   assigned TGs") — the service checks with :func:`decide_for_any_group` over
   the channel's groups; a restricted admin with the Channels grant configures
   every channel (that grant opens the whole Channels tab).

Further decisions:

- The Master Account Holder has at least Master Administrator rights (the
  matrix's ``*``).
- Administrators outside any Admin Group (``rights=None``) have standard rights.
- Restricted admins act on whole tabs, not on assigned groups: their *R*
  rows are not group-scoped.
- Bulk import is Master-Administrator-only, as §7 says, even for a restricted
  admin with the Account grant: imported rows may target any Technician Group.
- API accounts, the audit log, labels, the Access Wizard and permission
  locking are Master-Administrator-only.
- Restricted admins may act as technicians only with a technician seat
  (the seat is a licence of its own); Command-Center-only admins never use the
  Technician Console or the Administration Center (the matrix's "—").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from lifeline.domain.roles import TAB_OF_GRANT, AdminRights, AdminTab, RestrictedGrant, Role


class Action(StrEnum):
    VIEW_GLOBAL_SETTINGS = "view_global_settings"
    EDIT_GLOBAL_SETTINGS = "edit_global_settings"
    CREATE_MASTER_ADMIN = "create_master_admin"
    CREATE_ADMIN = "create_admin"
    MANAGE_ADMIN_GROUPS = "manage_admin_groups"
    SET_COMMAND_CENTER_ONLY = "set_command_center_only"
    CREATE_TECH_GROUP = "create_tech_group"  # group_id = the parent group
    LOCK_PERMISSIONS = "lock_permissions"
    EDIT_TECH_GROUP = "edit_tech_group"  # permissions, settings, name, status, move
    MANAGE_TECHNICIANS = "manage_technicians"  # create/edit/disable/move; group_id = their group
    IMPORT_TECHNICIANS = "import_technicians"
    RESET_2SV = "reset_2sv"  # group_id = the user's group
    CONFIGURE_CHANNELS = "configure_channels"  # rename, describe, link code, channel settings
    ASSIGN_CHANNELS = "assign_channels"  # channel↔group and technician exclusions; group_id = the group
    MANAGE_IP_RESTRICTIONS = "manage_ip_restrictions"  # a group's Technician Console rule
    MANAGE_SESSIONS = "manage_sessions"  # Sessions tab: view/start/transfer/close/hold
    MANAGE_COMPUTERS = "manage_computers"  # Computers tab and Computer Groups
    CREATE_LABELS = "create_labels"
    ASSIGN_LABELS = "assign_labels"  # group_id = the Technician Group; channels need YES
    VIEW_COMMAND_CENTER = "view_command_center"
    VIEW_REPORTS = "view_reports"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_API_ACCOUNTS = "manage_api_accounts"
    USE_ADMIN_CENTER = "use_admin_center"
    USE_TECHNICIAN_CONSOLE = "use_technician_console"
    MONITOR_TECHNICIAN = "monitor_technician"  # group_id = the watched technician's group
    USE_ACCESS_WIZARD = "use_access_wizard"
    MANAGE_RESOURCES = "manage_resources"
    MANAGE_CALLING_CARD = "manage_calling_card"
    MANAGE_ACCOUNT = "manage_account"


class Subject(StrEnum):
    """The matrix columns an actor falls into."""

    MASTER_ACCOUNT_HOLDER = "master_account_holder"
    MASTER_ADMIN = "master_admin"
    ADMIN_STANDARD = "admin_standard"
    ADMIN_RESTRICTED = "admin_restricted"
    ADMIN_CC_ONLY = "admin_cc_only"
    TECHNICIAN = "technician"


@dataclass(frozen=True)
class Rule:
    """One matrix cell. ``allowed=False`` is "—"; the other fields add conditions."""

    allowed: bool = True
    scoped: bool = False  # A: only for assigned groups
    grant: RestrictedGrant | None = None  # R: only with this restricted grant
    needs_seat: bool = False  # only with a technician seat


YES = Rule()
NO = Rule(allowed=False)
ASSIGNED = Rule(scoped=True)
SEAT = Rule(needs_seat=True)


def grant(g: RestrictedGrant) -> Rule:
    return Rule(grant=g)


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the rules see them.

    ``rights`` is the Admin Group's rights for an Administrator (``None`` =
    standard); it is ignored for other roles. ``assigned_group_ids`` must
    already include every descendant of every assigned group.
    """

    user_id: int
    role: Role
    rights: AdminRights | None = None
    assigned_group_ids: frozenset[int] = field(default_factory=frozenset)
    has_technician_seat: bool = False


_S = Subject
_MASTERS_ONLY = {_S.MASTER_ACCOUNT_HOLDER: YES, _S.MASTER_ADMIN: YES}
_MASTERS_AND_ASSIGNED = {**_MASTERS_ONLY, _S.ADMIN_STANDARD: ASSIGNED}

# The §31 matrix. Cells not listed are NO.
MATRIX: dict[Action, dict[Subject, Rule]] = {
    Action.VIEW_GLOBAL_SETTINGS: {
        **_MASTERS_ONLY,
        _S.ADMIN_RESTRICTED: grant(RestrictedGrant.GLOBAL_SETTINGS),
    },
    Action.EDIT_GLOBAL_SETTINGS: {
        **_MASTERS_ONLY,
        _S.ADMIN_RESTRICTED: grant(RestrictedGrant.GLOBAL_SETTINGS),
    },
    Action.CREATE_MASTER_ADMIN: _MASTERS_ONLY,
    Action.CREATE_ADMIN: _MASTERS_ONLY,
    Action.MANAGE_ADMIN_GROUPS: _MASTERS_ONLY,
    Action.SET_COMMAND_CENTER_ONLY: _MASTERS_ONLY,
    Action.CREATE_TECH_GROUP: _MASTERS_AND_ASSIGNED,
    Action.LOCK_PERMISSIONS: _MASTERS_ONLY,
    Action.EDIT_TECH_GROUP: _MASTERS_AND_ASSIGNED,
    Action.MANAGE_TECHNICIANS: _MASTERS_AND_ASSIGNED,
    Action.IMPORT_TECHNICIANS: _MASTERS_ONLY,
    Action.RESET_2SV: _MASTERS_AND_ASSIGNED,
    Action.CONFIGURE_CHANNELS: {
        **_MASTERS_AND_ASSIGNED,
        _S.ADMIN_RESTRICTED: grant(RestrictedGrant.CHANNELS),
    },
    Action.ASSIGN_CHANNELS: {**_MASTERS_AND_ASSIGNED, _S.ADMIN_RESTRICTED: grant(RestrictedGrant.CHANNELS)},
    Action.MANAGE_IP_RESTRICTIONS: _MASTERS_AND_ASSIGNED,
    Action.MANAGE_SESSIONS: _MASTERS_AND_ASSIGNED,
    Action.MANAGE_COMPUTERS: _MASTERS_AND_ASSIGNED,
    Action.CREATE_LABELS: _MASTERS_ONLY,
    Action.ASSIGN_LABELS: _MASTERS_AND_ASSIGNED,
    Action.VIEW_COMMAND_CENTER: {
        **_MASTERS_AND_ASSIGNED,
        _S.ADMIN_RESTRICTED: grant(RestrictedGrant.COMMAND_CENTER),
        _S.ADMIN_CC_ONLY: ASSIGNED,
    },
    Action.VIEW_REPORTS: {**_MASTERS_AND_ASSIGNED, _S.ADMIN_RESTRICTED: grant(RestrictedGrant.REPORTS)},
    Action.VIEW_AUDIT_LOG: _MASTERS_ONLY,
    Action.MANAGE_API_ACCOUNTS: _MASTERS_ONLY,
    Action.USE_ADMIN_CENTER: {**_MASTERS_ONLY, _S.ADMIN_STANDARD: YES, _S.ADMIN_RESTRICTED: YES},
    Action.USE_TECHNICIAN_CONSOLE: {
        _S.MASTER_ACCOUNT_HOLDER: SEAT,
        _S.MASTER_ADMIN: SEAT,
        _S.ADMIN_STANDARD: SEAT,
        _S.ADMIN_RESTRICTED: SEAT,
        _S.TECHNICIAN: YES,
    },
    Action.MONITOR_TECHNICIAN: {
        _S.MASTER_ACCOUNT_HOLDER: SEAT,
        _S.MASTER_ADMIN: SEAT,
        _S.ADMIN_STANDARD: Rule(scoped=True, needs_seat=True),
    },
    Action.USE_ACCESS_WIZARD: _MASTERS_ONLY,
    Action.MANAGE_RESOURCES: {**_MASTERS_ONLY, _S.ADMIN_RESTRICTED: grant(RestrictedGrant.RESOURCES)},
    Action.MANAGE_CALLING_CARD: {**_MASTERS_ONLY, _S.ADMIN_RESTRICTED: grant(RestrictedGrant.CALLINGCARD)},
    Action.MANAGE_ACCOUNT: {**_MASTERS_ONLY, _S.ADMIN_RESTRICTED: grant(RestrictedGrant.ACCOUNT)},
}


def subject_of(actor: Actor) -> Subject:
    """Which matrix column ``actor`` falls into."""
    if actor.role == Role.MASTER_ACCOUNT_HOLDER:
        return Subject.MASTER_ACCOUNT_HOLDER
    if actor.role == Role.MASTER_ADMIN:
        return Subject.MASTER_ADMIN
    if actor.role == Role.TECHNICIAN:
        return Subject.TECHNICIAN
    rights = actor.rights
    if rights is not None and rights.command_center_only:
        return Subject.ADMIN_CC_ONLY
    if rights is not None and rights.is_restricted:
        return Subject.ADMIN_RESTRICTED
    return Subject.ADMIN_STANDARD


def rule_for(actor: Actor, action: Action) -> Rule:
    return MATRIX[action].get(subject_of(actor), NO)


def _grant_and_seat_ok(actor: Actor, rule: Rule) -> bool:
    if not rule.allowed:
        return False
    if rule.grant is not None and (actor.rights is None or not actor.rights.has_grant(rule.grant)):
        return False
    return not (rule.needs_seat and not actor.has_technician_seat)


def decide(actor: Actor, action: Action, *, group_id: int | None = None) -> bool:
    """Whether ``actor`` may perform ``action`` (on Technician Group ``group_id``, if scoped).

    For group-scoped (*A*) rules ``group_id`` must be in the actor's assigned
    groups; ``None`` (e.g. creating a group at the root, or a channel-only
    target) is therefore refused for scoped actors. Unscoped rules ignore it.
    """
    rule = rule_for(actor, action)
    if not _grant_and_seat_ok(actor, rule):
        return False
    return not rule.scoped or (group_id is not None and group_id in actor.assigned_group_ids)


def decide_for_any_group(actor: Actor, action: Action, group_ids: Iterable[int]) -> bool:
    """True if :func:`decide` allows ``action`` for at least one of ``group_ids``.

    Used for things attached to several groups, e.g. configuring a channel
    assigned to several Technician Groups (gap §32.12).
    """
    rule = rule_for(actor, action)
    if not rule.scoped:
        return decide(actor, action)
    return any(decide(actor, action, group_id=g) for g in group_ids)


def may_use(actor: Actor, action: Action) -> bool:
    """Whether ``action`` is available to ``actor`` at all, ignoring group scope (for menus and tabs)."""
    return _grant_and_seat_ok(actor, rule_for(actor, action))


# Which action opens each tab for a standard administrator.
_STANDARD_ADMIN_TABS: tuple[AdminTab, ...] = (
    AdminTab.ORGANIZATION,
    AdminTab.SETTINGS,
    AdminTab.SESSIONS,
    AdminTab.CHANNELS,
    AdminTab.COMPUTERS,
    AdminTab.REPORTS,
    AdminTab.COMMAND_CENTER,
)


def visible_admin_tabs(actor: Actor) -> list[AdminTab]:
    """The Administration Center tabs ``actor`` sees, in UI order.

    - MAH and Master Administrators: every tab.
    - Standard Administrators: Organization, Settings, Sessions, Channels,
      Computers, Reports and the Command Center (their content limited to
      assigned groups).
    - Restricted Administrators: exactly the tabs of their grants.
    - Command-Center-only Administrators and Technicians: none — they cannot
      open the Administration Center (the Command Center is reached directly;
      check :data:`Action.VIEW_COMMAND_CENTER`).
    """
    subject = subject_of(actor)
    if subject in (Subject.MASTER_ACCOUNT_HOLDER, Subject.MASTER_ADMIN):
        return list(AdminTab)
    if subject == Subject.ADMIN_STANDARD:
        return [t for t in AdminTab if t in _STANDARD_ADMIN_TABS]
    if subject == Subject.ADMIN_RESTRICTED and actor.rights is not None:
        granted = {TAB_OF_GRANT[g] for g in actor.rights.effective_grants}
        return [t for t in AdminTab if t in granted]
    return []
