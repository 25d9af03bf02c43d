"""The dashboard's longest range is one rule of the domain, read by the portal and GraphQL alike."""

from __future__ import annotations

from datetime import date

from domain.kpis.metrics import Period


def test_a_period_of_a_leap_year_fits_and_one_day_more_does_not() -> None:
    assert not Period(date(2024, 1, 1), date(2024, 12, 31)).too_long  # 366 days
    assert Period(date(2024, 1, 1), date(2025, 1, 1)).too_long  # 367 days
    assert not Period(date(2026, 11, 1), date(2026, 11, 1)).too_long
