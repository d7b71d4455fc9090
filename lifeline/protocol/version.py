"""Protocol versioning and negotiation (see docs/protocol.md, "Version negotiation").

The connecting side (agent or viewer) offers every version it speaks in its
``hello``; the accepting side (server relay) answers with the highest version
both speak. Negotiating a *set* rather than comparing one number lets an old
agent keep working with a newer server for as long as the server still lists
the old version in ``SUPPORTED_VERSIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable

from lifeline.protocol.errors import VersionMismatch

__all__ = ["PROTOCOL_VERSION", "SUPPORTED_VERSIONS", "negotiate_version"]

#: The version this code speaks natively. Bump it when frames or messages change
#: in a way an older peer could not parse, and keep the old one in
#: SUPPORTED_VERSIONS for as long as it is still handled.
PROTOCOL_VERSION = 1

#: Every version this code can speak, newest first.
SUPPORTED_VERSIONS: tuple[int, ...] = (PROTOCOL_VERSION,)

#: A peer offering more than this many versions is broken or hostile.
MAX_OFFERED_VERSIONS = 32


def negotiate_version(offered: Iterable[int], supported: Iterable[int] = SUPPORTED_VERSIONS) -> int:
    """Return the highest version present in both ``offered`` and ``supported``.

    Raises ``VersionMismatch`` naming both sets, so the log line alone tells an
    operator which side must be upgraded.

    >>> negotiate_version([1, 2], supported=[2, 3])
    2
    """
    offered_list = list(offered)
    if len(offered_list) > MAX_OFFERED_VERSIONS:
        raise VersionMismatch(f"peer offered {len(offered_list)} versions; at most {MAX_OFFERED_VERSIONS}")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in offered_list):
        raise VersionMismatch(f"protocol versions must be positive integers, got {offered_list!r}")
    ours = set(supported)
    common = ours.intersection(offered_list)
    if not common:
        hint = "upgrade the agent" if max(offered_list, default=0) < min(ours) else "upgrade the server"
        raise VersionMismatch(
            f"no common protocol version: peer offers {sorted(offered_list)}, "
            f"this side supports {sorted(ours)} ({hint})"
        )
    return max(common)
