"""Writing to a points account: every credit, debit, refund and release goes through here, inside
the caller's ``atomic()`` block. One lock order everywhere: idempotency record → reward or
redemption → points account → lots."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import F

from domain.points.errors import InsufficientPointsError
from domain.points.ledger import plan_draws
from domain.points.models import LedgerEntry, LedgerReason, LotDraw, PointsAccount, PointsLot
from domain.programme.rules import ProgrammeRuleSet


async def lock_account(member_id: int, now: datetime) -> PointsAccount:
    """The member's account, created on first use, locked for this transaction (PostgreSQL)."""
    await PointsAccount.bulk_create(
        [PointsAccount(member_id=member_id, updated_at=now)], ignore_conflicts=True
    )
    return await PointsAccount.filter(member_id=member_id).select_for_update().get()


async def already_applied(key: str) -> bool:
    return await LedgerEntry.filter(idempotency_key=key).exists()


async def credit(
    account: PointsAccount,
    amount: int,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
    rules: ProgrammeRuleSet,
    pending_days: int = 0,
) -> LedgerEntry:
    """Add ``amount`` (available now, or pending for ``pending_days``) with a lot of its own,
    expiring as the rule version ``rules`` says; the entry names that version."""
    available_at = now + timedelta(days=pending_days)
    pending = pending_days > 0
    if pending:
        account.pending += amount
    else:
        account.balance += amount
    account.updated_at = now
    await account.save(update_fields=["balance", "pending", "updated_at"])
    entry = await LedgerEntry.create(
        member_id=account.member_id,
        amount=amount,
        balance_after=account.balance,
        pending=pending,
        reason=reason,
        description=description,
        idempotency_key=key,
        expires_at=rules.expiry_for(available_at) if amount > 0 else None,
        available_at=available_at,
        rule_version=rules.version,
        created_at=now,
    )
    if amount > 0:
        await PointsLot.create(
            member_id=account.member_id,
            entry=entry,
            amount=amount,
            remaining=amount,
            available_at=available_at,
            released=not pending,
            expires_at=rules.expiry_for(available_at),
        )
    return entry


async def debit(
    member_id: int, cost: int, reason: LedgerReason, description: str, key: str, now: datetime
) -> LedgerEntry:
    """Spend ``cost``: the conditional update lets the database refuse an overdraft."""
    updated = await PointsAccount.filter(member_id=member_id, balance__gte=cost).update(
        balance=F("balance") - cost, updated_at=now
    )
    account = await PointsAccount.get_or_none(member_id=member_id)
    if not updated:
        raise InsufficientPointsError(balance=account.balance if account else 0, cost=cost)
    assert account is not None
    entry = await LedgerEntry.create(
        member_id=member_id,
        amount=-cost,
        balance_after=account.balance,
        reason=reason,
        description=description,
        idempotency_key=key,
        created_at=now,
    )
    await _draw_lots(member_id, entry, cost)
    return entry


async def _draw_lots(member_id: int, entry: LedgerEntry, cost: int) -> None:
    """Oldest-expiring lots first; the account row lock makes this member's draws sequential."""
    lots = (
        await PointsLot.filter(member_id=member_id, released=True, remaining__gt=0)
        .order_by("expires_at", "id")
        .values_list("id", "remaining")
    )
    draws = plan_draws([(int(i), int(r)) for i, r in lots], cost)
    for lot_id, take in draws:
        moved = await PointsLot.filter(id=lot_id, remaining__gte=take).update(
            remaining=F("remaining") - take
        )
        if moved != 1:
            raise RuntimeError(f"lot {lot_id} changed under an account lock")
    await LotDraw.bulk_create([LotDraw(entry=entry, lot_id=i, amount=t) for i, t in draws])


async def refund(
    account: PointsAccount,
    spent: LedgerEntry,
    reason: LedgerReason,
    description: str,
    key: str,
    now: datetime,
) -> LedgerEntry:
    """Give back what ``spent`` took, into lots with the same expiry dates it drew from."""
    draws = await LotDraw.filter(entry=spent).select_related("lot")
    total = sum(draw.amount for draw in draws)
    account.balance += total
    account.updated_at = now
    await account.save(update_fields=["balance", "updated_at"])
    entry = await LedgerEntry.create(
        member_id=account.member_id,
        amount=total,
        balance_after=account.balance,
        reason=reason,
        description=description,
        idempotency_key=key,
        created_at=now,
    )
    await PointsLot.bulk_create(
        [
            PointsLot(
                member_id=account.member_id,
                entry=entry,
                amount=d.amount,
                remaining=d.amount,
                available_at=now,
                released=True,
                expires_at=d.lot.expires_at,
            )
            for d in draws
        ]
    )
    return entry
