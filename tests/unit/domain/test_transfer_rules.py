from __future__ import annotations

from typing import Any

import pytest

from lifeline.domain.routing import TechnicianStatus
from lifeline.domain.transfer_rules import (
    TransferTarget,
    TransferTargetKind,
    check_collaboration_invite,
    check_external_invite,
    check_transfer,
)
from lifeline.errors import Conflict, InvalidInput, PermissionDenied

K = TransferTargetKind
T = TechnicianStatus
GROUPS = {10, 11}
CHANNELS = {1, 2}


def transfer(target: TransferTarget, option: str | None = "specific", **kw: Any) -> None:
    check_transfer(
        permission_option=option,
        allowed_group_ids=GROUPS,
        allowed_channel_ids=CHANNELS,
        target=target,
        **kw,
    )


def tech(tid: int = 7) -> TransferTarget:
    return TransferTarget(K.TECHNICIAN, tid)


# -- permission ----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [tech(), TransferTarget(K.TECH_GROUP, 10), TransferTarget(K.CHANNEL, 1)])
def test_no_transfer_permission_refuses_everything(target):
    with pytest.raises(PermissionDenied, match="Transfer sessions permission"):
        transfer(target, None, target_status=T.AVAILABLE, target_group_id_of_technician=10)


def test_any_allows_every_target():
    transfer(tech(), "any", target_status=T.AVAILABLE, target_group_id_of_technician=99)
    transfer(TransferTarget(K.TECH_GROUP, 99), "any")
    transfer(TransferTarget(K.CHANNEL, 9), "any")


@pytest.mark.parametrize(
    ("target", "group_of_tech", "allowed"),
    [
        (tech(), 10, True),
        (tech(), 99, False),
        (TransferTarget(K.TECH_GROUP, 11), None, True),
        (TransferTarget(K.TECH_GROUP, 12), None, False),
        (TransferTarget(K.CHANNEL, 2), None, True),
        (TransferTarget(K.CHANNEL, 3), None, False),
    ],
)
def test_specific_limits_to_the_listed_groups_and_channels(target, group_of_tech, allowed):
    kw = {"target_status": T.AVAILABLE, "target_group_id_of_technician": group_of_tech}
    if allowed:
        transfer(target, **kw)
    else:
        with pytest.raises(PermissionDenied):
            transfer(target, **kw)


def test_permission_checked_before_target_state():
    with pytest.raises(PermissionDenied):
        transfer(tech(), target_status=T.BUSY, target_group_id_of_technician=99)


def test_unknown_option():
    with pytest.raises(InvalidInput, match='"any" or "specific"'):
        transfer(TransferTarget(K.CHANNEL, 1), "some")


# -- technician state ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [T.BUSY, T.AWAY, T.OFFLINE])
def test_no_transfers_to_unavailable_technicians(status):
    with pytest.raises(Conflict, match=f"who is {status}"):
        transfer(tech(), "any", target_status=status, target_group_id_of_technician=10)


def test_technician_target_needs_status_and_group():
    with pytest.raises(InvalidInput):
        transfer(tech(), "any", target_group_id_of_technician=10)
    with pytest.raises(InvalidInput):
        transfer(tech(), "any", target_status=T.AVAILABLE)


def test_cannot_transfer_to_current_owner():
    with pytest.raises(Conflict, match="already with this technician"):
        transfer(
            tech(7),
            "any",
            target_status=T.AVAILABLE,
            target_group_id_of_technician=10,
            current_technician_id=7,
        )


def test_mobile_sessions_need_a_mobile_licence():
    kw = {"target_status": T.AVAILABLE, "target_group_id_of_technician": 10, "session_is_mobile": True}
    transfer(tech(), **kw, target_has_mobile_license=True)
    with pytest.raises(Conflict, match="mobile licence"):
        transfer(tech(), **kw, target_has_mobile_license=False)


def test_status_as_string_is_accepted():
    transfer(tech(), target_status="available", target_group_id_of_technician=10)
    with pytest.raises(InvalidInput):
        transfer(tech(), target_status="lunch", target_group_id_of_technician=10)


# -- channel incoming-transfer restriction --------------------------------------------------------


@pytest.mark.parametrize(
    ("restricted", "manned", "ok"),
    [(False, False, True), (False, True, True), (True, True, True), (True, False, False)],
)
def test_incoming_transfer_restriction(restricted, manned, ok):
    kw = {"target_channel_restricted": restricted, "channel_has_available_technician": manned}
    if ok:
        transfer(TransferTarget(K.CHANNEL, 1), **kw)
    else:
        with pytest.raises(Conflict, match="available technician"):
            transfer(TransferTarget(K.CHANNEL, 1), **kw)


def test_target_kind_validation():
    assert TransferTarget("channel", 1).kind is K.CHANNEL
    with pytest.raises(InvalidInput, match="expected one of technician"):
        TransferTarget("queue", 1)  # type: ignore[arg-type]


# -- collaboration invitations -------------------------------------------------------------------


def invite(option: str | None = "specific", **kw: Any) -> None:
    args: dict[str, Any] = {
        "permission_option": option,
        "allowed_group_ids": GROUPS,
        "inviter_id": 1,
        "invitee_id": 2,
        "invitee_group_id": 10,
        "invitee_status": T.AVAILABLE,
        "session_is_active": True,
    }
    args.update(kw)
    check_collaboration_invite(**args)


def test_invite_allowed():
    invite()
    invite("any", invitee_group_id=99)


@pytest.mark.parametrize("status", [T.BUSY, T.AWAY])
def test_busy_and_away_can_be_invited(status):
    invite(invitee_status=status)


def test_invite_refusals():
    with pytest.raises(PermissionDenied, match="collaboration invitations permission"):
        invite(None)
    with pytest.raises(PermissionDenied, match="specific technician groups"):
        invite(invitee_group_id=99)
    with pytest.raises(Conflict, match="active session"):
        invite(session_is_active=False)
    with pytest.raises(Conflict, match="yourself"):
        invite(invitee_id=1)
    with pytest.raises(Conflict, match="already takes part"):
        invite(already_participant=True)
    with pytest.raises(Conflict, match="offline"):
        invite(invitee_status=T.OFFLINE)


# -- external technicians ------------------------------------------------------------------------


def external(option: str | None, email: str = "Ext@Vendor.example", **kw: Any) -> None:
    args: dict[str, Any] = {"approved_emails": {"ext@vendor.example"}, "session_is_active": True}
    args.update(kw)
    check_external_invite(permission_option=option, email=email, **args)


def test_external_anyone():
    external("anyone", "someone@else.example")


def test_external_approved_only_case_insensitive():
    external("approved_only")
    with pytest.raises(PermissionDenied, match="approved external"):
        external("approved_only", "someone@else.example")


def test_external_refusals():
    with pytest.raises(PermissionDenied, match="Invite external technicians"):
        external(None)
    with pytest.raises(InvalidInput, match="not an email"):
        external("anyone", "not-an-address")
    with pytest.raises(InvalidInput):
        external("everyone")
    with pytest.raises(Conflict, match="active session"):
        external("anyone", session_is_active=False)
