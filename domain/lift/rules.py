"""Community lift as pure rules: participants against comparable non-participants, with 95 %
intervals. No I/O.

Definitions (each figure of the community-lift report is one of these):

- A member's **outcome** is what they bought in the 90 days after the period: ``orders`` (their
  purchases, one per mall order) and ``gmv_fen`` (the sum of those orders' amounts, their 90-day
  LTV). They **repurchased** when they made at least two purchases in those 90 days.
- Members are **treated** (they took part in the period) or **untreated**. Both are split into
  **strata** by (tier at the period's start, estate). A stratum with at least one treated and one
  untreated member is **matched**; treated members of a stratum without any untreated member are
  **unmatched** and left out of every figure (nobody comparable did not take part); untreated
  members of a stratum without a treated member are left out too.
- The **treated arm** is every matched treated member, each weighing 1. The **control arm** is
  every untreated member of a matched stratum, weighing ``treated_in_stratum /
  untreated_in_stratum``, so that the control arm has the treated arm's mix of strata (its
  weights sum to the matched treated count).
- An arm's **rate** or **mean** is the weighted mean of the outcome: ``Σ w·x / Σ w``.
- The control arm's **effective size** is Kish's ``(Σ w)² / Σ w²``: what its weighted rate is
  worth as a plain sample. The treated arm's is its count.
- The **repurchase interval** is Newcombe's hybrid score interval (method 10 of Newcombe 1998)
  for the difference of the two rates, built from each arm's Wilson 95 % interval (the control's
  with its effective size as ``n``): ``d − √((p₁−l₁)² + (u₂−p₂)²)`` to
  ``d + √((u₁−p₁)² + (p₂−l₂)²)``.
- The **intervals of the means** (orders per member, GMV per member) are normal 95 % intervals
  for the difference, ``d ± 1.96·√(V₁ + V₂)``, where an arm's ``V`` is the linearised variance
  of its weighted mean with the weights held fixed, ``Σ w²·(x − mean)² / (Σ w)²`` (for the
  treated arm ``Σ (x − mean)² / n²``): Welch's unequal variances, without the small-sample
  ``t``, which is why a cohort under ``MIN_COHORT`` is flagged as too small to read.

Worked example (``tests/unit/test_lift_rules.py`` checks these exact values, and
``tests/domain/test_lift_report.py`` builds the same members in a database).
Outcomes are (orders, GMV in yuan).

- Stratum POTENTIAL in estate 1: treated T1 (2, 100.00) and T2 (0, 0); untreated U1 (2, 60.00),
  U2 (1, 20.00), U3 (0, 0), U4 (0, 0). Each untreated member weighs 2/4 = 0.5.
- Stratum KOC in estate 1: treated T3 (3, 200.00); untreated U5 (1, 40.00), weighing 1/1 = 1.
- Stratum DORMANT in estate 2: treated T4 (5, 500.00) and nobody untreated: T4 is unmatched.
- Stratum NEWCOMER in estate 2: untreated U6 (4, 400.00) and nobody treated: U6 is left out.

Counts: 4 treated, 3 matched, 1 unmatched, 5 controls, 2 matched strata; control weights sum to
3, their squares to 4 × 0.25 + 1 = 2, so the effective control size is 9 / 2 = 4.5.

- Repurchase: treated 2/3 = 0.6667 (T1, T3); control 0.5 × 1 (U1) / 3 = 0.1667; difference
  0.5000. Wilson: treated 0.2077 to 0.9385; control (0.75 of 4.5) 0.0243 to 0.6160. Newcombe:
  −0.1423 to 0.8069 (the interval spans 0: three members against five prove nothing).
- Orders per member: treated 5/3 = 1.6667; control (0.5 × 3 + 1) / 3 = 0.8333; difference
  0.8333. V treated = (42/9) / 9 = 0.5185, V control = (26/36) / 9 = 0.0802; interval
  0.8333 ± 1.96 × 0.7738 = −0.6833 to 2.3500.
- GMV per member (90-day LTV): treated 30,000 / 3 = 10,000 fen (¥100.00); control
  (0.5 × 8,000 + 4,000) / 3 = 2,666.67 fen; difference 7,333.33 fen. V treated =
  2 × 10⁸ / 9 = 22,222,222.2, V control = 8,222,222.2 / 9 = 913,580.2; interval
  7,333.33 ± 1.96 × 4,810.0 = −2,094.0 to 16,760.7 fen."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile
REPEAT_ORDERS = 2  # purchases in the 90 days that make a repurchase
MIN_COHORT = 30  # matched treated members and controls below which the report warns

# (tier at the period's start, estate id or None)
Stratum = tuple[str, int | None]


@dataclass(frozen=True)
class Outcome:
    """One member's 90 days after the period."""

    orders: int
    gmv_fen: int

    @property
    def repurchased(self) -> bool:
        return self.orders >= REPEAT_ORDERS


