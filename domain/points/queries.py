"""Points reads shared by GraphQL and the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from domain.points.models import AdjustmentRequest, CheckIn, LedgerEntry, PointsLot
from domain.written import mark, rows


@dataclass(frozen=True)
class NextExpiry:
    amount: int
    expires_at: datetime


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    pending: int
    next_expiry: NextExpiry | None


# The balances and the earliest expiry date with what is left on it, in one statement (a
# member without an account still gets a row: the lots' side, or nothing on either).
_SUMMARY_SQL = (
    'SELECT a."balance", a."pending", s."expires_at", s."total" FROM (SELECT 1 AS "one") o '
    'LEFT JOIN "points_account" a ON a."member_id" = {p}1 '
    'LEFT JOIN (SELECT "expires_at", SUM("remaining") AS "total" FROM "points_lot" '
    'WHERE "member_id" = {p}1 AND "released" AND "remaining" > 0 '
    'GROUP BY "expires_at" ORDER BY "expires_at" LIMIT 1) s ON 1 = 1'
)


async def points_summary(member_id: int) -> PointsSummary:
    """One statement written once (every Points and Viewer read runs it; building it through
    the query builder cost more than running it)."""
    (row,) = await rows(_SUMMARY_SQL.format(p=mark()), [member_id])
    next_expiry = None
    if row["expires_at"] is not None:
        expires_at = PointsLot._meta.fields_map["expires_at"].to_python_value(row["expires_at"])
        next_expiry = NextExpiry(int(row["total"]), cast(datetime, expires_at))
    if row["balance"] is None:
        return PointsSummary(0, 0, next_expiry)
    return PointsSummary(int(row["balance"]), int(row["pending"]), next_expiry)


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
