"""The community-lift rules: the worked example of ``domain/lift/rules.py`` to the figure, and
Wilson's and Newcombe's intervals against Newcombe's published values (Statistics in Medicine
1998, 17: 857–872 and 873–890)."""

from __future__ import annotations

import pytest

from domain.lift.rules import (
    MIN_COHORT,
    Cohorts,
    Interval,
    Outcome,
    Stratum,
    lift,
    newcombe,
    wilson,
)

POTENTIAL: Stratum = ("POTENTIAL", 1)
KOC: Stratum = ("KOC", 1)
DORMANT: Stratum = ("DORMANT", 2)
NEWCOMER: Stratum = ("NEWCOMER", 2)

# (stratum, treated, orders, GMV in fen): T1–T4 then U1–U6 of the docstring.
EXAMPLE = [
    (POTENTIAL, True, 2, 10_000),
    (POTENTIAL, True, 0, 0),
    (KOC, True, 3, 20_000),
    (DORMANT, True, 5, 50_000),
    (POTENTIAL, False, 2, 6_000),
    (POTENTIAL, False, 1, 2_000),
    (POTENTIAL, False, 0, 0),
    (POTENTIAL, False, 0, 0),
    (KOC, False, 1, 4_000),
    (NEWCOMER, False, 4, 40_000),
]


def example() -> Cohorts:
    cohorts = Cohorts()
    for stratum, treated, orders, gmv in EXAMPLE:
        cohorts.add(stratum, treated, Outcome(orders, gmv))
    return cohorts


def close(interval: Interval, low: float, high: float, places: int = 4) -> bool:
    return round(interval.low, places) == low and round(interval.high, places) == high


def test_the_worked_example_counts_each_arm_as_the_docstring_says() -> None:
    counts = lift(example()).counts
    assert (counts.treated, counts.matched, counts.unmatched) == (4, 3, 1)
    assert (counts.controls, counts.strata) == (5, 2)
    assert counts.effective_controls == pytest.approx(4.5)
    assert counts.too_small


def test_the_worked_example_repurchase_rates_and_their_newcombe_interval() -> None:
    rate = lift(example()).repurchase
    assert rate is not None
    assert rate.treated == pytest.approx(2 / 3) and rate.control == pytest.approx(1 / 6)
    assert rate.difference == pytest.approx(0.5)
    assert close(wilson(2, 3), 0.2077, 0.9385)
    assert close(wilson(0.75, 4.5), 0.0243, 0.6160)
    assert close(rate.interval, -0.1423, 0.8069)


def test_the_worked_example_orders_and_gmv_per_member_with_their_normal_intervals() -> None:
    report = lift(example())
    assert report.orders is not None and report.gmv_fen is not None
    assert report.orders.treated == pytest.approx(5 / 3)
    assert report.orders.control == pytest.approx(5 / 6)
    assert close(report.orders.interval, -0.6833, 2.3500)
    assert report.gmv_fen.treated == pytest.approx(10_000)
    assert report.gmv_fen.control == pytest.approx(8_000 / 3)
    assert report.gmv_fen.difference == pytest.approx(22_000 / 3)
    assert close(report.gmv_fen.interval, -2094.0, 16760.7, places=1)


def test_the_order_members_arrive_in_does_not_change_the_figures() -> None:
    shuffled = Cohorts()
    for stratum, treated, orders, gmv in reversed(EXAMPLE):
        shuffled.add(stratum, treated, Outcome(orders, gmv))
    assert lift(shuffled) == lift(example())


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_single_proportion_table(
    successes: int, n: int, low: float, high: float
) -> None:
    assert close(wilson(successes, n), low, high)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0),
        (10, 10, 0, 10, 0.6075, 1.0),
    ],
)
def test_newcombe_matches_his_method_ten_for_the_difference_of_two_proportions(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    assert close(newcombe(x1, n1, x2, n2), low, high)


def test_untreated_members_weigh_so_that_the_control_arm_has_the_treated_mix() -> None:
    # One stratum where everyone treated repurchased and one where nobody did: 1 treated in A
    # and 3 in B, against 10 untreated in each with the same behaviour as their stratum's
    # treated. Weighted, the control arm's rate is the treated arm's (1/4); unweighted it would
    # be 1/2.
    cohorts = Cohorts()
    for _ in range(1):
        cohorts.add(("KOC", 1), True, Outcome(2, 100))
    for _ in range(3):
        cohorts.add(("DORMANT", 1), True, Outcome(0, 0))
    for _ in range(10):
        cohorts.add(("KOC", 1), False, Outcome(2, 100))
        cohorts.add(("DORMANT", 1), False, Outcome(0, 0))
    report = lift(cohorts)
    assert report.repurchase is not None and report.gmv_fen is not None
    assert report.repurchase.control == pytest.approx(0.25)
    assert report.repurchase.difference == pytest.approx(0.0)
    assert report.gmv_fen.control == pytest.approx(25)
    # Weights 0.1 and 0.3: (Σw)² / Σw² = 16 / (10 × 0.01 + 10 × 0.09) = 16.
    assert report.counts.effective_controls == pytest.approx(16)


def test_without_a_matched_stratum_there_is_nothing_to_compare() -> None:
    cohorts = Cohorts()
    cohorts.add(("KOC", 1), True, Outcome(3, 500))
    cohorts.add(("KOC", 2), False, Outcome(1, 100))
    report = lift(cohorts)
    assert (report.repurchase, report.orders, report.gmv_fen) == (None, None, None)
    assert (report.counts.treated, report.counts.unmatched, report.counts.controls) == (1, 1, 0)


def test_a_cohort_is_read_once_both_arms_have_thirty_members() -> None:
    cohorts = Cohorts()
    for _ in range(MIN_COHORT):
        cohorts.add(("KOC", 1), True, Outcome(1, 100))
    for _ in range(MIN_COHORT - 1):
        cohorts.add(("KOC", 1), False, Outcome(1, 100))
    assert lift(cohorts).counts.too_small
    cohorts.add(("KOC", 1), False, Outcome(0, 0))
    assert not lift(cohorts).counts.too_small
