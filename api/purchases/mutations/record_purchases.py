"""recordPurchases: the mall's orders, idempotent on the order id; bad rows listed, good rows
recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.permissions import require_role
from api.purchases.types import PurchaseRowError, RecordPurchasesSuccess
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from domain.purchases.rules import PurchaseRow
from domain.purchases.services import record_purchases as record
from web.ids import decode_id

# The request body is capped at 64 KB, which holds about 300 orders with a few items each.
MAX_ROWS = 300


@strawberry.input(description="One order from the mall.")
class PurchaseInput:
    order_id: str = strawberry.field(
        description="The mall's order id (1–64 characters): the same id is recorded once."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The buyer (`Member.id`); or give `phone`."
    )
    phone: str | None = strawberry.field(
        default=None, description="The buyer's phone number; or give `memberId`."
    )
    amount_cents: int = strawberry.field(description="What the order cost, in fen (分), > 0.")
    occurred_at: datetime = strawberry.field(description="When the order was placed.")
    items: list[str] | None = strawberry.field(
        default=None, description="What was bought, up to 50 names."
    )


@strawberry.input(description="A batch of up to 300 orders (requests are capped at 64 KB).")
class RecordPurchasesInput:
    purchases: list[PurchaseInput] = strawberry.field(description="The orders, 1–300.")


RecordPurchasesResult = Annotated[
    RecordPurchasesSuccess | InvalidInput,
    strawberry.union("RecordPurchasesResult", description="The outcome of `recordPurchases`."),
]


def _rows(purchases: list[PurchaseInput]) -> tuple[list[PurchaseRow], list[FieldError]]:
    rows, errors = [], []
    for index, one in enumerate(purchases):
        member_errors: list[FieldError] = []
        member_id = decode_id(one.member_id, "Member", f"purchases.{index}.memberId", member_errors)
        if member_errors:
            errors.extend(member_errors)
            continue
        rows.append(
            PurchaseRow(
                line=index,
                order_id=one.order_id.strip(),
                amount_cents=one.amount_cents,
                purchased_at=one.occurred_at,
                member_id=member_id,
                phone=one.phone,
                items=list(one.items or []),
            )
        )
    return rows, errors


async def record_purchases(
    info: Info[Context, Any], input: RecordPurchasesInput
) -> RecordPurchasesResult:
    admin = require_role(info, Role.ADMIN)
    try:
        if not 1 <= len(input.purchases) <= MAX_ROWS:
            raise InvalidInputError.single("purchases", f"一次提交 1–{MAX_ROWS} 笔订单")
        rows, id_errors = _rows(input.purchases)
        summary = await record(info.context.collaborators, admin, rows)
    except DomainError as error:
        return as_user_error(error, RecordPurchasesResult)
    result = RecordPurchasesSuccess.from_domain(summary)
    result.row_errors = sorted(
        result.row_errors + [_row_error(e) for e in id_errors], key=lambda e: e.index
    )
    result.rejected += len(id_errors)
    if result.rejected and not (result.recorded or result.duplicates):
        fields = [FieldError(e.field, e.message) for e in result.row_errors]
        nothing_recorded = InvalidInputError(fields, "没有一笔订单可以记录")
        return as_user_error(nothing_recorded, RecordPurchasesResult)
    return result


def _row_error(error: FieldError) -> PurchaseRowError:
    """A bad member id found before the domain saw the row (its path holds the index)."""
    return PurchaseRowError(
        index=int(error.field.split(".")[1]), field=error.field, message=error.message
    )
