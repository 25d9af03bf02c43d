"""Relative times as residents' phone apps write them, counted in Shanghai calendar days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.relative_time import describe, time_element

# 2026-06-15 14:30 in Shanghai
NOW = datetime(2026, 6, 15, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(0), "刚刚"),
        (timedelta(seconds=59), "刚刚"),
        (timedelta(seconds=-30), "刚刚"),
        (timedelta(seconds=60), "1分钟前"),
        (timedelta(minutes=59, seconds=59), "59分钟前"),
        (timedelta(hours=1), "1小时前"),
        (timedelta(hours=14, minutes=29), "14小时前"),
    ],
)
def test_the_last_minute_minutes_and_hours_of_today(ago: timedelta, text: str) -> None:
    assert describe(NOW - ago, NOW) == text


def test_shanghai_midnight_separates_today_from_yesterday() -> None:
    midnight = datetime(2026, 6, 14, 16, 0, tzinfo=UTC)  # 00:00 on the 15th in Shanghai
    assert describe(midnight, NOW) == "14小时前"
    assert describe(midnight - timedelta(minutes=1), NOW) == "昨天 23:59"


def test_a_utc_today_that_is_already_tomorrow_in_shanghai() -> None:
    now = datetime(2026, 6, 15, 17, 0, tzinfo=UTC)  # 01:00 on the 16th in Shanghai
    assert describe(datetime(2026, 6, 15, 15, 0, tzinfo=UTC), now) == "昨天 23:00"
    assert describe(datetime(2026, 6, 15, 16, 30, tzinfo=UTC), now) == "30分钟前"


def test_yesterday_ends_at_the_midnight_before_it() -> None:
    start_of_yesterday = datetime(2026, 6, 13, 16, 0, tzinfo=UTC)  # 00:00 on the 14th
    assert describe(start_of_yesterday, NOW) == "昨天 00:00"
    assert describe(start_of_yesterday - timedelta(seconds=1), NOW) == "6月13日"


def test_dates_this_year_then_with_the_year() -> None:
    new_year = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # 00:00 on 2026-01-01 in Shanghai
    assert describe(new_year, NOW) == "1月1日"
    assert describe(new_year - timedelta(minutes=1), NOW) == "2025年12月31日"


def test_a_time_to_come_is_a_date() -> None:
    assert describe(NOW + timedelta(days=3), NOW) == "6月18日"


def test_the_element_carries_the_instant_and_the_full_local_time() -> None:
    html = str(time_element(NOW - timedelta(minutes=5), NOW))
    assert html == (
        '<time datetime="2026-06-15T06:25:00+00:00" title="2026-06-15 14:25">5分钟前</time>'
    )
