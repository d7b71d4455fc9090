"""Who may transfer a session where, and whom a technician may invite to collaborate.

Why here: transfers and invitations are started from the Technician Console, the Admin Center Sessions tab
and the API; each path must refuse the same targets with the same message. The rules come from the
permission options (spec part 1 §4 #14, #20, #21), the channel's incoming-transfer restriction (§18,
L2493-2507), the Busy/Away rule (§22, L3737-3741) and the Rescue+Mobile rule (L2736).

Errors: a target the permission does not cover → :class:`PermissionDenied`; a target that is covered but
cannot take the session right now (Busy, Away, offline, unmanned channel) → :class:`Conflict`; malformed
input → :class:`InvalidInput`. Permission checks run first so a refusal never leaks the target's state.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from lifeline.domain.routing import TechnicianStatus, parse_technician_status
from lifeline.errors import Conflict, InvalidInput, PermissionDenied


class TargetScope(StrEnum):
    """The sub-option of the Transfer / Send collaboration invitations permissions (L317-322, L382-389)."""

    ANY = "any"  # "to any technician"
    SPECIFIC = "specific"  # "to specific technician groups (or channels)"


class ExternalInviteScope(StrEnum):
    """The sub-option of Invite external technicians (L391-400)."""

    ANYONE = "anyone"  # any email address
    APPROVED = "approved_only"  # only members of External Technician Groups


class TransferTargetKind(StrEnum):
    TECHNICIAN = "technician"
    TECH_GROUP = "tech_group"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class TransferTarget:
    """Where a session is being sent."""

    kind: TransferTargetKind
    id: int

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", TransferTargetKind(self.kind))
        except ValueError:
            valid = ", ".join(k.value for k in TransferTargetKind)
            raise InvalidInput(
                f'Unknown transfer target "{self.kind}"; expected one of {valid}.', field="target"
            ) from None


def _scope(value: TargetScope | str | None, field: str) -> TargetScope | None:
    if value is None:
        return None
    try:
        return TargetScope(value)
    except ValueError:
        raise InvalidInput(
            f'Unknown permission option "{value}"; expected "any" or "specific".', field=field
        ) from None


def check_transfer(
    *,
    permission_option: TargetScope | str | None,
    allowed_group_ids: Collection[int],
    allowed_channel_ids: Collection[int],
    target: TransferTarget,
    target_status: TechnicianStatus | str | None = None,
    target_group_id_of_technician: int | None = None,
    target_channel_restricted: bool = False,
    channel_has_available_technician: bool = True,
    current_technician_id: int | None = None,
    session_is_mobile: bool = False,
    target_has_mobile_license: bool = True,
) -> None:
    """Raise unless the caller may transfer the session to ``target`` now.

    ``permission_option``: the caller's Transfer sessions option, ``None`` if the permission is not granted.
    ``target_status`` and ``target_group_id_of_technician`` are required for a technician target.
    ``target_channel_restricted`` / ``channel_has_available_technician`` describe a channel target.
    ``session_is_mobile`` / ``target_has_mobile_license``: mobile sessions only go to technicians with a
    Rescue+Mobile licence (L2736).
    """
    scope = _scope(permission_option, "permission_option")
    if scope is None:
        raise PermissionDenied("You do not have the Transfer sessions permission.", field="target")

    if target.kind is TransferTargetKind.TECHNICIAN:
        if target_status is None or target_group_id_of_technician is None:
            raise InvalidInput(
                "A technician target needs its status and its technician group.", field="target_status"
            )
        if scope is TargetScope.SPECIFIC and target_group_id_of_technician not in allowed_group_ids:
            raise PermissionDenied(
                "You may transfer sessions only to members of specific technician groups, "
                "and this technician is not in one of them.",
                field="target",
            )
        if target.id == current_technician_id:
            raise Conflict(
                "The session is already with this technician; choose another target.", field="target"
            )
        status = parse_technician_status(target_status)
        if status is not TechnicianStatus.AVAILABLE:
            raise Conflict(
                f"Sessions cannot be transferred to a technician who is {status}; "
                "choose an available technician, their group or a channel.",
                field="target",
            )
        if session_is_mobile and not target_has_mobile_license:
            raise Conflict(
                "Mobile sessions can be transferred only to a technician with a mobile licence.",
                field="target",
            )
        return

    if target.kind is TransferTargetKind.TECH_GROUP:
        if scope is TargetScope.SPECIFIC and target.id not in allowed_group_ids:
            raise PermissionDenied("You may not transfer sessions to this technician group.", field="target")
        return

    if scope is TargetScope.SPECIFIC and target.id not in allowed_channel_ids:
        raise PermissionDenied("You may not transfer sessions to this channel.", field="target")
    if target_channel_restricted and not channel_has_available_technician:
        raise Conflict(
            "This channel accepts transfers only while it has an available technician, and it has none now; "
            "choose another channel or a technician.",
            field="target",
        )


def check_collaboration_invite(
    *,
    permission_option: TargetScope | str | None,
    allowed_group_ids: Collection[int],
    inviter_id: int,
    invitee_id: int,
    invitee_group_id: int,
    invitee_status: TechnicianStatus | str,
    session_is_active: bool,
    already_participant: bool = False,
) -> None:
    """Raise unless ``inviter_id`` may invite ``invitee_id`` into the session (L382-389).

    Busy and Away technicians may be invited (the seed only bars *transfers* to them); offline ones cannot
    join. Invitations are for active sessions only.
    """
    scope = _scope(permission_option, "permission_option")
    if scope is None:
        raise PermissionDenied(
            "You do not have the Send collaboration invitations permission.", field="invitee"
        )
    if scope is TargetScope.SPECIFIC and invitee_group_id not in allowed_group_ids:
        raise PermissionDenied(
            "You may invite only members of specific technician groups, "
            "and this technician is not in one of them.",
            field="invitee",
        )
    if not session_is_active:
        raise Conflict(
            "Collaborators can be invited only into an active session; pick it up first.", field="invitee"
        )
    if invitee_id == inviter_id:
        raise Conflict("You cannot invite yourself; choose another technician.", field="invitee")
    if already_participant:
        raise Conflict("This technician already takes part in the session.", field="invitee")
    if parse_technician_status(invitee_status) is TechnicianStatus.OFFLINE:
        raise Conflict(
            "This technician is offline and cannot join; invite someone who is logged in.", field="invitee"
        )


def check_external_invite(
    *,
    permission_option: ExternalInviteScope | str | None,
    email: str,
    approved_emails: Collection[str],
    session_is_active: bool,
) -> None:
    """Raise unless an external technician with ``email`` may be invited (L391-400, part 2 §10).

    Emails compare case-insensitively. ``approved_emails`` = members of the External Technician Groups
    linked to the inviter.
    """
    if permission_option is None:
        raise PermissionDenied("You do not have the Invite external technicians permission.", field="email")
    try:
        scope = ExternalInviteScope(permission_option)
    except ValueError:
        raise InvalidInput(
            f'Unknown permission option "{permission_option}"; expected "anyone" or "approved_only".',
            field="permission_option",
        ) from None
    address = email.strip()
    local, at, domain = address.partition("@")
    if not at or not local or "." not in domain or " " in address:
        raise InvalidInput(f'"{email}" is not an email address.', field="email")
    if scope is ExternalInviteScope.APPROVED and address.casefold() not in {
        a.casefold() for a in approved_emails
    }:
        raise PermissionDenied(
            "You may invite only approved external technicians, and this address is not in an "
            "External Technician Group.",
            field="email",
        )
    if not session_is_active:
        raise Conflict("External technicians can be invited only into an active session.", field="email")