@dataclass
class Sums:
    """The sufficient sums of one arm of one stratum: enough for every weighted figure, so
    members can be streamed and forgotten."""

    n: int = 0
    repurchased: int = 0
    orders: int = 0
    orders_sq: int = 0
    gmv: int = 0
    gmv_sq: int = 0

    def add(self, outcome: Outcome) -> None:
        self.n += 1
        self.repurchased += outcome.repurchased
        self.orders += outcome.orders
        self.orders_sq += outcome.orders**2
        self.gmv += outcome.gmv_fen
        self.gmv_sq += outcome.gmv_fen**2

    def moments(self, metric: str) -> tuple[int, int, int]:
        """(n, Σx, Σx²) of ``repurchased``, ``orders`` or ``gmv``."""
        if metric == "repurchased":
            return self.n, self.repurchased, self.repurchased  # x is 0 or 1: x² = x
        return self.n, getattr(self, metric), getattr(self, f"{metric}_sq")


@dataclass
class Cohorts:
    """Every member seen so far, as sums per stratum and arm."""

    treated: dict[Stratum, Sums] = field(default_factory=lambda: defaultdict(Sums))
    untreated: dict[Stratum, Sums] = field(default_factory=lambda: defaultdict(Sums))

    def add(self, stratum: Stratum, treated: bool, outcome: Outcome) -> None:
        (self.treated if treated else self.untreated)[stratum].add(outcome)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    """One metric: the treated arm's value, the control arm's, their difference and its 95 %
    interval."""

    treated: float
    control: float
    interval: Interval

    @property
    def difference(self) -> float:
        return self.treated - self.control


@dataclass(frozen=True)
class Counts:
    treated: int  # every member who took part
    matched: int  # of whom in a matched stratum: the treated arm
    unmatched: int  # of whom in a stratum nobody untreated shares
    controls: int  # untreated members of matched strata: the control arm
    strata: int  # matched strata
    effective_controls: float  # Kish's effective size of the control arm

    @property
    def too_small(self) -> bool:
        return self.matched < MIN_COHORT or self.controls < MIN_COHORT


@dataclass(frozen=True)
class Lift:
    """The comparisons are None when no stratum is matched (nothing to compare)."""

    counts: Counts
    repurchase: Comparison | None
    orders: Comparison | None
    gmv_fen: Comparison | None


def wilson(successes: float, n: float, z: float = Z95) -> Interval:
    """Wilson's score interval for a proportion; ``n`` may be an effective (fractional) size."""
    if n <= 0:
        return Interval(0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def newcombe(x1: float, n1: float, x2: float, n2: float, z: float = Z95) -> Interval:
    """Newcombe's hybrid score interval for ``x1/n1 − x2/n2`` (his method 10)."""
    p1, p2 = x1 / n1, x2 / n2
    first, second = wilson(x1, n1, z), wilson(x2, n2, z)
    difference = p1 - p2
    below = math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    above = math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Interval(difference - below, difference + above)


def _weights(cohorts: Cohorts) -> dict[Stratum, float]:
    """Each matched stratum's weight of one untreated member."""
    return {
        stratum: treated.n / cohorts.untreated[stratum].n
        for stratum, treated in cohorts.treated.items()
        if treated.n and cohorts.untreated.get(stratum, Sums()).n
    }


def _arm(
    sums: dict[Stratum, Sums], weights: dict[Stratum, float], metric: str
) -> tuple[float, float]:
    """(weighted mean, linearised variance of the mean) of one arm over the matched strata."""
    total = sum(sums[s].n * w for s, w in weights.items())
    mean = sum(sums[s].moments(metric)[1] * w for s, w in weights.items()) / total
    spread = 0.0
    for stratum, w in weights.items():
        n, x, x2 = sums[stratum].moments(metric)
        spread += w * w * (x2 - 2 * mean * x + n * mean * mean)
    return mean, spread / (total * total)


def _means(cohorts: Cohorts, weights: dict[Stratum, float], metric: str) -> Comparison:
    treated, v_treated = _arm(cohorts.treated, dict.fromkeys(weights, 1.0), metric)
    control, v_control = _arm(cohorts.untreated, weights, metric)
    half = Z95 * math.sqrt(v_treated + v_control)
    d = treated - control
    return Comparison(treated, control, Interval(d - half, d + half))


def lift(cohorts: Cohorts) -> Lift:
    """The report's figures from the cohorts' sums (see the module's definitions)."""
    weights = _weights(cohorts)
    matched = sum(cohorts.treated[s].n for s in weights)
    treated = sum(sums.n for sums in cohorts.treated.values())
    sum_w2 = sum(cohorts.untreated[s].n * w * w for s, w in weights.items())
    counts = Counts(
        treated=treated,
        matched=matched,
        unmatched=treated - matched,
        controls=sum(cohorts.untreated[s].n for s in weights),
        strata=len(weights),
        effective_controls=matched * matched / sum_w2 if sum_w2 else 0.0,
    )
    if not weights:
        return Lift(counts, None, None, None)
    rate_treated = _arm(cohorts.treated, dict.fromkeys(weights, 1.0), "repurchased")[0]
    rate_control = _arm(cohorts.untreated, weights, "repurchased")[0]
    n_eff = counts.effective_controls
    repurchase = Comparison(
        rate_treated,
        rate_control,
        newcombe(rate_treated * matched, matched, rate_control * n_eff, n_eff),
    )
    return Lift(
        counts, repurchase, _means(cohorts, weights, "orders"), _means(cohorts, weights, "gmv")
    )
