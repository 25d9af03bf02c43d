"""GraphQL types of recording purchases: the batch's outcome, with each refused row."""

from __future__ import annotations

import strawberry

from domain.purchases.rules import RowError
from domain.purchases.services import RecordSummary


@strawberry.type(description="One order of the batch that was refused; the others still count.")
class PurchaseRowError:
    index: int = strawberry.field(description="The order's position in `purchases`, from 0.")
    field: str = strawberry.field(
        description="The input path of the bad value, e.g. `purchases.3.amountCents`."
    )
    message: str = strawberry.field(description="What is wrong with it, in Chinese.")

    @classmethod
    def from_domain(cls, error: RowError) -> PurchaseRowError:
        return cls(
            index=error.line,
            field=f"purchases.{error.line}.{error.field}",
            message=error.message,
        )


@strawberry.type(
    description="The batch was recorded: new orders count once, orders already recorded "
    "(by their order id) change nothing, refused rows are listed."
)
class RecordPurchasesSuccess:
    recorded: int = strawberry.field(description="Orders recorded now for the first time.")
    duplicates: int = strawberry.field(
        description="Orders recorded before (same order id): nothing changed for them."
    )
    rejected: int = strawberry.field(description="Orders refused; see `rowErrors`.")
    row_errors: list[PurchaseRowError] = strawberry.field(
        description="Why each refused order was refused."
    )
    points_awarded: int = strawberry.field(
        description="Purchase points awarded now, pending (+1 per whole yuan for 15 days "
        "unless the programme rules in force say otherwise)."
    )
    referrals_rewarded: int = strawberry.field(
        description="Referrals whose invitee made their first purchase in this batch."
    )

    @classmethod
    def from_domain(cls, summary: RecordSummary) -> RecordPurchasesSuccess:
        return cls(
            recorded=summary.recorded,
            duplicates=summary.duplicates,
            rejected=summary.rejected,
            row_errors=[PurchaseRowError.from_domain(e) for e in summary.errors],
            points_awarded=summary.points,
            referrals_rewarded=summary.referrals_rewarded,
        )
