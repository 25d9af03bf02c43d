from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.clock import SHANGHAI
from domain.points import ledger
from domain.points.errors import InsufficientPointsError
from domain.programme.rules import DEFAULT_RULES


def test_points_expire_at_the_end_of_the_year_after_they_became_available() -> None:
    expires = DEFAULT_RULES.expiry_for(datetime(2026, 3, 5, 4, 0, tzinfo=UTC))
    assert expires.astimezone(SHANGHAI).date() == date(2027, 12, 31)
    assert (expires.astimezone(SHANGHAI).hour, expires.astimezone(SHANGHAI).minute) == (23, 59)


def test_new_years_eve_in_utc_is_already_next_year_in_shanghai() -> None:
    # 2026-12-31 20:00 UTC is 2027-01-01 04:00 in Shanghai: the points expire at the end of 2028.
    expires = DEFAULT_RULES.expiry_for(datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    assert expires.astimezone(SHANGHAI).year == 2028


def test_the_daily_cap_grants_what_still_fits() -> None:
    assert ledger.capped_grant(0, 10, 200) == 10
    assert ledger.capped_grant(195, 10, 200) == 5
    assert ledger.capped_grant(200, 10, 200) == 0


def test_every_seventh_day_in_a_row_earns_ten_more() -> None:
    assert [DEFAULT_RULES.check_in_points(s) for s in (1, 6, 7, 8, 14)] == [2, 2, 12, 2, 12]
    assert ledger.next_streak(date(2026, 11, 20), 6, date(2026, 11, 21)) == 7
    assert ledger.next_streak(date(2026, 11, 19), 6, date(2026, 11, 21)) == 1
    assert ledger.next_streak(None, 0, date(2026, 11, 21)) == 1


def test_spending_draws_lots_in_the_order_given_and_refuses_an_overdraft() -> None:
    assert ledger.plan_draws([(1, 5), (2, 10), (3, 10)], 12) == [(1, 5), (2, 7)]
    with pytest.raises(InsufficientPointsError) as raised:
        ledger.plan_draws([(1, 5)], 12)
    assert (raised.value.balance, raised.value.cost) == (5, 12)
    assert ledger.debit(30, 30) == 0
    with pytest.raises(InsufficientPointsError):
        ledger.debit(29, 30)
