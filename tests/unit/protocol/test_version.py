"""Version negotiation (lifeline/protocol/version.py)."""

from __future__ import annotations

import pytest

from lifeline.protocol import PROTOCOL_VERSION, VersionMismatch, negotiate_version


def test_highest_common_version_wins() -> None:
    assert negotiate_version([1, 2, 3], supported=[2, 3, 4]) == 3


def test_current_version_negotiates_with_itself() -> None:
    assert negotiate_version([PROTOCOL_VERSION]) == PROTOCOL_VERSION


def test_old_peer_is_told_to_upgrade_the_agent() -> None:
    with pytest.raises(VersionMismatch, match=r"peer offers \[1\], this side supports \[2, 3\] \(upgrade the agent\)"):
        negotiate_version([1], supported=[2, 3])


def test_newer_peer_is_told_to_upgrade_the_server() -> None:
    with pytest.raises(VersionMismatch, match="upgrade the server"):
        negotiate_version([5], supported=[1])


@pytest.mark.parametrize("offered", [[0], ["1"], [True], list(range(1, 100))])
def test_malformed_offers_are_refused(offered: list[object]) -> None:
    with pytest.raises(VersionMismatch):
        negotiate_version(offered)  # type: ignore[arg-type]
