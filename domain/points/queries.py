"""Points reads shared by GraphQL and the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from tortoise import connections

from domain.points.models import AdjustmentRequest, CheckIn, LedgerEntry, PointsLot


@dataclass(frozen=True)
class NextExpiry:
    amount: int
    expires_at: datetime


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    pending: int
    next_expiry: NextExpiry | None


_ACCOUNT_SQL = 'SELECT "balance", "pending" FROM "points_account" WHERE "member_id" = {p}'
# The earliest expiry date and what is left on it, in one statement.
_SOONEST_SQL = (
    'SELECT "expires_at", SUM("remaining") AS "total" FROM "points_lot" '
    'WHERE "member_id" = {p} AND "released" AND "remaining" > 0 '
    'GROUP BY "expires_at" ORDER BY "expires_at" LIMIT 1'
)


async def points_summary(member_id: int) -> PointsSummary:
    """Two statements written once (every Points and Viewer read runs them; building them
    through the query builder cost more than running them)."""
    client = connections.get("default")
    p = "?" if client.capabilities.dialect == "sqlite" else "$1"
    account = await client.execute_query_dict(_ACCOUNT_SQL.format(p=p), [member_id])
    soonest = await client.execute_query_dict(_SOONEST_SQL.format(p=p), [member_id])
    next_expiry = None
    if soonest:
        expires_at = PointsLot._meta.fields_map["expires_at"].to_python_value(
            soonest[0]["expires_at"]
        )
        next_expiry = NextExpiry(int(soonest[0]["total"]), cast(datetime, expires_at))
    if not account:
        return PointsSummary(0, 0, next_expiry)
    return PointsSummary(int(account[0]["balance"]), int(account[0]["pending"]), next_expiry)


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
