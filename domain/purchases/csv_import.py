"""Importing the mall's CSV export: streamed row by row in batches, so memory stays flat however
long the file; the same idempotent recording as ``recordPurchases``; bad rows reported by line.

Columns (header row required, order free): ``order_id``, ``phone`` and/or ``member_id``,
``amount_cents``, ``purchased_at`` (ISO 8601; without an offset it is Shanghai time), ``items``
(optional, separated by ``|``), ``pickup_estate`` (optional: the estate, by name or id, whose
pickup point the order was collected at; it verifies the member as a resident there).

One line is one row: a cell cannot span lines, so an unterminated quote is reported on its own
line instead of swallowing the rows after it. Every line after the header is counted as exactly
one of new, duplicate or bad."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.purchases.rules import PurchaseRow, RowError, unstorable
from domain.purchases.services import PurchaseImport, RecordSummary

REQUIRED = ("order_id", "amount_cents", "purchased_at")
# The recording rules name fields as the API does; a CSV's reader thinks in its columns.
_COLUMNS = {
    "orderId": "order_id",
    "amountCents": "amount_cents",
    "occurredAt": "purchased_at",
    "memberId": "member_id",
    "pickupEstate": "pickup_estate",
}
Progress = Callable[[RecordSummary], None]


MAX_LINE_CHARS = 8_192  # 50 items of 100 characters fit; anything longer is not an order row
MAX_MEMBER_ID = 2**31 - 1
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,12}")
_MEMBER_ID = re.compile(r"[0-9]{1,10}")


class _Parsed:
    """A row that could not even be read: reported, never recorded."""

    def __init__(self, error: RowError) -> None:
        self.error = error


def _parse_time(raw: str) -> datetime:
    """Raises ``ValueError`` for anything but an ISO 8601 time that UTC can hold."""
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    value = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    try:
        return value.astimezone(UTC)
    except OverflowError as error:  # 9999-12-31T23:59:59-12:00 is past year 9999 in UTC
        raise ValueError(str(error)) from error


def _row(line: int, record: dict[str, str]) -> PurchaseRow | _Parsed:
    def cell(name: str) -> str:
        return (record.get(name) or "").strip()

    amount = cell("amount_cents")
    if not _ASCII_INTEGER.fullmatch(amount):  # int() takes "²"-like digits of every script
        return _Parsed(RowError(line, "amount_cents", "金额（分）应为整数"))
    try:
        purchased_at = _parse_time(cell("purchased_at"))
    except ValueError:
        return _Parsed(RowError(line, "purchased_at", "下单时间应为 ISO 8601 格式"))
    member = cell("member_id")
    if member and not (_MEMBER_ID.fullmatch(member) and 1 <= int(member) <= MAX_MEMBER_ID):
        return _Parsed(RowError(line, "member_id", f"会员编号应为 1 到 {MAX_MEMBER_ID} 的数字"))
    items = [i.strip() for i in cell("items").split("|") if i.strip()]
    return PurchaseRow(
        line=line,
        order_id=cell("order_id"),
        amount_cents=int(amount),
        purchased_at=purchased_at,
        member_id=int(member) if member else None,
        phone=cell("phone") or None,
        items=items,
        pickup_estate=cell("pickup_estate") or None,
    )


def _cells(text: str) -> list[str]:
    """One physical line as CSV cells; ``csv.Error`` for an unterminated or stray quote."""
    return next(csv.reader([text], strict=True), [])


def _record(line: int, text: str, header: list[str]) -> dict[str, str] | _Parsed:
    """One line is one row: a quote left open cannot swallow the rows after it."""
    if len(text) > MAX_LINE_CHARS:
        return _Parsed(RowError(line, "row", f"这一行超过 {MAX_LINE_CHARS:,} 个字符"))
    try:
        cells = _cells(text)
    except csv.Error:
        return _Parsed(RowError(line, "row", "引号不成对或位置不对（单元格不能跨行）"))
    if len(cells) > len(header):
        return _Parsed(RowError(line, "row", "列数多于表头"))
    record = dict(zip(header, cells, strict=False))
    for name, value in record.items():
        if "\ufffd" in value:
            return _Parsed(RowError(line, name, "含有无法识别的字符：请存为 UTF-8 或 GB18030"))
        if unstorable(value):
            return _Parsed(RowError(line, name, "含有控制字符（如 NUL）"))
    return record


def read_rows(lines: Iterable[str]) -> Iterator[PurchaseRow | _Parsed]:
    """Rows by line number (1 is the header); blank lines are not rows."""
    numbered = ((n, text.rstrip("\r\n")) for n, text in enumerate(lines, start=1))
    header: list[str] = []
    for _, text in numbered:
        if text.strip():
            try:
                header = [name.strip().lstrip("\ufeff") for name in _cells(text)]
            except csv.Error as error:
                raise InvalidInputError.single("file", "CSV 表头无法读取") from error
            break
    missing = [n for n in REQUIRED if n not in header]
    if "phone" not in header and "member_id" not in header:
        missing.append("phone 或 member_id")
    if missing:
        raise InvalidInputError.single("file", f"CSV 缺少列：{'、'.join(missing)}")
    for line, text in numbered:
        if not text.strip():
            continue
        record = _record(line, text, header)
        yield record if isinstance(record, _Parsed) else _row(line, record)


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
    purchase_import = PurchaseImport(c, actor, "CSV")
    for parsed in read_rows(lines):
        if isinstance(parsed, _Parsed):
            purchase_import.count(RecordSummary(rejected=1, errors=[parsed.error]))
        elif await purchase_import.add(parsed) and progress:
            progress(_in_columns(purchase_import.total))
    total = _in_columns(await purchase_import.finish())
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
