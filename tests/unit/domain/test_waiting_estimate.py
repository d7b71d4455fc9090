from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.domain.waiting_estimate import ESTIMATE_SAMPLE_SIZE, estimated_wait_s, queue_position
from lifeline.errors import InvalidInput

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_no_history_no_estimate():
    assert estimated_wait_s([]) is None


def test_fewer_than_ten_uses_what_exists():
    assert estimated_wait_s([30, 90]) == 60


def test_only_the_last_ten_count():
    durations = [1000] * 5 + [60] * ESTIMATE_SAMPLE_SIZE
    assert estimated_wait_s(durations) == 60
    assert estimated_wait_s([1000] + [10] * 9 + [20]) == 11  # the 1000 s one is the 11th newest


def test_timedeltas_and_rounding():
    assert estimated_wait_s([timedelta(seconds=1), timedelta(seconds=2)]) == 2  # 1.5 rounds to even
    assert estimated_wait_s([timedelta(minutes=1), 30.4]) == 45


def test_negative_refused():
    with pytest.raises(InvalidInput):
        estimated_wait_s([10, -1])


def test_queue_position_by_arrival_then_id():
    queue = [(5, T0 + timedelta(seconds=30)), (3, T0), (9, T0), (1, T0 + timedelta(minutes=5))]
    assert queue_position(3, queue) == 1
    assert queue_position(9, queue) == 2
    assert queue_position(5, queue) == 3
    assert queue_position(1, queue) == 4
    assert queue_position(42, queue) is None
    assert queue_position(1, []) is None
