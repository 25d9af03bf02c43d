"""The worked example of ``domain/attribution/rules.py``'s docstring, value for value, and the
window's edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from domain.attribution.rules import Attribution, Order, Sighting, attribute

DAY0 = datetime(2026, 11, 1, tzinfo=UTC)
TAGS = {1: frozenset({"BEAN"}), 2: frozenset({"BEAN", "MUG"}), 3: frozenset({"FLOUR"})}


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


SIGHTINGS = [
    Sighting(1, 1, day(0)),
    Sighting(1, 2, day(2)),
    Sighting(2, 1, day(0)),
    Sighting(3, 3, day(1)),
    Sighting(4, 2, day(5)),
]
ORDERS = [
    Order(101, 1, day(3), 100_00, ("BEAN", "MUG")),
    Order(102, 2, day(9), 40_00, ("BEAN",)),
    Order(103, 3, day(1.5), 30_00, ("FLOUR",)),
]


def figures(result: Attribution, model: str) -> dict[int, tuple[Fraction, Fraction, set[int], str]]:
    credits = getattr(result, model)
    return {
        post_id: (c.gmv_cents, c.orders, c.buyers, f"{len(c.buyers)}/{len(c.viewers)}")
        for post_id, c in sorted(credits.items())
    }


def test_the_docstrings_worked_example() -> None:
    result = attribute(ORDERS, SIGHTINGS, TAGS)
    assert figures(result, "last_touch") == {
        1: (Fraction(0), Fraction(0), set(), "0/2"),
        2: (Fraction(100_00), Fraction(1), {1}, "1/2"),
        3: (Fraction(30_00), Fraction(1), {3}, "1/1"),
    }
    assert figures(result, "linear") == {
        1: (Fraction(25_00), Fraction(1, 4), {1}, "1/2"),
        2: (Fraction(75_00), Fraction(3, 4), {1}, "1/2"),
        3: (Fraction(30_00), Fraction(1), {3}, "1/1"),
    }
    assert result.last_touch[3].conversion_rate == 1.0
    assert {
        sku: (c.gmv_cents, c.orders, c.buyers) for sku, c in sorted(result.products.items())
    } == {
        "BEAN": (Fraction(50_00), Fraction(1, 2), {1}),
        "FLOUR": (Fraction(30_00), Fraction(1), {3}),
        "MUG": (Fraction(50_00), Fraction(1, 2), {1}),
    }
    assert result.credited_gmv_cents("last_touch") == result.credited_gmv_cents("linear") == 130_00


def test_the_window_is_seven_days_after_the_sighting_and_never_before_it() -> None:
    seen = [Sighting(1, 1, day(0))]
    inside = [Order(1, 1, day(7), 10_00, ("BEAN",))]
    after = [Order(2, 1, day(7) + timedelta(seconds=1), 10_00, ("BEAN",))]
    before = [Order(3, 1, day(0) - timedelta(seconds=1), 10_00, ("BEAN",))]
    assert attribute(inside, seen, TAGS).last_touch[1].gmv_cents == 10_00
    assert attribute(after, seen, TAGS).credited_gmv_cents("last_touch") == 0
    assert attribute(before, seen, TAGS).credited_gmv_cents("linear") == 0


def test_untagged_skus_and_other_members_sightings_credit_nothing() -> None:
    seen = [Sighting(2, 1, day(0))]  # member 2 saw the BEAN post; member 1 bought
    orders = [Order(1, 1, day(1), 10_00, ("BEAN",)), Order(2, 2, day(1), 10_00, ("TEA",))]
    result = attribute(orders, seen, TAGS)
    assert result.credited_gmv_cents("last_touch") == result.credited_gmv_cents("linear") == 0


def test_streaming_members_in_chunks_gives_the_same_result() -> None:
    whole = attribute(ORDERS, SIGHTINGS, TAGS)
    chunked = Attribution()
    for members in ({1, 2}, {3, 4}):
        attribute(
            [o for o in ORDERS if o.member_id in members],
            [s for s in SIGHTINGS if s.member_id in members],
            TAGS,
            into=chunked,
        )
    assert figures(chunked, "linear") == figures(whole, "linear")
    assert figures(chunked, "last_touch") == figures(whole, "last_touch")
