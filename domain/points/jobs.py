"""Scheduled points work: release pending points, expire lots at year end, record reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.columns import column
from domain.facts import announce, hear
from domain.points.accounts import already_applied, lock_account
from domain.points.facts import PointsExpiring, PointsReleased
from domain.points.ledger import REMINDER_DAYS
from domain.points.models import ExpiryReminder, LedgerEntry, LedgerReason, PointsAccount, PointsLot


async def release_pending_points(now: datetime, c: Collaborators | None = None) -> int:
    """Pending lots whose after-sales window passed become available; returns points released.
    With ``c``, each release is announced (its member hears the points arrived)."""
    released = 0
    lots = await PointsLot.filter(released=False, available_at__lte=now).order_by("id")
    for lot in lots:
        async with atomic():
            account = await lock_account(lot.member_id, now)
            if not await PointsLot.filter(id=lot.id, released=False).update(released=True):
                continue  # another worker released it
            account.pending -= lot.amount
            account.balance += lot.amount
            account.updated_at = now
            await account.save(update_fields=["balance", "pending", "updated_at"])
            await LedgerEntry.create(
                member_id=lot.member_id,
                amount=lot.amount,
                balance_after=account.balance,
                reason=LedgerReason.PENDING_RELEASED,
                description="购物积分到账（售后期已过）",
                idempotency_key=f"release:{lot.id}",
                expires_at=lot.expires_at,
                available_at=now,
                created_at=now,
            )
            if c is not None:
                announce(c, PointsReleased(lot.member_id, lot.id, lot.amount))
            released += lot.amount
    return released


async def expire_points(now: datetime) -> int:
    """What remains of lots past their expiry leaves the balance as one EXPIRY entry per member."""
    members = await column(
        PointsLot.filter(released=True, remaining__gt=0, expires_at__lte=now).distinct(),
        "member_id",
    )
    expired = 0
    for member_id in members:
        expired += await _expire_member(member_id, now)
    return expired


async def _expire_member(member_id: int, now: datetime) -> int:
    key = f"expiry:{member_id}:{now.date().isoformat()}"
    async with atomic():
        account = await lock_account(member_id, now)
        if await already_applied(key):
            return 0
        lots = await PointsLot.filter(
            member_id=member_id, released=True, remaining__gt=0, expires_at__lte=now
        )
        total = 0
        for lot in lots:
            if await PointsLot.filter(id=lot.id, remaining=lot.remaining).update(remaining=0):
                total += lot.remaining
        if not total:
            return 0
        await PointsAccount.filter(id=account.id).update(
            balance=F("balance") - total, updated_at=now
        )
        await account.refresh_from_db(fields=["balance"])
        await LedgerEntry.create(
            member_id=member_id,
            amount=-total,
            balance_after=account.balance,
            reason=LedgerReason.EXPIRY,
            description="积分到期",
            idempotency_key=key,
            created_at=now,
        )
    return total


async def record_expiry_reminders(now: datetime, c: Collaborators | None = None) -> int:
    """One reminder per member and expiry date, recorded 10 days ahead; returns how many new.
    With ``c``, each new reminder is heard (its member is told what expires when)."""
    horizon = now + timedelta(days=REMINDER_DAYS)
    rows = (
        await PointsLot.filter(
            released=True, remaining__gt=0, expires_at__gt=now, expires_at__lte=horizon
        )
        .group_by("member_id", "expires_at")
        .annotate(total=Sum("remaining"))
        .values_list("member_id", "expires_at", "total")
    )
    before = await ExpiryReminder.all().count()
    known = set(await column(_due_reminders(now, horizon), "id")) if c is not None else set()
    await ExpiryReminder.bulk_create(
        [
            ExpiryReminder(member_id=m, expires_at=e, amount=int(t), created_at=now)
            for m, e, t in rows
        ],
        ignore_conflicts=True,
    )
    if c is not None and rows:
        await _tell_new_reminders(c, now, horizon, known)
    return await ExpiryReminder.all().count() - before


def _due_reminders(now: datetime, horizon: datetime) -> QuerySet[ExpiryReminder]:
    return ExpiryReminder.filter(expires_at__gt=now, expires_at__lte=horizon)


async def _tell_new_reminders(
    c: Collaborators, now: datetime, horizon: datetime, known: set[int]
) -> None:
    """Each reminder this run recorded becomes its member's notice (the ones not there before;
    read by the window, not by member, so any number of members is one statement)."""
    for reminder in await _due_reminders(now, horizon).order_by("id"):
        if reminder.id not in known:
            fact = PointsExpiring(
                reminder.member_id, reminder.id, reminder.amount, reminder.expires_at
            )
            await hear(c, fact)
