from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chat.ids import time_ordered_id


def test_ids_of_one_instant_sort_in_the_order_they_were_made() -> None:
    moment = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    ids = [time_ordered_id("a", moment) for _ in range(50)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 50


def test_ids_sort_by_the_clock_and_keep_their_shape() -> None:
    early = datetime(2030, 1, 1, tzinfo=UTC)
    first = time_ordered_id("d", early)
    later = time_ordered_id("d", early + timedelta(milliseconds=1))
    assert first < later
    assert len(first) == 1 + 16 + 6 and first.startswith("d")
    assert int(first[1:17], 16) // 1000 == (early - datetime(1970, 1, 1, tzinfo=UTC)) \
        // timedelta(microseconds=1)
