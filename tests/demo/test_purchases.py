"""The demo's year of purchases and its referrals: a realistic skew, referral rows for everyone
who joined with a code (some rewarded, some waiting), points through the ledger."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from demo import residents
from demo.purchases import seed_purchases_demo
from domain.collaborators import Collaborators
from domain.columns import column
from domain.identity.models import Member
from domain.points.models import LedgerEntry, LedgerReason
from domain.points.reconcile import reconcile
from domain.purchases.models import Purchase
from domain.referrals.models import Referral, ReferralStatus


async def test_a_year_of_skewed_purchases_and_referral_chains_that_reconcile(
    collaborators: Collaborators,
) -> None:
    await residents.seed_demo(collaborators.clock)
    made = await seed_purchases_demo(collaborators)
    now = collaborators.clock.now()
    purchases = await Purchase.all().values_list("member_id", "purchased_at")
    assert made["purchases"] == len(purchases) > 800
    assert all(now - timedelta(days=365) <= at <= now for _, at in purchases)
    orders = Counter(member for member, _ in purchases)
    people = await Member.all().count() - 2
    assert sum(n >= 20 for n in orders.values()) >= 5  # a few heavy buyers
    assert sum(n <= 5 for n in orders.values()) > people // 4  # many occasional ones
    assert people - len(orders) > people // 10  # some never bought
    last = {m: max(at for member, at in purchases if member == m) for m in orders}
    assert sum(now - at > timedelta(days=180) for at in last.values()) > 10  # lapsed
    joined = dict(await Member.all().values_list("id", "created_at"))
    assert all(at >= joined[m] for m, at in purchases)

    invited = await Member.filter(referred_by_id__isnull=False).count()
    assert made["referrals"] == await Referral.all().count() == invited > 10
    statuses = Counter(await column(Referral.all(), "status"))
    assert statuses[ReferralStatus.REWARDED] == made["rewarded"] > 5
    assert statuses[ReferralStatus.PENDING] > 0
    rewards = await LedgerEntry.filter(reason=LedgerReason.REFERRAL).count()
    assert rewards == 2 * made["rewarded"]
    resident = await Member.get(phone=residents.DEMO_RESIDENT_PHONE)
    mine = await column(Referral.filter(referrer_id=resident.id), "status")
    assert sorted(mine) == ["PENDING", "REWARDED", "REWARDED"]
    assert await LedgerEntry.filter(reason=LedgerReason.PURCHASE).count() == len(purchases)
    assert (await reconcile()).clean
