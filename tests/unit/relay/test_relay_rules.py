"""Relay and agent rules without sockets: bus framing, permission checks per message, consent, messages."""

from __future__ import annotations

import pytest

from lifeline.agent.consent import Consent
from lifeline.agent.priority import is_release
from lifeline.protocol import relay
from lifeline.protocol.errors import FrameError, MessageError
from lifeline.services.relay.envelope import MAX_PART_BYTES, Reassembler, pack
from lifeline.services.relay.rights import NO_RIGHTS, ViewerRights, message_allowed

FULL = ViewerRights(True, control=True, view=True, clipboard=True, screenshot=True, clipboard_mode="universal")
VIEW_ONLY = ViewerRights(True, control=False, view=True, clipboard=True, screenshot=False, clipboard_mode="universal")


def test_big_payloads_are_split_and_joined_in_order() -> None:
    body = bytes(range(256)) * (3 * MAX_PART_BYTES // 256 + 7)
    parts = pack("frame", body, viewer="v1")
    assert len(parts) == 4 and all(len(p) < MAX_PART_BYTES + 200 for p in parts)
    joiner = Reassembler()
    results = [joiner.feed("s", p) for p in parts]
    assert results[:3] == [None, None, None]
    assert results[3] is not None and results[3].body == body and results[3].fields == {"viewer": "v1"}


def test_a_lost_part_drops_the_message_and_counts_a_gap() -> None:
    parts = pack("frame", b"x" * (2 * MAX_PART_BYTES + 1))
    joiner = Reassembler()
    assert joiner.feed("s", parts[0]) is None
    assert joiner.feed("s", parts[2]) is None
    assert joiner.gaps == 1
    small = pack("msg", b"{}")
    assert joiner.feed("s", small[0]) is not None


@pytest.mark.parametrize(
    ("rights", "mode", "kind", "allowed"),
    [
        (FULL, "control", "key", True),
        (FULL, "control", "clipboard", True),
        (FULL, "view", "key", False),
        (FULL, "view", "mouse_move", False),
        (FULL, "view", "clipboard", False),
        (FULL, "view", "ack", True),
        (FULL, None, "ack", False),
        (VIEW_ONLY, "control", "key", False),
        (VIEW_ONLY, "view", "refresh", True),
        (VIEW_ONLY, "view", "encodings", True),
        (NO_RIGHTS, "view", "encodings", False),
        (VIEW_ONLY, "view", "screenshot_request", False),
        (FULL, "view", "screenshot_request", True),
        (NO_RIGHTS, "control", "key", False),
        (NO_RIGHTS, "view", "ack", False),
    ],
)
def test_every_message_is_checked_against_mode_and_permissions(
    rights: ViewerRights, mode: str | None, kind: str, allowed: bool
) -> None:
    assert message_allowed(rights, mode, kind) is allowed


def test_consent_control_implies_view_and_revoke_clears_everything() -> None:
    consent = Consent()
    assert not consent.covers("view")
    consent.grant("view", everything=False)
    assert consent.covers("view") and not consent.covers("control")
    consent.grant("control", everything=False)
    assert consent.covers("view") and consent.covers("control")
    consent.revoke_all()
    assert not consent.covers("view") and not consent.covers("control")
    consent.grant("view", everything=True)  # the single prompt grants everything
    assert consent.covers("control")


def test_releases_are_never_suppressed_by_customer_priority() -> None:
    assert is_release({"type": "release_all"})
    assert is_release({"type": "key", "code": "KeyA", "down": False})
    assert is_release({"type": "mouse_button", "button": 0, "down": False, "x": 0, "y": 0})
    assert not is_release({"type": "key", "code": "KeyA", "down": True})
    assert not is_release({"type": "mouse_move", "x": 1, "y": 1})


def test_relay_messages_are_validated_like_screen_messages() -> None:
    assert relay.build("start", mode="view") == {"type": "start", "mode": "view"}
    with pytest.raises(MessageError, match=r"start\.mode"):
        relay.decode_relay_message('{"type":"start","mode":"admin"}', allowed=relay.VIEWER_TO_RELAY)
    with pytest.raises(MessageError, match="not allowed"):
        relay.decode_relay_message('{"type":"viewer_join","viewer":"a","mode":"view","technician":"x"}',
                                   allowed=relay.VIEWER_TO_RELAY)
    with pytest.raises(MessageError):
        relay.decode_relay_message('{"type":"from_viewer","viewer":"a","message":{"type":"monitors"}}',
                                   allowed=relay.RELAY_TO_AGENT)


def test_addressed_frames_round_trip_and_reject_bad_ids() -> None:
    assert relay.split_addressed_frame(relay.address_frame("abc_-1", b"\x01frame")) == ("abc_-1", b"\x01frame")
    with pytest.raises(FrameError):
        relay.split_addressed_frame(b"\x05a b")
