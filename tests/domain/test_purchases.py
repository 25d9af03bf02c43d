"""Recording purchases: idempotent on the order id, pending points once, bad rows by line, and a
first purchase rewarding the referral on both sides once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import PermissionDeniedError
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from domain.purchases.models import Purchase
from domain.purchases.rules import PurchaseRow
from domain.purchases.services import record_purchases
from domain.referrals.models import Referral, ReferralStatus
from tests.domain.purchase_helpers import make_admin, order, refer
from tests.factories import make_member


async def test_a_purchase_is_recorded_once_with_pending_points_per_whole_yuan(
    collaborators: Collaborators,
) -> None:
    admin, buyer = await make_admin(), await make_member()
    first = await record_purchases(collaborators, admin, [order(collaborators, "M-1", buyer)])
    again = await record_purchases(collaborators, admin, [order(collaborators, "M-1", buyer)])
    assert (first.recorded, first.duplicates, first.points) == (1, 0, 123)
    assert (again.recorded, again.duplicates, again.points) == (0, 1, 0)
    purchase = await Purchase.get(order_id="M-1")
    assert (purchase.member_id, purchase.amount_cents, purchase.items) == (
        buyer.id,
        12_345,
        ["隅田川挂耳咖啡"],
    )
    account = await PointsAccount.get(member_id=buyer.id)
    assert (account.balance, account.pending) == (0, 123)
    entry = await LedgerEntry.get(member_id=buyer.id)
    assert entry.reason == LedgerReason.PURCHASE and entry.pending
    assert entry.available_at == collaborators.clock.now() + timedelta(days=15)
    assert (await reconcile()).clean


async def test_bad_rows_are_reported_by_line_and_good_rows_still_land(
    collaborators: Collaborators,
) -> None:
    admin, buyer = await make_admin(), await make_member()
    now = collaborators.clock.now()
    rows = [
        order(collaborators, "OK-1", buyer, line=0),
        PurchaseRow(line=1, order_id="BAD-1", amount_cents=0, purchased_at=now, phone=buyer.phone),
        PurchaseRow(line=2, order_id="BAD-2", amount_cents=500, purchased_at=now, phone="1"),
        PurchaseRow(line=3, order_id="BAD-3", amount_cents=500, purchased_at=now, member_id=999),
        PurchaseRow(
            line=4, order_id="BAD 4", amount_cents=500, purchased_at=now + timedelta(days=2)
        ),
        order(collaborators, "OK-2", buyer, 99, line=5),
    ]
    summary = await record_purchases(collaborators, admin, rows)
    assert (summary.recorded, summary.duplicates, summary.rejected) == (2, 0, 4)
    assert {(e.line, e.field) for e in summary.errors} == {
        (1, "amountCents"),
        (2, "phone"),
        (3, "phone"),
        (4, "orderId"),
        (4, "phone"),
        (4, "occurredAt"),
    }
    assert set(await column(Purchase.all(), "order_id")) == {"OK-1", "OK-2"}
    assert summary.points == 123  # 99 cents is no whole yuan
    assert await LedgerEntry.filter(member_id=buyer.id).count() == 1


async def test_a_member_id_and_a_phone_of_two_different_members_match_nobody(
    collaborators: Collaborators,
) -> None:
    admin, one, other = await make_admin(), await make_member(), await make_member()
    row = PurchaseRow(
        line=7,
        order_id="X-1",
        amount_cents=100,
        purchased_at=collaborators.clock.now(),
        member_id=one.id,
        phone=other.phone,
    )
    summary = await record_purchases(collaborators, admin, [row])
    assert summary.recorded == 0 and summary.errors[0].line == 7
    assert not await Purchase.exists()


async def test_only_admins_record_purchases(collaborators: Collaborators) -> None:
    resident = await make_member()
    with pytest.raises(PermissionDeniedError):
        await record_purchases(collaborators, resident, [order(collaborators, "R-1", resident)])
    assert not await Purchase.exists()


async def test_the_first_purchase_rewards_both_sides_once_and_later_ones_nothing(
    collaborators: Collaborators,
) -> None:
    admin, inviter, invitee = await make_admin(), await make_member(), await make_member()
    referral = await refer(collaborators, inviter, invitee)
    first = await record_purchases(
        collaborators,
        admin,
        [
            order(collaborators, "F-2", invitee, minutes_ago=10),
            order(collaborators, "F-1", invitee, minutes_ago=30),
        ],
    )
    later = await record_purchases(collaborators, admin, [order(collaborators, "F-3", invitee)])
    assert (first.referrals_rewarded, later.referrals_rewarded) == (1, 0)
    referral = await Referral.get(id=referral.id)
    assert referral.status == ReferralStatus.REWARDED
    assert referral.rewarded_at == collaborators.clock.now()
    assert referral.first_purchase_id == (await Purchase.get(order_id="F-1")).id
    for member in (inviter, invitee):
        rows = await LedgerEntry.filter(member_id=member.id, reason=LedgerReason.REFERRAL)
        assert [r.amount for r in rows] == [100]
    assert (await PointsAccount.get(member_id=inviter.id)).balance == 100
    assert (await reconcile()).clean


async def test_a_second_level_chain_is_ignored(collaborators: Collaborators) -> None:
    admin = await make_admin()
    grandparent, parent, child = await make_member(), await make_member(), await make_member()
    await refer(collaborators, grandparent, parent)
    await refer(collaborators, parent, child)
    await record_purchases(collaborators, admin, [order(collaborators, "C-1", child)])
    assert await LedgerEntry.filter(reason=LedgerReason.REFERRAL).count() == 2
    assert not await LedgerEntry.filter(member_id=grandparent.id).exists()
    parent_ref = await Referral.get(invitee_id=parent.id)
    assert parent_ref.status == ReferralStatus.PENDING  # the parent has not bought anything


async def test_a_purchase_without_a_referral_rewards_nobody_else(
    collaborators: Collaborators,
) -> None:
    admin, buyer, bystander = await make_admin(), await make_member(), await make_member()
    summary = await record_purchases(collaborators, admin, [order(collaborators, "B-1", buyer)])
    assert summary.referrals_rewarded == 0
    assert not await LedgerEntry.filter(member_id=bystander.id).exists()
    assert not await LedgerEntry.filter(reason=LedgerReason.REFERRAL).exists()


async def test_purchase_points_become_available_after_fifteen_days_through_the_release_job(
    collaborators: Collaborators,
) -> None:
    from domain.points.jobs import release_pending_points
    from domain.points.models import PointsLot

    admin, buyer = await make_admin(), await make_member()
    await record_purchases(
        collaborators,
        admin,
        [order(collaborators, "P-1", buyer, 5_000), order(collaborators, "P-2", buyer, 250)],
    )
    lots = await PointsLot.filter(member_id=buyer.id).order_by("amount")
    assert [(lot.amount, lot.released) for lot in lots] == [(2, False), (50, False)]
    assert await release_pending_points(collaborators.clock.now() + timedelta(days=14)) == 0
    assert await release_pending_points(collaborators.clock.now() + timedelta(days=15)) == 52
    account = await PointsAccount.get(member_id=buyer.id)
    assert (account.balance, account.pending) == (52, 0)
    assert (await reconcile()).clean
