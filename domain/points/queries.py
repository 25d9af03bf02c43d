"""Points reads shared by GraphQL and the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from tortoise.functions import Sum

from domain.points.models import AdjustmentRequest, CheckIn, LedgerEntry, PointsAccount, PointsLot


@dataclass(frozen=True)
class NextExpiry:
    amount: int
    expires_at: datetime


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    pending: int
    next_expiry: NextExpiry | None


async def points_summary(member_id: int) -> PointsSummary:
    account = await PointsAccount.get_or_none(member_id=member_id)
    # The earliest expiry date and what is left on it, in one statement.
    soonest = (
        await PointsLot.filter(member_id=member_id, released=True, remaining__gt=0)
        .group_by("expires_at")
        .annotate(total=Sum("remaining"))
        .order_by("expires_at")
        .limit(1)
        .values_list("expires_at", "total")
    )
    next_expiry = None
    if soonest:
        expires_at, total = soonest[0]
        next_expiry = NextExpiry(int(cast(int, total)), cast(datetime, expires_at))
    if account is None:
        return PointsSummary(0, 0, next_expiry)
    return PointsSummary(account.balance, account.pending, next_expiry)


async def ledger_page(member_id: int, after_id: int | None, first: int) -> list[LedgerEntry]:
    """Newest first; ``first + 1`` rows so the caller knows whether there is a next page."""
    query = LedgerEntry.filter(member_id=member_id)
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    return await query.order_by("-id").limit(first + 1)


async def check_in_state(member_id: int, today: date) -> tuple[int, bool]:
    """(current streak, checked in today). A streak survives until a day is missed."""
    last = await CheckIn.filter(member_id=member_id).order_by("-day").first()
    if last is None:
        return 0, False
    if last.day == today:
        return last.streak, True
    if (today - last.day).days == 1:
        return last.streak, False
    return 0, False


async def pending_adjustments() -> list[AdjustmentRequest]:
    """Large adjustments waiting for a second admin, oldest first, with who asked and for whom."""
    return list(
        await AdjustmentRequest.filter(approved_by_id__isnull=True)
        .select_related("member", "requested_by")
        .order_by("id")
    )
