"""The points of an account being erased (domain/privacy/deletion.py): inside the erasure's
transaction, its pending points arrive and then everything left expires, as ledger movements of
the points area like any other."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F

from domain.points.accounts import lock_account
from domain.points.models import LedgerEntry, LedgerReason, PointsAccount, PointsLot


async def expire_everything(member_id: int, now: datetime) -> None:
    """Pending points arrive, then everything left expires: two ledger movements, so the
    account, its entries and its lots still add up (``linli reconcile``)."""
    account = await lock_account(member_id, now)
    for lot in await PointsLot.filter(member_id=member_id, released=False).order_by("id"):
        if not await PointsLot.filter(id=lot.id, released=False).update(released=True):
            continue
        await PointsAccount.filter(id=account.id).update(
            pending=F("pending") - lot.amount, balance=F("balance") + lot.amount, updated_at=now
        )
        await account.refresh_from_db(fields=["balance"])
        await LedgerEntry.create(
            member_id=member_id,
            amount=lot.amount,
            balance_after=account.balance,
            reason=LedgerReason.PENDING_RELEASED,
            description="账户注销：待到账积分到账后作废",
            idempotency_key=f"release:{lot.id}",
            expires_at=lot.expires_at,
            available_at=now,
            created_at=now,
        )
    total = 0
    for lot in await PointsLot.filter(member_id=member_id, released=True, remaining__gt=0):
        if await PointsLot.filter(id=lot.id, remaining=lot.remaining).update(remaining=0):
            total += lot.remaining
    if not total:
        return
    await PointsAccount.filter(id=account.id).update(balance=F("balance") - total, updated_at=now)
    await account.refresh_from_db(fields=["balance"])
    await LedgerEntry.create(
        member_id=member_id,
        amount=-total,
        balance_after=account.balance,
        reason=LedgerReason.EXPIRY,
        description="账户注销，积分作废",
        idempotency_key=f"erasure:{member_id}",
        created_at=now,
    )
