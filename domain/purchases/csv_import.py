"""Importing the mall's CSV export: streamed row by row in batches, so memory stays flat however
long the file; the same idempotent recording as ``recordPurchases``; bad rows reported by line.

Columns (header row required, order free): ``order_id``, ``phone`` and/or ``member_id``,
``amount_cents``, ``purchased_at`` (ISO 8601; without an offset it is Shanghai time), ``items``
(optional, separated by ``|``)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.purchases.rules import PurchaseRow, RowError
from domain.purchases.services import BATCH_SIZE, RecordSummary, record_batch

REQUIRED = ("order_id", "amount_cents", "purchased_at")
# The recording rules name fields as the API does; a CSV's reader thinks in its columns.
_COLUMNS = {
    "orderId": "order_id",
    "amountCents": "amount_cents",
    "occurredAt": "purchased_at",
    "memberId": "member_id",
}
Progress = Callable[[RecordSummary], None]


class _Parsed:
    """A row that could not even be read: reported, never recorded."""

    def __init__(self, error: RowError) -> None:
        self.error = error


def _parse_time(raw: str) -> datetime:
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def _row(line: int, record: dict[str, str]) -> PurchaseRow | _Parsed:
    def cell(name: str) -> str:
        return (record.get(name) or "").strip()

    try:
        amount = int(cell("amount_cents"))
    except ValueError:
        return _Parsed(RowError(line, "amount_cents", "金额（分）应为整数"))
    try:
        purchased_at = _parse_time(cell("purchased_at"))
    except ValueError:
        return _Parsed(RowError(line, "purchased_at", "下单时间应为 ISO 8601 格式"))
    member = cell("member_id")
    if member and not member.isdigit():
        return _Parsed(RowError(line, "member_id", "会员编号应为数字"))
    items = [i.strip() for i in cell("items").split("|") if i.strip()]
    return PurchaseRow(
        line=line,
        order_id=cell("order_id"),
        amount_cents=amount,
        purchased_at=purchased_at,
        member_id=int(member) if member else None,
        phone=cell("phone") or None,
        items=items,
    )


def read_rows(lines: Iterable[str]) -> Iterator[PurchaseRow | _Parsed]:
    reader = csv.DictReader(lines)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [n for n in REQUIRED if n not in header]
    if "phone" not in header and "member_id" not in header:
        missing.append("phone 或 member_id")
    if missing:
        raise InvalidInputError.single("file", f"CSV 缺少列：{'、'.join(missing)}")
    reader.fieldnames = header
    for record in reader:
        if None in record:  # more cells than the header has columns
            yield _Parsed(RowError(reader.line_num, "row", "列数多于表头"))
        else:
            yield _row(reader.line_num, record)


def _in_columns(summary: RecordSummary) -> RecordSummary:
    summary.errors = [
        RowError(e.line, _COLUMNS.get(e.field, e.field), e.message) for e in summary.errors
    ]
    return summary


async def import_purchases_csv(
    c: Collaborators, actor: Member, lines: Iterable[str], progress: Progress | None = None
) -> RecordSummary:
    """Record every good row of the file; returns the summary with bad rows' line numbers."""
    require_role(actor, Role.ADMIN)
    total = RecordSummary()
    batch: list[PurchaseRow] = []
    for parsed in read_rows(lines):
        if isinstance(parsed, _Parsed):
            total.add(RecordSummary(rejected=1, errors=[parsed.error]))
            continue
        batch.append(parsed)
        if len(batch) >= BATCH_SIZE:
            total.add(_in_columns(await record_batch(c, batch, "CSV")))
            batch = []
            if progress:
                progress(total)
    if batch:
        total.add(_in_columns(await record_batch(c, batch, "CSV")))
    total.errors.sort(key=lambda e: e.line)
    if progress:
        progress(total)
    return total


async def find_importing_admin(phone: str | None) -> Member:
    """The admin an import is recorded as: by phone, or the longest-standing admin."""
    if phone:
        member = await Member.get_or_none(phone=phone)
        if member is None or not member.has_role(Role.ADMIN):
            raise InvalidInputError.single("admin", "该手机号不是管理员")
        return member
    # Roles live in a JSON list, which SQLite cannot filter on: scan the oldest members.
    for member in await Member.all().order_by("id").limit(1000):
        if member.has_role(Role.ADMIN):
            return member
    raise InvalidInputError.single("admin", "还没有管理员：先运行 linli create-admin")
