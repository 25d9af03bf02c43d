"""Purchases' mutation root field: recording the mall's orders."""

from __future__ import annotations

import strawberry

from api.purchases.mutations.record_purchases import RecordPurchasesResult, record_purchases


@strawberry.type
class PurchasesMutation:
    record_purchases: RecordPurchasesResult = strawberry.mutation(
        resolver=record_purchases,
        description="Admins: record the mall's orders. Idempotent on the order id; each new "
        "order earns pending points once and may reward its buyer's referral; bad rows are "
        "listed and the good ones recorded.",
    )
