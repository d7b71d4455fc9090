from __future__ import annotations

import dataclasses

import pytest

from lifeline.domain.authorization import (
    MATRIX,
    Action,
    Actor,
    Subject,
    decide,
    decide_for_any_group,
    may_use,
    subject_of,
    visible_admin_tabs,
)
from lifeline.domain.roles import AdminRights, AdminTab, RestrictedGrant, RightsMode, Role

ASSIGNED_GROUP = 10
SUBGROUP = 11  # the caller expands assignments to sub-trees
OTHER_GROUP = 99

# The §31 matrix, written out independently of the implementation.
# Columns: MAH, MA, standard admin, restricted admin, CC-only admin, technician.
# Y = yes, - = no, A = assigned groups only, R:<grant> = restricted grant, S = technician seat,
# AS = assigned groups and technician seat.
EXPECTED = """
view_global_settings     Y  Y  -   R:global_settings  -  -
edit_global_settings     Y  Y  -   R:global_settings  -  -
create_master_admin      Y  Y  -   -                  -  -
create_admin             Y  Y  -   -                  -  -
manage_admin_groups      Y  Y  -   -                  -  -
set_command_center_only  Y  Y  -   -                  -  -
create_tech_group        Y  Y  A   -                  -  -
lock_permissions         Y  Y  -   -                  -  -
edit_tech_group          Y  Y  A   -                  -  -
manage_technicians       Y  Y  A   -                  -  -
import_technicians       Y  Y  -   -                  -  -
reset_2sv                Y  Y  A   -                  -  -
configure_channels       Y  Y  A   R:channels         -  -
assign_channels          Y  Y  A   R:channels         -  -
manage_ip_restrictions   Y  Y  A   -                  -  -
manage_sessions          Y  Y  A   -                  -  -
manage_computers         Y  Y  A   -                  -  -
create_labels            Y  Y  -   -                  -  -
assign_labels            Y  Y  A   -                  -  -
view_command_center      Y  Y  A   R:command_center   A  -
view_reports             Y  Y  A   R:reports          -  -
view_audit_log           Y  Y  -   -                  -  -
manage_api_accounts      Y  Y  -   -                  -  -
use_admin_center         Y  Y  Y   Y                  -  -
use_technician_console   S  S  S   S                  -  Y
monitor_technician       S  S  AS  -                  -  -
use_access_wizard        Y  Y  -   -                  -  -
manage_resources         Y  Y  -   R:resources        -  -
manage_calling_card      Y  Y  -   R:callingcard      -  -
manage_account           Y  Y  -   R:account          -  -
"""
SUBJECTS = list(Subject)
TABLE = {
    Action(cols[0]): dict(zip(SUBJECTS, cols[1:], strict=True))
    for cols in (line.split() for line in EXPECTED.strip().splitlines())
}
CASES = [(action, subject, TABLE[action][subject]) for action in TABLE for subject in SUBJECTS]


def make_actor(subject: Subject, *, grants=frozenset(RestrictedGrant), seat=True) -> Actor:
    groups = frozenset({ASSIGNED_GROUP, SUBGROUP})
    if subject == Subject.MASTER_ACCOUNT_HOLDER:
        return Actor(1, Role.MASTER_ACCOUNT_HOLDER, has_technician_seat=seat)
    if subject == Subject.MASTER_ADMIN:
        return Actor(2, Role.MASTER_ADMIN, has_technician_seat=seat)
    if subject == Subject.ADMIN_STANDARD:
        return Actor(3, Role.ADMIN, None, groups, seat)
    if subject == Subject.ADMIN_RESTRICTED:
        return Actor(4, Role.ADMIN, AdminRights(RightsMode.RESTRICTED, frozenset(grants)), groups, seat)
    if subject == Subject.ADMIN_CC_ONLY:
        rights = AdminRights(RightsMode.RESTRICTED, frozenset(grants), command_center_only=True)
        return Actor(5, Role.ADMIN, rights, groups, seat)
    return Actor(6, Role.TECHNICIAN, None, groups, seat)


def test_expected_table_covers_every_action():
    assert set(TABLE) == set(Action)
    assert set(MATRIX) == set(Action)


@pytest.mark.parametrize(("action", "subject", "cell"), CASES, ids=lambda v: str(v))
def test_matrix(action: Action, subject: Subject, cell: str):
    actor = make_actor(subject)
    if cell == "Y":
        assert decide(actor, action)
        assert decide(actor, action, group_id=OTHER_GROUP)
        assert may_use(actor, action)
    elif cell == "-":
        # Even with every grant, a seat and assignments, the answer is no.
        assert not decide(actor, action, group_id=ASSIGNED_GROUP)
        assert not may_use(actor, action)
    elif cell == "A":
        assert decide(actor, action, group_id=ASSIGNED_GROUP)
        assert decide(actor, action, group_id=SUBGROUP)
        assert not decide(actor, action, group_id=OTHER_GROUP)
        assert not decide(actor, action)  # no group, e.g. the root
        assert may_use(actor, action)
    elif cell.startswith("R:"):
        needed = RestrictedGrant(cell[2:])
        only = make_actor(subject, grants={needed})
        others = make_actor(subject, grants=set(RestrictedGrant) - {needed})
        assert decide(only, action) and decide(only, action, group_id=OTHER_GROUP)
        assert not decide(others, action)
        assert may_use(only, action) and not may_use(others, action)
    elif cell == "S":
        assert decide(actor, action)
        assert not decide(make_actor(subject, seat=False), action)
    elif cell == "AS":
        assert decide(actor, action, group_id=ASSIGNED_GROUP)
        assert not decide(actor, action, group_id=OTHER_GROUP)
        assert not decide(make_actor(subject, seat=False), action, group_id=ASSIGNED_GROUP)
    else:  # pragma: no cover - a typo in the table above
        pytest.fail(f"unknown cell {cell!r}")


