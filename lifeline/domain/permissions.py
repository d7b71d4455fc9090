"""The 32 Technician Group permissions, their sub-options, and what the console hides.

Spec part1 §4-§6 (seed L216-527). Technicians have no permissions of their
own: they inherit the set of their Technician Group. Every permission is a
check box; four carry one sub-option each:

- *Access File Manager tab* → ``manage_files`` (flag);
- *Record sessions* → ``consent_only`` (flag: ask the customer even with single prompt);
- *Transfer sessions* and *Send collaboration invitations* → ``scope``:
  ``any`` | ``specific`` (with a list of target Technician Groups, and for
  transfers also channels);
- *Invite external technicians* → ``invitees``: ``anyone`` | ``approved_only``.

A grant also has a ``locked`` flag: a Master Administrator can lock a
permission so that Administrators cannot change it (§4; we lock *per
permission*, the finer of the two readings of that gap).

The catalog is data: the web layer renders the Permissions panel from
:data:`PERMISSIONS`, the store keeps one row per (group, key), and
:func:`validate_grant` is the one gate for untrusted input. The server must
enforce every permission on every session action; :func:`hidden_console_features`
is only the UI half (§5).

Defaults (what a new Technician Group gets) follow one rule: everything a
technician needs for an ordinary attended support session is on (chat, view,
remote control, files, URLs, system info, reboot, private sessions, transfer,
hold, collaboration, screenshots), and anything that installs software, runs
code, reaches machines without a customer present, handles credentials,
records, involves outsiders, or needs extra infrastructure (SMS, media relay)
is off until an administrator decides otherwise. Each definition's
``default_allowed`` says which side it falls on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lifeline.errors import InvalidInput, PermissionDenied

# Option values, shared with the transfer rules and the store's JSON column.
SCOPE_ANY = "any"
SCOPE_SPECIFIC = "specific"
INVITEES_ANYONE = "anyone"
INVITEES_APPROVED_ONLY = "approved_only"
# Accepted on input for compatibility with callers that say "approved"; stored as approved_only.
_OPTION_ALIASES = {"approved": INVITEES_APPROVED_ONLY}
# Bounds the target list so a crafted request cannot store an unbounded JSON blob.
MAX_PERMISSION_TARGETS = 1000
PERMISSION_COUNT = 32
GRANT_FIELDS = frozenset({"allowed", "option", "targets", "locked"})


class OptionKind(StrEnum):
    CHOICE = "choice"  # one of ``choices``
    FLAG = "flag"  # a boolean sub-check-box


class TargetType(StrEnum):
    TECH_GROUP = "tech_group"
    CHANNEL = "channel"


@dataclass(frozen=True)
class PermissionOption:
    """The single sub-option of a permission.

    ``name`` is also accepted as an input key in :func:`validate_grant` (e.g.
    ``{"allowed": true, "consent_only": false}``). When the chosen value equals
    ``targets_choice``, the grant must list targets of ``target_types``.
    """

    name: str
    label: str
    kind: OptionKind
    default: str | bool
    choices: tuple[str, ...] = ()
    targets_choice: str | None = None
    target_types: frozenset[TargetType] = frozenset()


@dataclass(frozen=True)
class PermissionDef:
    """One check box of the Permissions panel, numbered as in the seed's list."""

    key: str
    number: int
    label: str
    description: str
    options: tuple[PermissionOption, ...] | None
    default_allowed: bool

    @property
    def option(self) -> PermissionOption | None:
        """The sub-option, if any (every permission has at most one)."""
        return self.options[0] if self.options else None


@dataclass(frozen=True, order=True)
class PermissionTarget:
    """A Technician Group or channel named by a ``specific`` transfer/invitation option."""

    type: TargetType
    id: int

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "id": self.id}


