"""IP restrictions: a default (grant or deny) plus a list of IPv4 network exceptions.

Spec part1 §12 (seed L1180-1283). The same model is used twice:

- the **global** rule covers every component (Administration Center, Technician
  Console, APIs);
- a Technician Group's **Technician Console** rule covers only Technician
  Console access by that group's members. External collaborating technicians
  are not members, so it never applies to them.

Access needs *both* rules to allow it. "Granted + exceptions" denies the listed
ranges; "Denied + exceptions" allows only the listed ranges.

An exception is a Network ID and a Subnet mask written as four decimal octets,
as in the seed's form. We validate strictly (no leading zeros, a contiguous
mask, no host bits in the network id) because a typo in an allow-list is a
lock-out and a typo in a deny-list is a hole.

IPv6: the seed's form is IPv4-only. An IPv4-mapped IPv6 address
(``::ffff:203.0.113.5``, what dual-stack sockets report) is matched as its IPv4
address. Any other IPv6 client address matches **no** exception, so the rule's
default applies to it: with "Denied + exceptions" IPv6 clients are refused; with
"Granted + exceptions" they are let in. Deployments that need IPv6 ranges must
put the restriction in front of Lifeline until the form grows IPv6 support.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lifeline.errors import InvalidInput

OCTET_COUNT = 4
OCTET_MAX = 255
IPV4_BITS = 32
IPV4_ALL_ONES = (1 << IPV4_BITS) - 1
# The form lists exceptions one per row; a few hundred is far beyond real use and
# keeps the per-request check (a linear scan) trivially cheap.
MAX_IP_EXCEPTIONS = 256


class IpDefault(StrEnum):
    GRANT = "grant"
    DENY = "deny"


def parse_ipv4_octets(text: str, field: str) -> int:
    """Parse ``a.b.c.d`` (exactly four decimal octets, no leading zeros) to a 32-bit int."""
    if not isinstance(text, str):
        raise InvalidInput(f"{field} must be text like 192.168.1.0.", field=field)
    parts = text.strip().split(".")
    if len(parts) != OCTET_COUNT:
        raise InvalidInput(f"{field} {text!r} must have exactly 4 octets, like 192.168.1.0.", field=field)
    value = 0
    for part in parts:
        if not part.isascii() or not part.isdigit():
            raise InvalidInput(f"{field} {text!r}: each octet must be a number from 0 to 255.", field=field)
        if len(part) > 1 and part.startswith("0"):
            raise InvalidInput(f"{field} {text!r}: octets must not have leading zeros.", field=field)
        octet = int(part)
        if octet > OCTET_MAX:
            raise InvalidInput(f"{field} {text!r}: octet {octet} is larger than 255.", field=field)
        value = (value << 8) | octet
    return value


def _format_ipv4(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


@dataclass(frozen=True)
class IpException:
    """One "Except the following" row: a Network ID and a Subnet mask.

    Constructing one validates it, so an invalid exception cannot exist.
    """

    network_id: str
    subnet_mask: str

    def __post_init__(self) -> None:
        network = parse_ipv4_octets(self.network_id, "network_id")
        mask = parse_ipv4_octets(self.subnet_mask, "subnet_mask")
        host_bits = ~mask & IPV4_ALL_ONES
        if host_bits & (host_bits + 1):
            raise InvalidInput(
                f"Subnet mask {self.subnet_mask!r} is not contiguous: the 1-bits must come first "
                "(e.g. 255.255.255.0).",
                field="subnet_mask",
            )
        if network & host_bits:
            suggestion = _format_ipv4(network & mask)
            raise InvalidInput(
                f"Network ID {self.network_id!r} has host bits set for mask {self.subnet_mask!r}; "
                f"did you mean {suggestion}?",
                field="network_id",
            )
        # Store the canonical spelling (whitespace stripped).
        object.__setattr__(self, "network_id", _format_ipv4(network))
        object.__setattr__(self, "subnet_mask", _format_ipv4(mask))

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(f"{self.network_id}/{self.subnet_mask}")

    @property
    def prefix_length(self) -> int:
        return self.network.prefixlen

    def contains(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """True if ``address`` is inside this network (IPv6 addresses never are)."""
        return isinstance(address, ipaddress.IPv4Address) and address in self.network

    def as_dict(self) -> dict[str, str]:
        return {"network_id": self.network_id, "subnet_mask": self.subnet_mask}


@dataclass(frozen=True)
class IpRule:
    """A default plus exceptions. The default rule (no exceptions, grant) allows everyone."""

    default: IpDefault = IpDefault.GRANT
    exceptions: tuple[IpException, ...] = ()

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "default", IpDefault(self.default))
        except ValueError:
            raise InvalidInput(
                f"IP restriction default must be 'grant' or 'deny', not {self.default!r}.", field="default"
            ) from None
        if len(self.exceptions) > MAX_IP_EXCEPTIONS:
            raise InvalidInput(f"At most {MAX_IP_EXCEPTIONS} IP exceptions are allowed.", field="exceptions")
        seen: set[IpException] = set()
        for exc in self.exceptions:
            if exc in seen:
                raise InvalidInput(
                    f"The exception {exc.network_id}/{exc.subnet_mask} is listed twice.", field="exceptions"
                )
            seen.add(exc)

    def with_exception(self, exception: IpException) -> IpRule:
        """A copy with ``exception`` appended (the form's "Add" button)."""
        return IpRule(self.default, (*self.exceptions, exception))

    def without_exception(self, exception: IpException) -> IpRule:
        """A copy with ``exception`` removed; removing an absent one is a no-op."""
        return IpRule(self.default, tuple(e for e in self.exceptions if e != exception))

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape stored as a setting value (see :func:`ip_rule_from_value`)."""
        return {"default": self.default.value, "exceptions": [e.as_dict() for e in self.exceptions]}


ALLOW_ALL = IpRule()


def parse_client_address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """Parse a client address; IPv4-mapped IPv6 addresses become plain IPv4."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(f"{ip!r} is not an IP address.", field="ip") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def rule_allows(rule: IpRule, ip: str) -> bool:
    """Whether ``rule`` lets a client at ``ip`` in (see the module notes on IPv6)."""
    address = parse_client_address(ip)
    matched = any(exc.contains(address) for exc in rule.exceptions)
    if rule.default == IpDefault.GRANT:
        return not matched
    return matched


def access_allowed(global_rule: IpRule, group_rule: IpRule | None, ip: str) -> bool:
    """Both the global rule and (when given) the group's Technician Console rule must allow ``ip``.

    Pass ``group_rule`` only for Technician Console access by a member of that
    group; pass ``None`` for the Administration Center, the APIs, customers and
    external technicians.
    """
    if not rule_allows(global_rule, ip):
        return False
    return group_rule is None or rule_allows(group_rule, ip)


def ip_rule_from_value(value: object) -> IpRule:
    """Validate the stored/submitted JSON shape ``{"default": ..., "exceptions": [...]}``."""
    if not isinstance(value, Mapping):
        raise InvalidInput("An IP rule must be an object with 'default' and 'exceptions'.", field="ip_rule")
    unknown = set(value) - {"default", "exceptions"}
    if unknown:
        raise InvalidInput(
            f"Unknown IP rule field(s): {', '.join(sorted(map(str, unknown)))}.", field="ip_rule"
        )
    raw_exceptions = value.get("exceptions", [])
    if not isinstance(raw_exceptions, list | tuple):
        raise InvalidInput("IP rule 'exceptions' must be a list.", field="exceptions")
    exceptions: list[IpException] = []
    for item in raw_exceptions:
        if not isinstance(item, Mapping) or set(item) != {"network_id", "subnet_mask"}:
            raise InvalidInput(
                "Each IP exception needs exactly 'network_id' and 'subnet_mask'.", field="exceptions"
            )
        exceptions.append(IpException(item["network_id"], item["subnet_mask"]))
    return IpRule(value.get("default", IpDefault.GRANT), tuple(exceptions))