@pytest.mark.parametrize(
    ("actor", "subject"),
    [
        (Actor(1, Role.MASTER_ACCOUNT_HOLDER), Subject.MASTER_ACCOUNT_HOLDER),
        (Actor(1, Role.MASTER_ADMIN, AdminRights(command_center_only=True)), Subject.MASTER_ADMIN),
        (Actor(1, Role.ADMIN), Subject.ADMIN_STANDARD),
        (Actor(1, Role.ADMIN, AdminRights()), Subject.ADMIN_STANDARD),
        (
            Actor(1, Role.ADMIN, AdminRights(RightsMode.RESTRICTED, frozenset({RestrictedGrant.REPORTS}))),
            Subject.ADMIN_RESTRICTED,
        ),
        (Actor(1, Role.ADMIN, AdminRights(command_center_only=True)), Subject.ADMIN_CC_ONLY),
        (Actor(1, Role.TECHNICIAN), Subject.TECHNICIAN),
    ],
)
def test_subject_of(actor, subject):
    assert subject_of(actor) is subject


def test_standard_rights_with_leftover_grants_do_not_restrict():
    rights = AdminRights(RightsMode.STANDARD, frozenset({RestrictedGrant.GLOBAL_SETTINGS}))
    actor = Actor(3, Role.ADMIN, rights, frozenset({ASSIGNED_GROUP}))
    assert not decide(actor, Action.VIEW_GLOBAL_SETTINGS)
    assert decide(actor, Action.EDIT_TECH_GROUP, group_id=ASSIGNED_GROUP)


def test_technician_role_with_assignments_gets_no_admin_rights():
    tech = make_actor(Subject.TECHNICIAN)
    assert not decide(tech, Action.EDIT_TECH_GROUP, group_id=ASSIGNED_GROUP)


def test_decide_for_any_group():
    admin = make_actor(Subject.ADMIN_STANDARD)
    assert decide_for_any_group(admin, Action.CONFIGURE_CHANNELS, [OTHER_GROUP, ASSIGNED_GROUP])
    assert not decide_for_any_group(admin, Action.CONFIGURE_CHANNELS, [OTHER_GROUP])
    assert not decide_for_any_group(admin, Action.CONFIGURE_CHANNELS, [])
    master = make_actor(Subject.MASTER_ADMIN)
    assert decide_for_any_group(master, Action.CONFIGURE_CHANNELS, [])
    restricted = make_actor(Subject.ADMIN_RESTRICTED, grants={RestrictedGrant.CHANNELS})
    assert decide_for_any_group(restricted, Action.CONFIGURE_CHANNELS, [])


def test_admin_with_no_assignments_can_open_the_feature_but_touch_nothing():
    admin = dataclasses.replace(make_actor(Subject.ADMIN_STANDARD), assigned_group_ids=frozenset())
    assert may_use(admin, Action.MANAGE_SESSIONS)
    assert not decide(admin, Action.MANAGE_SESSIONS, group_id=ASSIGNED_GROUP)


# ---- tabs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("subject", [Subject.MASTER_ACCOUNT_HOLDER, Subject.MASTER_ADMIN])
def test_masters_see_every_tab(subject):
    assert visible_admin_tabs(make_actor(subject)) == list(AdminTab)


def test_standard_admin_tabs():
    assert visible_admin_tabs(make_actor(Subject.ADMIN_STANDARD)) == [
        AdminTab.ORGANIZATION,
        AdminTab.SETTINGS,
        AdminTab.SESSIONS,
        AdminTab.CHANNELS,
        AdminTab.COMPUTERS,
        AdminTab.REPORTS,
        AdminTab.COMMAND_CENTER,
    ]


@pytest.mark.parametrize("grant", list(RestrictedGrant))
def test_restricted_admin_sees_only_the_granted_tab(grant):
    actor = make_actor(Subject.ADMIN_RESTRICTED, grants={grant})
    assert visible_admin_tabs(actor) == [AdminTab(grant.value)]


def test_restricted_admin_with_several_grants_sees_them_in_ui_order():
    actor = make_actor(Subject.ADMIN_RESTRICTED, grants={RestrictedGrant.ACCOUNT, RestrictedGrant.REPORTS})
    assert visible_admin_tabs(actor) == [AdminTab.REPORTS, AdminTab.ACCOUNT]


@pytest.mark.parametrize("subject", [Subject.ADMIN_CC_ONLY, Subject.TECHNICIAN])
def test_no_admin_center_tabs(subject):
    assert visible_admin_tabs(make_actor(subject)) == []


def test_visible_tabs_agree_with_the_admin_center_rule():
    for subject in Subject:
        actor = make_actor(subject)
        assert bool(visible_admin_tabs(actor)) == decide(actor, Action.USE_ADMIN_CENTER)