@dataclass(frozen=True)
class PermissionGrant:
    """The state of one permission on one Technician Group."""

    allowed: bool
    option: str | bool | None = None
    targets: frozenset[PermissionTarget] = field(default_factory=frozenset)
    locked: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON shape accepted back by :func:`validate_grant` (targets sorted for stable output)."""
        return {
            "allowed": self.allowed,
            "option": self.option,
            "targets": [t.as_dict() for t in sorted(self.targets)],
            "locked": self.locked,
        }

    def target_ids(self, target_type: TargetType) -> frozenset[int]:
        return frozenset(t.id for t in self.targets if t.type == target_type)


_TRANSFER_SCOPE = PermissionOption(
    name="scope",
    label="Transfer to",
    kind=OptionKind.CHOICE,
    default=SCOPE_ANY,
    choices=(SCOPE_ANY, SCOPE_SPECIFIC),
    targets_choice=SCOPE_SPECIFIC,
    target_types=frozenset({TargetType.TECH_GROUP, TargetType.CHANNEL}),
)
_INVITE_SCOPE = PermissionOption(
    name="scope",
    label="Invite",
    kind=OptionKind.CHOICE,
    default=SCOPE_ANY,
    choices=(SCOPE_ANY, SCOPE_SPECIFIC),
    targets_choice=SCOPE_SPECIFIC,
    target_types=frozenset({TargetType.TECH_GROUP}),
)
# approved_only by default: if an admin turns external invitations on, outsiders
# must first be listed in an External Technician Group.
_EXTERNAL_INVITEES = PermissionOption(
    name="invitees",
    label="Who can be invited",
    kind=OptionKind.CHOICE,
    default=INVITEES_APPROVED_ONLY,
    choices=(INVITEES_ANYONE, INVITEES_APPROVED_ONLY),
)
# consent_only by default: recording is the most privacy-sensitive action, so
# once allowed the customer is asked every time unless an admin says otherwise.
_RECORD_CONSENT = PermissionOption(
    name="consent_only", label="Only with customer consent", kind=OptionKind.FLAG, default=True
)
# Off by default: managing (deleting, renaming) the customer's files is a step
# beyond sending and receiving them.
_MANAGE_FILES = PermissionOption(
    name="manage_files", label="Manage files", kind=OptionKind.FLAG, default=False
)


def _p(
    key: str,
    number: int,
    label: str,
    description: str,
    default_allowed: bool,
    option: PermissionOption | None = None,
) -> PermissionDef:
    return PermissionDef(key, number, label, description, (option,) if option else None, default_allowed)


PERMISSIONS: tuple[PermissionDef, ...] = (
    _p("chat", 1, "Chat", "Chat is on when the session starts.", True),
    _p(
        "chat_toggle",
        2,
        "Allow chat enable/disable by Technician",
        "The technician may turn chat on or off during the session.",
        True,
    ),
    _p(
        "launch_remote_control",
        3,
        "Launch remote control",
        "Start remote control during any active session.",
        True,
    ),
    _p("launch_desktop_viewing", 4, "Launch desktop viewing", "Start a view-only desktop session.", True),
    _p("send_files", 5, "Send files", "Send files to the customer.", True),
    _p("receive_files", 6, "Receive files", "Receive files from the customer.", True),
    _p(
        "file_manager",
        7,
        "Access File Manager tab",
        "Open the File Manager tab; 'Manage files' also lets the technician manage the customer's files. "
        "Sending and receiving depend on the Send/Receive files permissions.",
        True,
        _MANAGE_FILES,
    ),
    _p("send_urls", 8, "Send URLs", "Open a URL on the customer's device.", True),
    _p(
        "view_system_info",
        9,
        "View system information",
        "See the customer's system information in desktop and mobile sessions (not Click2Fix).",
        True,
    ),
    _p("reboot", 10, "Reboot", "Reboot the customer's device.", True),
    _p(
        "record_sessions",
        11,
        "Record sessions",
        "Record the screen of any session. Off by default: recordings hold customer data. With "
        "'Only with customer consent' the customer is always asked, even with single prompt.",
        False,
        _RECORD_CONSENT,
    ),
    _p(
        "start_private_sessions",
        12,
        "Start private sessions",
        "Start sessions by PIN code, link, SMS or Calling Card.",
        True,
    ),
    _p(
        "single_prompt",
        13,
        "Use single prompt for all permissions",
        "Ask the customer once for all remote actions. Off by default: asking on each action is the "
        "customer-protective choice.",
        False,
    ),
    _p(
        "transfer_sessions",
        14,
        "Transfer sessions",
        "Transfer sessions to any technician, or only to specific technician groups or channels.",
        True,
        _TRANSFER_SCOPE,
    ),
    _p("hold_sessions", 15, "Hold sessions", "Put sessions on hold.", True),
    _p(
        "request_windows_credentials",
        16,
        "Request Windows credentials",
        "Ask for the customer's Windows credentials. Off by default: it handles the customer's secrets.",
        False,
    ),
    _p(
        "clipboard_sync",
        17,
        "Allow clipboard synchronization",
        "Two-way clipboard synchronization. Off by default: clipboards often hold passwords and can "
        "carry data between customers.",
        False,
    ),
    _p(
        "deploy_calling_card",
        18,
        "Deploy the Calling Card",
        "Install the Calling Card on the customer's desktop. Off by default: it installs software.",
        False,
    ),
    _p(
        "screen_sharing",
        19,
        "Allow screen sharing with customers",
        "Show the technician's own desktop to the customer. Off by default: it exposes the "
        "technician's screen.",
        False,
    ),
    _p(
        "collaboration_invitations",
        20,
        "Send collaboration invitations",
        "Invite other technicians into an active session: any technician, or only specific "
        "technician groups.",
        True,
        _INVITE_SCOPE,
    ),
    _p(
        "invite_external",
        21,
        "Invite external technicians",
        "Invite people outside the organization: anyone, or only approved external technicians. "
        "Off by default: it brings outsiders into customer sessions.",
        False,
        _EXTERNAL_INVITEES,
    ),
    _p(
        "inline_editing",
        22,
        "Inline editing of Queue",
        "Edit the session's custom fields during the session.",
        True,
    ),
    _p(
        "script_deployment",
        23,
        "Script deployment",
        "Deploy scripts to the customer's system. Off by default: it runs code.",
        False,
    ),
    _p(
        "run_embedded_scripts",
        24,
        "Run embedded scripts",
        "The manual 'Run Script' button on the Reboot tab. Off by default: it runs code.",
        False,
    ),
    _p(
        "unattended_access",
        25,
        "Unattended access",
        "Request unattended access and start unattended sessions. Off by default: nobody is present "
        "to watch.",
        False,
    ),
    _p(
        "connect_on_lan",
        26,
        "Connect On LAN",
        "Connect to computers on the local network without customer interaction. Off by default.",
        False,
    ),
    _p(
        "configure_mobile",
        27,
        "Configure mobile device settings",
        "The Device Configuration tab (not Click2Fix). Off by default: it changes device settings.",
        False,
    ),
    _p("click2fix", 28, "Click2Fix for mobile", "Mobile sessions open on the Click2Fix tab.", True),
    _p(
        "classic_mobile_display",
        29,
        "Classic display for mobile",
        "Show the legacy Customer Display tab in mobile sessions. Off by default: legacy view.",
        False,
    ),
    _p(
        "rescue_lens",
        30,
        "Rescue Lens",
        "Start Lens sessions (live video from the customer's camera). Off by default: it needs the "
        "media relay configured and streams the customer's surroundings.",
        False,
    ),
    _p("screen_capture", 31, "Screen capture", "Capture images of the customer's screen.", True),
    _p(
        "disallow_media_stream",
        32,
        "Disallow media stream in Rescue sessions for technicians",
        "When ticked, technicians cannot use the audio/video media stream in sessions (the seed shows "
        "only the check box, gap §32.10). Unticked by default, so the media stream is governed by the "
        "other permissions.",
        False,
    ),
)

PERMISSION_BY_KEY: dict[str, PermissionDef] = {p.key: p for p in PERMISSIONS}


class ConsoleFeature(StrEnum):
    """Technician Console buttons and tabs that disappear when their permission is denied (§5)."""

    LAUNCH_REMOTE_CONTROL_BUTTON = "launch_remote_control_button"
    LAUNCH_DESKTOP_VIEWING_BUTTON = "launch_desktop_viewing_button"
    FILE_MANAGER_TAB = "file_manager_tab"
    SYSTEM_INFO_TAB = "system_info_tab"
    REBOOT_TAB = "reboot_tab"
    CALLING_CARD_TAB = "calling_card_tab"
    SCRIPTS_TAB = "scripts_tab"
    UNATTENDED_ACCESS_TAB = "unattended_access_tab"
    DEVICE_CONFIGURATION_TAB = "device_configuration_tab"
    CUSTOMER_DISPLAY_TAB = "customer_display_tab"
    CLICK2FIX_TAB = "click2fix_tab"


# The simple one-permission rows of the §5 map; the File Manager and Scripts
# tabs have compound rules in hidden_console_features.
_HIDE_IF_DENIED: dict[ConsoleFeature, str] = {
    ConsoleFeature.LAUNCH_REMOTE_CONTROL_BUTTON: "launch_remote_control",
    ConsoleFeature.LAUNCH_DESKTOP_VIEWING_BUTTON: "launch_desktop_viewing",
    ConsoleFeature.SYSTEM_INFO_TAB: "view_system_info",
    ConsoleFeature.REBOOT_TAB: "reboot",
    ConsoleFeature.CALLING_CARD_TAB: "deploy_calling_card",
    ConsoleFeature.UNATTENDED_ACCESS_TAB: "unattended_access",
    ConsoleFeature.DEVICE_CONFIGURATION_TAB: "configure_mobile",
    ConsoleFeature.CUSTOMER_DISPLAY_TAB: "classic_mobile_display",
    ConsoleFeature.CLICK2FIX_TAB: "click2fix",
}


def default_grant(key: str) -> PermissionGrant:
    """The grant a new Technician Group starts with for ``key``."""
    definition = _definition(key)
    option = definition.option
    return PermissionGrant(allowed=definition.default_allowed, option=option.default if option else None)


def default_grants() -> dict[str, PermissionGrant]:
    """The full permission set of a new Technician Group, in catalog order."""
    return {p.key: default_grant(p.key) for p in PERMISSIONS}


def _definition(key: str) -> PermissionDef:
    try:
        return PERMISSION_BY_KEY[key]
    except (KeyError, TypeError):
        raise InvalidInput(f"Unknown permission {key!r}.", field="permission") from None


def _require_bool(value: object, key: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"Permission {key!r}: {name!r} must be true or false.", field=key)
    return value


def _parse_option(definition: PermissionDef, data: Mapping[str, Any]) -> str | bool | None:
    option = definition.option
    key = definition.key
    via_generic = "option" in data and data["option"] is not None
    via_named = option is not None and option.name in data
    if option is None:
        if via_generic:
            raise InvalidInput(f"Permission {key!r} has no options.", field=key)
        return None
    if via_generic and via_named and data["option"] != data[option.name]:
        raise InvalidInput(
            f"Permission {key!r}: 'option' and {option.name!r} disagree; send only one.", field=key
        )
    if not (via_generic or via_named):
        return option.default
    raw = data[option.name] if via_named else data["option"]
    if option.kind == OptionKind.FLAG:
        return _require_bool(raw, key, option.name)
    value = _OPTION_ALIASES.get(raw, raw) if isinstance(raw, str) else raw
    if value not in option.choices:
        raise InvalidInput(
            f"Permission {key!r}: option must be one of {', '.join(option.choices)}, not {raw!r}.", field=key
        )
    return str(value)


def _parse_targets(
    definition: PermissionDef, option_value: str | bool | None, raw: object, allowed: bool
) -> frozenset[PermissionTarget]:
    key = definition.key
    option = definition.option
    if raw is None:
        raw = []
    if not isinstance(raw, list | tuple):
        raise InvalidInput(f"Permission {key!r}: 'targets' must be a list.", field=key)
    needs_targets = (
        option is not None and option.targets_choice is not None and option_value == option.targets_choice
    )
    if raw and not needs_targets:
        raise InvalidInput(
            f"Permission {key!r}: targets can only be given with the 'specific' option.", field=key
        )
    if len(raw) > MAX_PERMISSION_TARGETS:
        raise InvalidInput(f"Permission {key!r}: at most {MAX_PERMISSION_TARGETS} targets.", field=key)
    targets: set[PermissionTarget] = set()
    for item in raw:
        if not isinstance(item, Mapping) or set(item) != {"type", "id"}:
            raise InvalidInput(f"Permission {key!r}: each target needs exactly 'type' and 'id'.", field=key)
        kinds = option.target_types if option else frozenset()
        if not isinstance(item["type"], str) or item["type"] not in kinds:
            allowed_kinds = " or ".join(sorted(k.value for k in kinds))
            raise InvalidInput(
                f"Permission {key!r}: target type must be {allowed_kinds}, not {item['type']!r}.", field=key
            )
        target_id = item["id"]
        if isinstance(target_id, bool) or not isinstance(target_id, int) or target_id <= 0:
            raise InvalidInput(f"Permission {key!r}: target id must be a positive integer.", field=key)
        targets.add(PermissionTarget(TargetType(item["type"]), target_id))
    if needs_targets and allowed and not targets:
        raise InvalidInput(
            f"Permission {key!r}: choose at least one target for the 'specific' option.", field=key
        )
    return frozenset(targets)


def validate_grant(key: str, data: Mapping[str, Any]) -> PermissionGrant:
    """Turn untrusted input for permission ``key`` into a :class:`PermissionGrant`.

    ``data`` keys: ``allowed`` (bool, required), ``option`` (or the option's own
    name, e.g. ``consent_only``; defaults to the option default), ``targets``
    (list of ``{"type": "tech_group"|"channel", "id": int}``, only with the
    ``specific`` option, at least one when allowed), ``locked`` (bool, default
    false). Whether the *caller* may change ``locked`` or a locked grant is an
    authorization question (:mod:`lifeline.domain.authorization`), not checked here.
    """
    definition = _definition(key)
    if not isinstance(data, Mapping):
        raise InvalidInput(f"Permission {key!r}: expected an object.", field=key)
    known = GRANT_FIELDS | ({definition.option.name} if definition.option else set())
    unknown = set(data) - known
    if unknown:
        raise InvalidInput(
            f"Permission {key!r}: unknown field(s) {', '.join(sorted(map(str, unknown)))}.", field=key
        )
    if "allowed" not in data:
        raise InvalidInput(f"Permission {key!r}: 'allowed' is required.", field=key)
    allowed = _require_bool(data["allowed"], key, "allowed")
    locked = _require_bool(data.get("locked", False), key, "locked")
    option_value = _parse_option(definition, data)
    targets = _parse_targets(definition, option_value, data.get("targets"), allowed)
    return PermissionGrant(allowed=allowed, option=option_value, targets=targets, locked=locked)


def validate_grants(data: Mapping[str, Mapping[str, Any]]) -> dict[str, PermissionGrant]:
    """Validate a whole Permissions panel; keys not sent keep their defaults."""
    result = default_grants()
    for key, grant_data in data.items():
        result[key] = validate_grant(key, grant_data)
    return result


def is_allowed(grants: Mapping[str, PermissionGrant], key: str) -> bool:
    """Whether ``key`` is granted. A missing key counts as denied (fail closed)."""
    _definition(key)
    grant = grants.get(key)
    return grant is not None and grant.allowed


def can_manage_files(grants: Mapping[str, PermissionGrant]) -> bool:
    """File Manager tab granted *and* its 'Manage files' sub-option ticked."""
    grant = grants.get("file_manager")
    return grant is not None and grant.allowed and grant.option is True


def records_need_consent(grants: Mapping[str, PermissionGrant]) -> bool:
    """Whether a recording must ask the customer even when single prompt is on (§4 #11).

    A missing or malformed option counts as "ask" (fail towards consent).
    """
    grant = grants.get("record_sessions")
    return grant is None or grant.option is not False


def hidden_console_features(grants: Mapping[str, PermissionGrant]) -> set[str]:
    """The Technician Console buttons/tabs to hide for a group's ``grants`` (§5, L436-468).

    Missing keys count as denied. The File Manager tab hides when its own
    permission is denied *or* when Send files, Receive files and Manage files
    are all denied; the Scripts tab hides only when both Script deployment and
    Run embedded scripts are denied. Hiding is cosmetic: the server enforces
    every permission regardless.
    """
    hidden: set[str] = {f.value for f, key in _HIDE_IF_DENIED.items() if not is_allowed(grants, key)}
    file_manager_useless = not (
        is_allowed(grants, "send_files") or is_allowed(grants, "receive_files") or can_manage_files(grants)
    )
    if not is_allowed(grants, "file_manager") or file_manager_useless:
        hidden.add(ConsoleFeature.FILE_MANAGER_TAB.value)
    if not (is_allowed(grants, "script_deployment") or is_allowed(grants, "run_embedded_scripts")):
        hidden.add(ConsoleFeature.SCRIPTS_TAB.value)
    return hidden


def chat_state(chat: bool, toggle: bool, *, instant_chat: bool = False) -> tuple[bool, bool]:
    """(chat on at session start, technician may toggle it) for the Chat permissions (§6).

    For Applet sessions the two check boxes map straight through:
    (on, off) → on, fixed; (on, on) → on, togglable; (off, on) → off, togglable;
    (off, off) → off, fixed. Instant Chat sessions are chat-only, so chat is
    always on and cannot be turned off there.
    """
    if instant_chat:
        return True, False
    return chat, toggle


def locked_keys(grants: Mapping[str, PermissionGrant]) -> frozenset[str]:
    """Keys an Administrator may not change on this group."""
    return frozenset(k for k, g in grants.items() if g.locked)


def changed_keys(old: Mapping[str, PermissionGrant], new: Mapping[str, PermissionGrant]) -> frozenset[str]:
    """Keys whose grant differs between ``old`` and ``new`` (missing = default)."""
    keys: Iterable[str] = set(old) | set(new)
    return frozenset(k for k in keys if old.get(k, default_grant(k)) != new.get(k, default_grant(k)))


def check_locked_unchanged(old: Mapping[str, PermissionGrant], new: Mapping[str, PermissionGrant]) -> None:
    """Raise :class:`PermissionDenied` if ``new`` changes a permission locked in ``old``.

    For saves by Administrators (not Master Administrators): they can neither
    change a locked grant nor lock or unlock anything (§4, §31 "Lock TG permissions").
    """
    changed = changed_keys(old, new)
    touched_locks = sorted(
        k for k in changed if old.get(k, default_grant(k)).locked or new.get(k, default_grant(k)).locked
    )
    if touched_locks:
        labels = ", ".join(PERMISSION_BY_KEY[k].label for k in touched_locks)
        raise PermissionDenied(
            f"Only a Master Administrator can change locked permissions: {labels}.", field="permissions"
        )
