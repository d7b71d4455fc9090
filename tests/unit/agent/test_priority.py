"""Customer-input priority (lifeline/agent/priority.py): the policy, and the polled source of other platforms."""

from __future__ import annotations

from lifeline.agent.priority import CUSTOMER_PRIORITY_WINDOW_S, CustomerActivity, PolledActivity, Snapshot
from lifeline.protocol import messages

KEY_DOWN, KEY_UP = messages.key_event("KeyA", True, "a"), messages.key_event("KeyA", False, "a")
NO_KEYS = (0, 0)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ReportedInput:
    """An event-driven source (like input/x11_watch.py): the test says when the customer last acted."""

    polled = False

    def __init__(self) -> None:
        self.last = float("-inf")
        self.polls = 0

    def last_input(self) -> float:
        return self.last

    def after_injection(self) -> None:
        """Nothing to do."""

    def poll(self) -> None:
        self.polls += 1

    def close(self) -> None:
        """Nothing held."""


class ScriptedProbe:
    def __init__(self) -> None:
        self.state: Snapshot = ((0, 0), 0, NO_KEYS)
        self.closed = False

    def read(self) -> Snapshot:
        return self.state

    def close(self) -> None:
        self.closed = True


def test_the_technician_waits_out_the_window_after_the_customer_but_releases_always_pass() -> None:
    clock, source = Clock(), ReportedInput()
    activity = CustomerActivity(source, "customer", clock)
    assert activity.technician_may_act(KEY_DOWN)
    source.last = clock.now
    clock.now += CUSTOMER_PRIORITY_WINDOW_S / 2
    assert not activity.technician_may_act(KEY_DOWN)
    assert activity.technician_may_act(KEY_UP) and activity.technician_may_act({"type": "release_all"})
    clock.now += CUSTOMER_PRIORITY_WINDOW_S / 2
    assert activity.technician_may_act(KEY_DOWN)


def test_priority_technician_ignores_the_customer() -> None:
    clock, source = Clock(), ReportedInput()
    source.last = clock.now
    assert CustomerActivity(source, "technician", clock).technician_may_act(KEY_DOWN)


def test_polled_source_counts_only_what_changed_since_the_last_injection() -> None:
    clock, probe = Clock(), ScriptedProbe()
    source = PolledActivity(probe, clock)
    assert source.polled and source.last_input() == float("-inf")
    probe.state = ((5, 5), 0, NO_KEYS)  # our own injection moved the pointer
    source.after_injection()
    source.poll()
    assert source.last_input() == float("-inf")
    probe.state = ((6, 5), 0, NO_KEYS)  # then it moved without us: the customer
    source.poll()
    assert source.last_input() == clock.now
    clock.now += 1
    probe.state = ((6, 5), 0, (0, 1))  # a key pressed
    source.poll()
    assert source.last_input() == clock.now
    clock.now += 1
    probe.state = ((6, 5), 0, NO_KEYS)  # released: not new input
    source.poll()
    assert source.last_input() == clock.now - 1
    source.close()
    assert probe.closed
