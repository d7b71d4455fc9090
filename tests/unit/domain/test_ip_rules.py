from __future__ import annotations

import pytest

from lifeline.domain.ip_rules import (
    ALLOW_ALL,
    MAX_IP_EXCEPTIONS,
    IpDefault,
    IpException,
    IpRule,
    access_allowed,
    ip_rule_from_value,
    rule_allows,
)
from lifeline.errors import InvalidInput

OFFICE = IpException("192.168.10.0", "255.255.255.0")
VPN = IpException("10.0.0.0", "255.0.0.0")


def test_exception_is_canonicalised():
    exc = IpException(" 192.168.10.0 ", "255.255.255.0")
    assert exc.network_id == "192.168.10.0"
    assert exc.prefix_length == 24
    assert exc.as_dict() == {"network_id": "192.168.10.0", "subnet_mask": "255.255.255.0"}


@pytest.mark.parametrize(
    ("network", "mask", "field", "fragment"),
    [
        ("192.168.10", "255.255.255.0", "network_id", "4 octets"),
        ("192.168.10.0.1", "255.255.255.0", "network_id", "4 octets"),
        ("192.168.256.0", "255.255.255.0", "network_id", "larger than 255"),
        ("192.168.-1.0", "255.255.255.0", "network_id", "0 to 255"),
        ("192.168.010.0", "255.255.255.0", "network_id", "leading zeros"),
        ("192.168.a.0", "255.255.255.0", "network_id", "0 to 255"),
        ("192.168.10.0", "255.0.255.0", "subnet_mask", "contiguous"),
        ("192.168.10.0", "0.255.255.255", "subnet_mask", "contiguous"),
        ("192.168.10.0", "255.255.255", "subnet_mask", "4 octets"),
        ("192.168.10.1", "255.255.255.0", "network_id", "did you mean 192.168.10.0"),
        ("10.1.0.0", "255.0.0.0", "network_id", "host bits"),
    ],
)
def test_invalid_exceptions(network, mask, field, fragment):
    with pytest.raises(InvalidInput) as err:
        IpException(network, mask)
    assert err.value.field == field
    assert fragment in err.value.message


@pytest.mark.parametrize(
    ("network", "mask"),
    [("0.0.0.0", "0.0.0.0"), ("203.0.113.7", "255.255.255.255"), ("172.16.0.0", "255.240.0.0")],
)
def test_edge_masks_are_valid(network, mask):
    IpException(network, mask)


def test_default_rule_allows_everyone():
    assert rule_allows(ALLOW_ALL, "198.51.100.1")
    assert rule_allows(ALLOW_ALL, "2001:db8::1")


def test_granted_with_exceptions_denies_listed_ranges():
    rule = IpRule(IpDefault.GRANT, (OFFICE,))
    assert not rule_allows(rule, "192.168.10.77")
    assert rule_allows(rule, "192.168.11.1")


def test_denied_with_exceptions_allows_only_listed_ranges():
    rule = IpRule(IpDefault.DENY, (OFFICE, VPN))
    assert rule_allows(rule, "192.168.10.1")
    assert rule_allows(rule, "10.200.3.4")
    assert not rule_allows(rule, "192.168.11.1")
    assert not rule_allows(IpRule(IpDefault.DENY), "192.168.10.1")


def test_ipv4_mapped_ipv6_is_matched_as_ipv4():
    rule = IpRule(IpDefault.DENY, (OFFICE,))
    assert rule_allows(rule, "::ffff:192.168.10.5")


def test_plain_ipv6_matches_no_exception():
    assert not rule_allows(IpRule(IpDefault.DENY, (IpException("0.0.0.0", "0.0.0.0"),)), "2001:db8::1")
    assert rule_allows(IpRule(IpDefault.GRANT, (IpException("0.0.0.0", "0.0.0.0"),)), "2001:db8::1")


def test_bad_client_address_rejected():
    with pytest.raises(InvalidInput):
        rule_allows(ALLOW_ALL, "not-an-ip")


def test_access_needs_both_rules():
    global_rule = IpRule(IpDefault.GRANT, (IpException("198.51.100.0", "255.255.255.0"),))
    group_rule = IpRule(IpDefault.DENY, (OFFICE,))
    assert access_allowed(global_rule, group_rule, "192.168.10.9")
    assert not access_allowed(global_rule, group_rule, "203.0.113.9")  # group denies
    assert not access_allowed(global_rule, None, "198.51.100.9")  # global denies
    assert not access_allowed(
        global_rule, IpRule(IpDefault.DENY, (IpException("198.51.100.0", "255.255.255.0"),)), "198.51.100.9"
    )
    assert access_allowed(global_rule, None, "203.0.113.9")  # admin center: only the global rule


def test_rule_rejects_bad_default_and_duplicates():
    with pytest.raises(InvalidInput):
        IpRule("maybe")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="twice"):
        IpRule(IpDefault.GRANT, (OFFICE, IpException("192.168.10.0", "255.255.255.0")))


def test_too_many_exceptions():
    many = tuple(
        IpException(f"10.{i // 256}.{i % 256}.0", "255.255.255.0") for i in range(MAX_IP_EXCEPTIONS + 1)
    )
    with pytest.raises(InvalidInput, match="At most"):
        IpRule(IpDefault.GRANT, many)


def test_add_and_remove_exceptions():
    rule = ALLOW_ALL.with_exception(OFFICE)
    assert rule.exceptions == (OFFICE,)
    assert rule.without_exception(OFFICE) == ALLOW_ALL
    assert rule.without_exception(VPN) == rule


def test_value_round_trip():
    rule = IpRule(IpDefault.DENY, (OFFICE, VPN))
    assert ip_rule_from_value(rule.as_dict()) == rule
    assert ip_rule_from_value({"default": "grant"}) == ALLOW_ALL


@pytest.mark.parametrize(
    "value",
    [
        "grant",
        {"default": "grant", "extra": 1},
        {"default": "grant", "exceptions": "10.0.0.0"},
        {"default": "grant", "exceptions": [{"network_id": "10.0.0.0"}]},
        {"default": "grant", "exceptions": [["10.0.0.0", "255.0.0.0"]]},
        {"default": "nope", "exceptions": []},
    ],
)
def test_value_validation(value):
    with pytest.raises(InvalidInput):
        ip_rule_from_value(value)
