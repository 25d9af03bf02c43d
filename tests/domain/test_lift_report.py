"""The community-lift report on the worked example of ``domain/lift/rules.py`` stored as members,
posts and purchases: each figure as the docstring derives it, whatever the chunk size, with the
members and rows just outside each boundary left out; then who counts as taking part for the
other two actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.events.models import EventRegistration, RegistrationStatus
from domain.groups.models import GroupMembership
from domain.lift import report
from domain.lift.report import LiftAction, community_lift
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.lift_helpers import (
    FIRST,
    LAST,
    bought,
    posted,
    posters_world,
    resident,
    shanghai,
    tier,
)
from tests.factories import make_estate

TODAY = date(2026, 11, 21)
pytestmark = pytest.mark.usefixtures("collaborators")


async def test_the_posters_report_has_the_docstrings_figures() -> None:
    await posters_world()
    found = await community_lift(FIRST, LAST, LiftAction.POSTED, TODAY)
    assert (found.outcome_first, found.outcome_last) == (date(2026, 8, 1), date(2026, 10, 29))
    assert found.window_complete
    counts = found.lift.counts
    assert (counts.treated, counts.matched, counts.unmatched) == (4, 3, 1)
    assert (counts.controls, counts.strata, counts.effective_controls) == (5, 2, 4.5)
    rate, orders, gmv = found.lift.repurchase, found.lift.orders, found.lift.gmv_fen
    assert rate is not None and orders is not None and gmv is not None
    assert (rate.treated, rate.control) == pytest.approx((2 / 3, 1 / 6))
    assert (round(rate.interval.low, 4), round(rate.interval.high, 4)) == (-0.1423, 0.8069)
    assert (orders.treated, orders.control) == pytest.approx((5 / 3, 5 / 6))
    assert (round(orders.interval.low, 4), round(orders.interval.high, 4)) == (-0.6833, 2.35)
    assert (gmv.treated, gmv.control) == pytest.approx((10_000, 8_000 / 3))
    assert (round(gmv.interval.low, 1), round(gmv.interval.high, 1)) == (-2094.0, 16760.7)


async def test_reading_members_two_at_a_time_gives_the_same_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await posters_world()
    whole = await community_lift(FIRST, LAST, LiftAction.POSTED, TODAY)
    monkeypatch.setattr(report, "MEMBER_CHUNK", 2)
    assert await community_lift(FIRST, LAST, LiftAction.POSTED, TODAY) == whole


async def test_a_window_not_over_yet_is_said_to_be() -> None:
    found = await community_lift(FIRST, LAST, LiftAction.POSTED, date(2026, 10, 29))
    assert not found.window_complete
    assert found.lift.counts.treated == 0 and found.lift.repurchase is None


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(2026, 8, 2), date(2026, 8, 1), "from"),
        (date(2026, 11, 1), TODAY, "to"),
        (date(2025, 1, 1), date(2026, 1, 2), "from"),
    ],
)
async def test_a_period_backwards_unfinished_or_over_a_year_is_refused(
    first: date, last: date, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await community_lift(first, last, LiftAction.POSTED, TODAY)
    assert [e.field for e in refused.value.field_errors] == [field]


async def test_joining_a_group_counts_when_the_membership_began_in_the_period(
    collaborators: Collaborators,
) -> None:
    estate = await make_estate()
    group = await make_group(await make_host())
    joined_in, joined_before, never = [await resident(estate, n) for n in ("甲", "乙", "丙")]
    for member in (joined_in, joined_before, never):
        await tier(member, "POTENTIAL", "2026-06-01")
    await GroupMembership.create(
        group=group, member=joined_in, joined_at=shanghai("2026-07-31", "23:59")
    )
    await GroupMembership.create(
        group=group, member=joined_before, joined_at=shanghai("2026-06-30", "23:59")
    )
    found = await community_lift(FIRST, LAST, LiftAction.JOINED_GROUP, TODAY)
    # The host joined no group in July either (their group was made at the clock's start).
    assert (found.lift.counts.treated, found.lift.counts.matched) == (1, 1)
    assert found.lift.counts.controls == 2


async def test_attending_counts_a_check_in_in_the_period_only(collaborators: Collaborators) -> None:
    estate = await make_estate()
    event = await make_event(collaborators, None, starts_in=timedelta(days=-140))
    came, booked, came_late = [await resident(estate, n) for n in ("甲", "乙", "丙")]
    for member in (came, booked, came_late):
        await tier(member, "POTENTIAL", "2026-06-01")
    for n, (member, status, at) in enumerate(
        [
            (came, RegistrationStatus.CHECKED_IN, shanghai("2026-07-04", "10:00")),
            (booked, RegistrationStatus.CONFIRMED, None),
            (came_late, RegistrationStatus.CHECKED_IN, shanghai("2026-08-01", "00:00")),
        ]
    ):
        await EventRegistration.create(
            event=event,
            member=member,
            status=status,
            check_in_code=f"LIFT{n}",
            created_at=shanghai("2026-06-20"),
            checked_in_at=at,
        )
    found = await community_lift(FIRST, LAST, LiftAction.ATTENDED, TODAY)
    assert (found.lift.counts.treated, found.lift.counts.matched) == (1, 1)


async def test_members_are_compared_within_their_own_estate() -> None:
    here, there = await make_estate("翠湖花园"), await make_estate("金桥小区")
    poster, neighbour, far_away = (
        await resident(here, "甲"),
        await resident(here, "乙"),
        await resident(there, "丙"),
    )
    for member in (poster, neighbour, far_away):
        await tier(member, "POTENTIAL", "2026-06-01")
    await posted(poster, "2026-07-10")
    await bought(far_away, 500, "2026-08-10")
    await bought(far_away, 500, "2026-08-11")
    found = await community_lift(FIRST, LAST, LiftAction.POSTED, TODAY)
    # The same tier in another estate is no comparison: only 乙 is, and 乙 bought nothing.
    assert (found.lift.counts.controls, found.lift.counts.strata) == (1, 1)
    assert found.lift.gmv_fen is not None and found.lift.gmv_fen.control == 0
    assert found.lift.repurchase is not None and found.lift.repurchase.control == 0
