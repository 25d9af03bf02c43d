"""Pure RFM scoring and tier rules. No I/O: the tier job feeds it one row per member and writes
what it returns.

Recency (days since the last purchase), frequency (purchases) and monetary value (cents) are
measured over the last 365 days and scored 1-5 by quintile among the members who bought in that
window (recency: fewer days score higher). A member's score is R + F + M (3-15). Tiers:

- NEWCOMER: joined less than 30 days ago and has not bought yet;
- DORMANT: no purchase in the last 180 days (members who never bought included);
- KOC: among recent buyers, the top 5 % by score who also contribute (a published post in
  90 days, or 10 likes received in 90 days);
- HIGH_VALUE: the next 15 % by score (and top-5 % buyers who do not contribute);
- POTENTIAL: every other recent buyer.

Ties never split: every member with a score at or above a cut is in, and a cut lands where the
share comes closest to its target. Scores are reproducible from
the cuts, which the job records with each tier change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Tier(StrEnum):
    KOC = "KOC"
    HIGH_VALUE = "HIGH_VALUE"
    POTENTIAL = "POTENTIAL"
    DORMANT = "DORMANT"
    NEWCOMER = "NEWCOMER"


# The tiers from lowest to highest: the one order "up" and "down" are read against.
TIER_ORDER = (Tier.DORMANT, Tier.NEWCOMER, Tier.POTENTIAL, Tier.HIGH_VALUE, Tier.KOC)


def is_upward(from_tier: str | None, to_tier: str) -> bool:
    """A move to a higher tier (a first computation, from no tier, is no move)."""
    if from_tier is None:
        return False
    return TIER_ORDER.index(Tier(to_tier)) > TIER_ORDER.index(Tier(from_tier))


@dataclass(frozen=True)
class RfmRules:
    window_days: int = 365
    dormant_after_days: int = 180
    newcomer_days: int = 30
    koc_share: float = 0.05
    high_value_share: float = 0.15  # the next 15 %, after KOC's 5 %
    contribution_days: int = 90
    likes_to_contribute: int = 10


@dataclass(frozen=True)
class MemberActivity:
    """What the job reads about one member (purchases within the window only)."""

    member_id: int
    days_since_joined: int
    days_since_last_purchase: int | None  # None: no purchase in the window
    frequency: int
    monetary_cents: int
    posts_published_recently: int = 0
    likes_received: int = 0


@dataclass(frozen=True)
class Cuts:
    """Quintile boundaries among the window's buyers (four values each, ascending), and the
    score a buyer needs for KOC and for HIGH_VALUE."""

    recency: tuple[int, ...]
    frequency: tuple[int, ...]
    monetary: tuple[int, ...]
    koc_score: int = 16  # 16: nobody (no buyers)
    high_value_score: int = 16


@dataclass(frozen=True)
class Scored:
    member_id: int
    tier: Tier
    recency_days: int | None
    frequency: int
    monetary_cents: int
    r: int
    f: int
    m: int

    @property
    def score(self) -> int:
        return self.r + self.f + self.m


def quintile_cuts(values: Sequence[int]) -> tuple[int, ...]:
    """The values at the 20/40/60/80 % positions of ``values`` (sorted ascending)."""
    if not values:
        return ()
    n = len(values)
    return tuple(values[min(n - 1, (n * k) // 5)] for k in range(1, 5))


def quintile(value: int, cuts: tuple[int, ...]) -> int:
    """1-5: one plus the number of cuts ``value`` reaches."""
    return 1 + bisect_right(cuts, value)


def _recency_score(days: int, cuts: tuple[int, ...]) -> int:
    """Fewer days since the last purchase scores higher: 5 for the most recent fifth. As with
    the other two, reaching a cut counts: a buyer on a boundary gets the better score."""
    return 5 - bisect_left(cuts, days) if cuts else 0


def _frequency_score(value: int, cuts: tuple[int, ...]) -> int:
    return quintile(value, cuts) if cuts else 0


def score_of(activity: MemberActivity, cuts: Cuts) -> tuple[int, int, int]:
    days = activity.days_since_last_purchase
    if days is None:
        return 0, 0, 0
    return (
        _recency_score(days, cuts.recency),
        _frequency_score(activity.frequency, cuts.frequency),
        _frequency_score(activity.monetary_cents, cuts.monetary),
    )


def _score_cut(histogram: dict[int, int], buyers: int, share: float) -> int:
    """The score cut whose members (every score at or above it) come closest to ``share`` of
    buyers, taking at least the top score when buyers exist: ties never split, so a tied group
    is taken when that lands nearer the target than leaving it out."""
    if not buyers:
        return 16
    target = share * buyers
    taken, cut = 0, 16
    for score in sorted(histogram, reverse=True):
        with_group = taken + histogram[score]
        if cut != 16 and abs(with_group - target) >= abs(taken - target):
            break
        taken, cut = with_group, score
    return cut


def cuts_from_values(
    recency: Sequence[int],
    frequency: Sequence[int],
    monetary: Sequence[int],
    rules: RfmRules = RfmRules(),
) -> Cuts:
    """Cuts from the window's buyers, one position per buyer in the three sequences: quintiles
    among all of them, then the KOC and HIGH_VALUE score cuts among the recent ones (bought
    within ``dormant_after_days``). Memory: the three sequences (the tier job passes arrays)."""
    base = Cuts(
        recency=quintile_cuts(sorted(recency)),
        frequency=quintile_cuts(sorted(frequency)),
        monetary=quintile_cuts(sorted(monetary)),
    )
    histogram: dict[int, int] = {}
    buyers = 0
    for days, times, cents in zip(recency, frequency, monetary, strict=True):
        if days >= rules.dormant_after_days:
            continue
        buyers += 1
        score = (
            _recency_score(days, base.recency)
            + _frequency_score(times, base.frequency)
            + _frequency_score(cents, base.monetary)
        )
        histogram[score] = histogram.get(score, 0) + 1
    koc = _score_cut(histogram, buyers, rules.koc_share)
    high = _score_cut(histogram, buyers, rules.koc_share + rules.high_value_share)
    return Cuts(base.recency, base.frequency, base.monetary, koc, min(high, koc))


def compute_cuts(activities: Iterable[MemberActivity], rules: RfmRules = RfmRules()) -> Cuts:
    buyers = [a for a in activities if a.days_since_last_purchase is not None]
    return cuts_from_values(
        [a.days_since_last_purchase or 0 for a in buyers],
        [a.frequency for a in buyers],
        [a.monetary_cents for a in buyers],
        rules,
    )


def contributes(activity: MemberActivity, rules: RfmRules = RfmRules()) -> bool:
    return (
        activity.posts_published_recently > 0
        or activity.likes_received >= rules.likes_to_contribute
    )


def assign(activity: MemberActivity, cuts: Cuts, rules: RfmRules = RfmRules()) -> Scored:
    r, f, m = score_of(activity, cuts)
    days = activity.days_since_last_purchase
    score = r + f + m
    if days is None and activity.days_since_joined < rules.newcomer_days:
        tier = Tier.NEWCOMER
    elif days is None or days >= rules.dormant_after_days:
        tier = Tier.DORMANT
    elif score >= cuts.koc_score and contributes(activity, rules):
        tier = Tier.KOC
    elif score >= cuts.high_value_score:
        tier = Tier.HIGH_VALUE
    else:
        tier = Tier.POTENTIAL
    return Scored(
        member_id=activity.member_id,
        tier=tier,
        recency_days=days,
        frequency=activity.frequency,
        monetary_cents=activity.monetary_cents,
        r=r,
        f=f,
        m=m,
    )


def purchases_to_move_up(activity: MemberActivity, cuts: Cuts) -> int | None:
    """How many more purchases (at the member's own average basket, or the median buyer's
    when they have none) would lift their score to the next tier's cut; None at the top or when
    no number of purchases would do it within the window."""
    current = assign(activity, cuts)
    target = {
        Tier.POTENTIAL: cuts.high_value_score,
        Tier.DORMANT: cuts.high_value_score,
        Tier.NEWCOMER: cuts.high_value_score,
        Tier.HIGH_VALUE: cuts.koc_score,
    }.get(current.tier)
    if target is None or target > 15 or current.score >= target:
        return None  # at the top, out of reach, or only contributing (not buying) moves them
    basket = (
        activity.monetary_cents // activity.frequency
        if activity.frequency
        else (cuts.monetary[1] if cuts.monetary else 0)
    )
    for extra in range(1, 51):
        moved = MemberActivity(
            member_id=activity.member_id,
            days_since_joined=activity.days_since_joined,
            days_since_last_purchase=0,
            frequency=activity.frequency + extra,
            monetary_cents=activity.monetary_cents + extra * basket,
        )
        if sum(score_of(moved, cuts)) >= target:
            return extra
    return None
