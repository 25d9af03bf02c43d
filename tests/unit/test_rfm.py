"""The pure RFM rules on small hand-worked examples."""

from __future__ import annotations

from domain.segments.rfm import (
    Cuts,
    MemberActivity,
    Tier,
    assign,
    compute_cuts,
    purchases_to_move_up,
    quintile_cuts,
)


def buyer(n: int, **extra: int) -> MemberActivity:
    """Buyer n of ten: n purchases worth n × ¥100, the last one (11 - n) × 10 days ago."""
    return MemberActivity(
        member_id=n,
        days_since_joined=400,
        days_since_last_purchase=(11 - n) * 10,
        frequency=n,
        monetary_cents=n * 10_000,
        **extra,
    )


TEN = [buyer(n, posts_published_recently=1 if n == 10 else 0) for n in range(1, 11)]


def test_quintile_cuts_sit_at_the_fifths() -> None:
    assert quintile_cuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == (3, 5, 7, 9)
    assert quintile_cuts([7]) == (7, 7, 7, 7)
    assert quintile_cuts([]) == ()


def test_ten_buyers_score_by_hand() -> None:
    # Cuts: days 30/50/70/90, purchases 3/5/7/9, cents 30,000/50,000/70,000/90,000; reaching a
    # cut counts (days: at most the cut). Buyer 10: 10 days (R5), 10 purchases (F5), ¥1,000
    # (M5) = 15; buyer 9: 20 days R5 F5 M5 = 15; buyer 8: 30 days R5, F4 M4 = 13; buyer 7: 40
    # days R4 F4 M4 = 12; 6: R4 F3 M3 = 10; 5: R3 F3 M3 = 9; 4: R3 F2 M2 = 7; 3: 6; 2: R2 F1 M1
    # = 4; 1: 3.
    cuts = compute_cuts(TEN)
    assert cuts.recency == (30, 50, 70, 90) and cuts.frequency == (3, 5, 7, 9)
    scored = {a.member_id: assign(a, cuts) for a in TEN}
    assert [scored[n].score for n in range(10, 0, -1)] == [15, 15, 13, 12, 10, 9, 7, 6, 4, 3]
    assert (scored[8].r, scored[8].f, scored[8].m) == (5, 4, 4)
    # 5 % of 10 buyers is half a member: the top score is taken whole (ties never split), so
    # 15 is the KOC cut; 20 % (two members) is full at 15 too, and 13 would make it 30 %.
    assert (cuts.koc_score, cuts.high_value_score) == (15, 15)
    assert scored[10].tier == Tier.KOC  # top score and a post in 90 days
    assert scored[9].tier == Tier.HIGH_VALUE  # top score, no contribution
    assert {scored[n].tier for n in range(1, 9)} == {Tier.POTENTIAL}


def test_ten_likes_received_count_as_contributing() -> None:
    cuts = compute_cuts(TEN)
    liked = MemberActivity(9, 400, 20, 9, 90_000, likes_received=10)
    assert assign(liked, cuts).tier == Tier.KOC
    assert assign(MemberActivity(9, 400, 20, 9, 90_000, likes_received=9), cuts).tier == (
        Tier.HIGH_VALUE
    )


def test_dormant_and_newcomers() -> None:
    cuts = compute_cuts(TEN)
    assert assign(MemberActivity(20, 10, None, 0, 0), cuts).tier == Tier.NEWCOMER
    assert assign(MemberActivity(21, 30, None, 0, 0), cuts).tier == Tier.DORMANT
    lapsed = assign(MemberActivity(22, 400, 180, 9, 90_000), cuts)
    assert lapsed.tier == Tier.DORMANT and lapsed.score > 0
    assert assign(MemberActivity(23, 400, 179, 9, 90_000), cuts).tier != Tier.DORMANT


def test_lapsed_buyers_shape_the_quintiles_but_not_the_tier_cuts() -> None:
    lapsed = [MemberActivity(100 + n, 400, 300, 50, 5_000_000) for n in range(10)]
    cuts = compute_cuts(TEN + lapsed)
    scored = [assign(a, cuts) for a in TEN + lapsed]
    assert {s.tier for s in scored[10:]} == {Tier.DORMANT}
    assert sum(s.tier in (Tier.KOC, Tier.HIGH_VALUE) for s in scored[:10]) >= 1


def test_no_buyers_means_no_cuts_and_no_top_tiers() -> None:
    cuts = compute_cuts([MemberActivity(1, 100, None, 0, 0)])
    assert cuts == Cuts((), (), (), 16, 16)
    assert assign(MemberActivity(1, 100, None, 0, 0), cuts).tier == Tier.DORMANT


def test_how_many_purchases_would_move_a_member_up() -> None:
    cuts = compute_cuts(TEN)
    # Buyer 5 (¥100 baskets) needs 15: four more purchases make 9 purchases and ¥900, bought
    # today: R5 F5 M5. Three make R5 F4 M4 = 13.
    assert purchases_to_move_up(buyer(5), cuts) == 4
    assert purchases_to_move_up(buyer(10, posts_published_recently=1), cuts) is None
    assert purchases_to_move_up(buyer(9), cuts) is None  # a post, not a purchase, makes KOC
