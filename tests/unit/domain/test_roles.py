from __future__ import annotations

import pytest

from lifeline.domain.roles import (
    TAB_OF_GRANT,
    AdminRights,
    AdminTab,
    RestrictedGrant,
    RightsMode,
    Role,
)
from lifeline.errors import InvalidInput


def test_role_values_match_the_spec_data_model():
    assert [r.value for r in Role] == ["master_account_holder", "master_admin", "admin", "technician"]


def test_master_roles():
    assert Role.MASTER_ACCOUNT_HOLDER.is_master and Role.MASTER_ADMIN.is_master
    assert not Role.ADMIN.is_master and not Role.TECHNICIAN.is_master
    assert not Role.TECHNICIAN.is_administrator and Role.ADMIN.is_administrator


def test_there_are_seven_restricted_grants_each_opening_one_tab():
    assert len(RestrictedGrant) == 7
    assert set(TAB_OF_GRANT) == set(RestrictedGrant)
    assert len(set(TAB_OF_GRANT.values())) == 7
    for grant, tab in TAB_OF_GRANT.items():
        assert grant.value == tab.value


def test_admin_tabs_are_the_eleven_of_the_spec():
    assert len(AdminTab) == 11


def test_restricted_rights_need_a_grant():
    with pytest.raises(InvalidInput) as err:
        AdminRights(mode=RightsMode.RESTRICTED).validate()
    assert err.value.field == "grants"
    assert "at least one" in err.value.message


def test_restricted_rights_with_a_grant_are_valid():
    rights = AdminRights(RightsMode.RESTRICTED, frozenset({RestrictedGrant.REPORTS}))
    rights.validate()
    assert rights.is_restricted
    assert rights.has_grant(RestrictedGrant.REPORTS)
    assert not rights.has_grant(RestrictedGrant.ACCOUNT)


def test_standard_rights_ignore_leftover_grants():
    rights = AdminRights(RightsMode.STANDARD, frozenset({RestrictedGrant.REPORTS}))
    rights.validate()
    assert rights.effective_grants == frozenset()
    assert not rights.has_grant(RestrictedGrant.REPORTS)


def test_plain_string_mode_is_accepted_by_validate():
    AdminRights(mode="standard").validate()  # type: ignore[arg-type]


def test_unknown_mode_rejected():
    with pytest.raises(InvalidInput) as err:
        AdminRights(mode="super").validate()  # type: ignore[arg-type]
    assert err.value.field == "mode"


def test_unknown_grant_rejected_by_validate():
    with pytest.raises(InvalidInput):
        AdminRights(RightsMode.RESTRICTED, frozenset({"sessions"})).validate()  # type: ignore[arg-type]


def test_parse_builds_validated_rights():
    rights = AdminRights.parse("restricted", ["reports", "channels"], command_center_only=True)
    assert rights.grants == {RestrictedGrant.REPORTS, RestrictedGrant.CHANNELS}
    assert rights.command_center_only


@pytest.mark.parametrize(
    ("mode", "grants", "field"),
    [("bogus", [], "mode"), ("restricted", ["nope"], "grants"), ("restricted", [], "grants")],
)
def test_parse_rejects_bad_input(mode, grants, field):
    with pytest.raises(InvalidInput) as err:
        AdminRights.parse(mode, grants)
    assert err.value.field == field
