"""Races on PostgreSQL with separate connections: one order id recorded at once from many calls
(API and CSV) gives one purchase, one points award and one referral reward; an invitee's first
two purchases arriving together reward each side once."""

from __future__ import annotations

import asyncio

import pytest

from domain.collaborators import Collaborators
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount
from domain.points.reconcile import reconcile
from domain.purchases.csv_import import import_purchases_csv
from domain.purchases.models import Purchase
from domain.purchases.services import RecordSummary, record_purchases
from domain.referrals.models import Referral, ReferralStatus
from tests.conftest import GraphQLClient
from tests.domain.purchase_helpers import make_admin, order, refer
from tests.factories import make_member

pytestmark = pytest.mark.postgres_only


async def _assert_one_of_everything(inviter_id: int, invitee_id: int) -> None:
    assert await Purchase.filter(order_id="RACE-1").count() == 1
    assert await LedgerEntry.filter(member_id=invitee_id, reason=LedgerReason.PURCHASE).count() == 1
    for member_id in (inviter_id, invitee_id):
        referral_rows = LedgerEntry.filter(member_id=member_id, reason=LedgerReason.REFERRAL)
        assert await referral_rows.count() == 1
    assert (await PointsAccount.get(member_id=invitee_id)).pending == 123
    assert (await reconcile()).clean


async def test_one_order_sent_twenty_times_at_once_and_in_turn_is_recorded_once(
    collaborators: Collaborators,
) -> None:
    admin, inviter, invitee = await make_admin(), await make_member(), await make_member()
    await refer(collaborators, inviter, invitee)
    row = order(collaborators, "RACE-1", invitee)
    results = await asyncio.gather(
        *(record_purchases(collaborators, admin, [row]) for _ in range(20))
    )
    assert sorted((r.recorded, r.duplicates) for r in results) == [(0, 1)] * 19 + [(1, 0)]
    assert sum(r.referrals_rewarded for r in results) == 1
    for _ in range(5):
        again = await record_purchases(collaborators, admin, [row])
        assert (again.recorded, again.duplicates, again.points) == (0, 1, 0)
    await _assert_one_of_everything(inviter.id, invitee.id)


async def test_one_order_in_concurrent_csv_imports_and_api_calls_is_recorded_once(
    collaborators: Collaborators,
) -> None:
    admin, inviter, invitee = await make_admin(), await make_member(), await make_member()
    await refer(collaborators, inviter, invitee)
    at = collaborators.clock.now().isoformat()
    csv_text = f"order_id,phone,amount_cents,purchased_at\nRACE-1,{invitee.phone},12345,{at}\n"
    calls = [
        import_purchases_csv(collaborators, admin, csv_text.splitlines(keepends=True))
        for _ in range(10)
    ]
    calls += [
        record_purchases(collaborators, admin, [order(collaborators, "RACE-1", invitee)])
        for _ in range(10)
    ]
    results: list[RecordSummary] = await asyncio.gather(*calls)
    assert sum(r.recorded for r in results) == 1
    assert sum(r.duplicates for r in results) == 19
    await _assert_one_of_everything(inviter.id, invitee.id)


async def test_an_invitees_first_two_purchases_at_once_reward_each_side_once(
    collaborators: Collaborators,
) -> None:
    admin, inviter, invitee = await make_admin(), await make_member(), await make_member()
    referral = await refer(collaborators, inviter, invitee)
    results = await asyncio.gather(
        *(
            record_purchases(collaborators, admin, [order(collaborators, f"FIRST-{n}", invitee)])
            for n in range(10)
        )
    )
    assert sum(r.recorded for r in results) == 10
    assert sum(r.referrals_rewarded for r in results) == 1
    for member_id in (inviter.id, invitee.id):
        rows = await LedgerEntry.filter(member_id=member_id, reason=LedgerReason.REFERRAL)
        assert [r.amount for r in rows] == [100]
    assert (await Referral.get(id=referral.id)).status == ReferralStatus.REWARDED
    assert (await PointsAccount.get(member_id=inviter.id)).balance == 100
    assert (await reconcile()).clean


async def test_overlapping_batches_in_opposite_orders_finish_without_deadlock(
    collaborators: Collaborators,
) -> None:
    admin = await make_admin()
    members = [await make_member() for _ in range(6)]
    rows = [order(collaborators, f"MIX-{n:02d}", m) for n, m in enumerate(members * 3)]
    batches = [rows, list(reversed(rows)), rows[::2] + rows[1::2], rows[1::2] + rows[::2]]
    results = await asyncio.gather(*(record_purchases(collaborators, admin, b) for b in batches))
    assert sum(r.recorded for r in results) == len(rows) == await Purchase.all().count()
    assert await LedgerEntry.filter(reason=LedgerReason.PURCHASE).count() == len(rows)
    assert (await reconcile()).clean


async def test_one_order_posted_to_graphql_ten_times_at_once_is_recorded_once(
    collaborators: Collaborators, gql: GraphQLClient
) -> None:
    from domain.identity import services as identity
    from tests.api.test_identity_api import op
    from web.ids import encode_id

    admin, inviter, invitee = await make_admin(), await make_member(), await make_member()
    await refer(collaborators, inviter, invitee)
    token = (await identity.issue_api_tokens(collaborators, admin)).access_token
    row = {
        "orderId": "RACE-1",
        "memberId": encode_id("Member", invitee.id),
        "amountCents": 12_345,
        "occurredAt": collaborators.clock.now().isoformat(),
    }
    bodies = await asyncio.gather(
        *(
            gql(op("RecordPurchases"), {"input": {"purchases": [row]}}, token=token)
            for _ in range(10)
        )
    )
    results = [body["data"]["recordPurchases"] for body in bodies]
    assert sorted((r["recorded"], r["duplicates"]) for r in results) == [(0, 1)] * 9 + [(1, 0)]
    await _assert_one_of_everything(inviter.id, invitee.id)
