"""Pure purchase rules: what a valid order row looks like. No I/O. The points an order earns
are a programme rule (``ProgrammeRuleSet.purchase_points``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.errors import FieldError
from domain.identity.rules import normalise_phone, phone_error

MAX_AMOUNT_CENTS = 10_000_000  # ¥100,000 for one community order is a typo, not a purchase
MAX_ITEMS = 50
MAX_ITEM_LENGTH = 100
# The mall may send an order a little ahead of our clock; anything further is a bad timestamp.
FUTURE_TOLERANCE = timedelta(hours=1)
OLDEST_PURCHASE = timedelta(days=5 * 365)
_ORDER_ID = re.compile(r"^[A-Za-z0-9_\-:.#/]{1,64}$")


@dataclass(frozen=True)
class PurchaseRow:
    """One order as the mall sent it; ``line`` is its index in the request or its CSV line."""

    line: int
    order_id: str
    amount_cents: int
    purchased_at: datetime
    member_id: int | None = None
    phone: str | None = None
    items: list[str] = field(default_factory=list)
    # The estate whose pickup point the order was collected at (its name or id): verifies the
    # member as a resident there (domain/identity/verification.py).
    pickup_estate: str | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


def unstorable(text: str) -> bool:
    """Control characters (NUL included) and lone surrogates, which UTF-8 cannot store."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


def row_errors(row: PurchaseRow, now: datetime) -> list[FieldError]:
    """What is wrong with one row on its own (the member is looked up later)."""
    errors: list[FieldError] = []
    if not _ORDER_ID.match(row.order_id):
        errors.append(FieldError("orderId", "订单号应为 1–64 位字母、数字或 _-:.#/"))
    if row.member_id is None and not row.phone:
        errors.append(FieldError("phone", "请提供会员手机号或会员编号"))
    elif row.phone and phone_error(normalise_phone(row.phone)):
        errors.append(FieldError("phone", "手机号格式不正确"))
    if not 1 <= row.amount_cents <= MAX_AMOUNT_CENTS:
        errors.append(FieldError("amountCents", "金额（分）应在 1 到 10,000,000 之间"))
    if row.purchased_at.tzinfo is None:
        errors.append(FieldError("occurredAt", "下单时间需带时区"))
    elif not _plausible(row.purchased_at, now):
        errors.append(FieldError("occurredAt", "下单时间不在合理范围内（未来或五年以前）"))
    if len(row.items) > MAX_ITEMS or any(len(i) > MAX_ITEM_LENGTH for i in row.items):
        errors.append(FieldError("items", "商品最多 50 件，每件名称不超过 100 字"))
    elif any(unstorable(i) for i in row.items):
        errors.append(FieldError("items", "商品名称含有控制字符（如 NUL）或残缺的字符"))
    return errors


def _plausible(purchased_at: datetime, now: datetime) -> bool:
    try:
        return now - OLDEST_PURCHASE <= purchased_at <= now + FUTURE_TOLERANCE
    except OverflowError:  # an offset that pushes year 1 or 9999 out of UTC's range
        return False
