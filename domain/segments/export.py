"""The member list with tiers, for the operators' CSV export: one row per member in id order, read
``EXPORT_BATCH`` members at a time (three statements per batch: the members, their purchases in
the last 365 days and their last purchase ever), so memory stays bounded whatever the size of the
brand. Phones are masked as everywhere but the member's own profile."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.functions import Count, Max, Sum

from domain.clock import SHANGHAI
from domain.errors import InvalidInputError
from domain.identity.models import Estate, Member
from domain.identity.rules import mask_phone
from domain.privacy.access_log import record_reads
from domain.privacy.record_models import AccessKind
from domain.purchases.models import Purchase
from domain.segments.rfm import Tier

EXPORT_BATCH = 1_000
WINDOW_DAYS = 365
HEADER = (
    "会员编号",
    "昵称",
    "手机号",
    "小区",
    "分层",
    "加入日期",
    "最近购买日期",
    "近365天购买次数",
    "近365天消费（元）",
)
BOM = "\ufeff"  # Excel reads a BOM-less CSV as the local code page and garbles Chinese
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    display_name: str
    masked_phone: str
    estate: str
    tier: str
    joined_on: date
    last_purchase_on: date | None
    purchases: int  # in the last 365 days
    spend_cents: int  # in the last 365 days


def parse_tier(raw: str | None) -> Tier | None:
    if not raw:
        return None
    try:
        return Tier(raw)
    except ValueError:
        raise InvalidInputError.single("tier", "没有这个会员分层") from None


def _day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


async def _purchases(ids: list[int], since: datetime) -> dict[int, tuple[int, int]]:
    rows = (
        await Purchase.filter(member_id__in=ids, purchased_at__gte=since)
        .group_by("member_id")
        .annotate(times=Count("id"), cents=Sum("amount_cents"))
        .values("member_id", "times", "cents")
    )
    return {int(r["member_id"]): (int(r["times"]), int(r["cents"] or 0)) for r in rows}


async def _last_purchases(ids: list[int]) -> dict[int, datetime]:
    rows = (
        await Purchase.filter(member_id__in=ids)
        .group_by("member_id")
        .annotate(last=Max("purchased_at"))
        .values("member_id", "last")
    )
    return {int(r["member_id"]): r["last"] for r in rows if r["last"] is not None}


async def member_rows(
    now: datetime,
    *,
    estate_id: int | None = None,
    tier: Tier | None = None,
    batch: int = EXPORT_BATCH,
) -> AsyncIterator[list[MemberRow]]:
    """The members (of one estate, of one tier) batch by batch, in id order."""
    estates = dict(await Estate.all().values_list("id", "name"))
    since = now - timedelta(days=WINDOW_DAYS)
    after = 0
    while True:
        query = Member.filter(id__gt=after)
        if estate_id is not None:
            query = query.filter(estate_id=estate_id)
        if tier is not None:
            query = query.filter(tier=tier.value)
        members = (
            await query.order_by("id")
            .limit(batch)
            .values("id", "display_name", "phone", "estate_id", "tier", "created_at")
        )
        if not members:
            return
        after = int(members[-1]["id"])
        ids = [int(m["id"]) for m in members]
        bought, last = await _purchases(ids, since), await _last_purchases(ids)
        yield [
            MemberRow(
                member_id=int(m["id"]),
                display_name=str(m["display_name"]),
                masked_phone=mask_phone(m["phone"]) or "",
                estate=str(estates.get(m["estate_id"], "")),
                tier=str(m["tier"] or ""),
                joined_on=_day(m["created_at"]),
                last_purchase_on=_day(last[m["id"]]) if m["id"] in last else None,
                purchases=bought.get(int(m["id"]), (0, 0))[0],
                spend_cents=bought.get(int(m["id"]), (0, 0))[1],
            )
            for m in members
        ]


def spreadsheet_text(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula: a name must stay text."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def csv_lines(rows: Iterable[MemberRow], header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            (
                row.member_id,
                spreadsheet_text(row.display_name),
                row.masked_phone,
                spreadsheet_text(row.estate),
                row.tier,
                row.joined_on.isoformat(),
                row.last_purchase_on.isoformat() if row.last_purchase_on else "",
                row.purchases,
                _yuan(row.spend_cents),
            )
        )
    return out.getvalue()


async def member_csv(
    now: datetime,
    *,
    estate_id: int | None = None,
    tier: Tier | None = None,
    reader: Member | None = None,
) -> AsyncIterator[bytes]:
    """The whole CSV, UTF-8 with a BOM, as chunks of one batch each; each batch's members are
    recorded as read by ``reader`` (the staff member downloading it) before it is sent."""
    yield (BOM + csv_lines([], header=True)).encode("utf-8")
    async for rows in member_rows(now, estate_id=estate_id, tier=tier):
        if reader is not None:
            await record_reads(reader, [r.member_id for r in rows], AccessKind.CSV_EXPORT, now)
        yield csv_lines(rows).encode("utf-8")
