"""GraphQL types of points: the balance, the ledger, and the results of check-in and adjustment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.fields import field
from api.pagination import after_id, check_first, connection_of
from domain.points import models, queries


@strawberry.enum(
    description="Why points moved. More reasons may be added: show unknown ones plainly."
)
class LedgerReason(Enum):
    POST_PUBLISHED = strawberry.enum_value("POST_PUBLISHED", description="A post was published.")
    POST_FEATURED = strawberry.enum_value("POST_FEATURED", description="A post was featured.")
    VOTE_CAST = strawberry.enum_value("VOTE_CAST", description="A vote in a campaign.")
    CHECK_IN = strawberry.enum_value("CHECK_IN", description="The daily check-in (签到).")
    EVENT_ATTENDED = strawberry.enum_value("EVENT_ATTENDED", description="Attended an event.")
    CAMPAIGN_WON = strawberry.enum_value("CAMPAIGN_WON", description="Won a campaign.")
    REFERRAL = strawberry.enum_value("REFERRAL", description="An invited neighbour joined.")
    PURCHASE = strawberry.enum_value(
        "PURCHASE",
        description="A purchase in the shop; pending for the after-sales window (15 days unless "
        "the programme rules say otherwise).",
    )
    REDEMPTION = strawberry.enum_value("REDEMPTION", description="Spent on a reward.")
    REDEMPTION_REFUND = strawberry.enum_value(
        "REDEMPTION_REFUND", description="A cancelled redemption gave its points back."
    )
    EXPIRY = strawberry.enum_value("EXPIRY", description="Points expired at the end of a year.")
    ADJUSTMENT = strawberry.enum_value("ADJUSTMENT", description="A correction by an operator.")
    PENDING_RELEASED = strawberry.enum_value(
        "PENDING_RELEASED", description="Pending purchase points became available."
    )
    PLAYBOOK_BONUS = strawberry.enum_value(
        "PLAYBOOK_BONUS",
        description="A bonus for a tier change, from the playbook the description names; it "
        "expires sooner than earned points.",
    )


@strawberry.type(description="One movement of points. Entries are never changed or removed.")
class LedgerEntry(relay.Node):
    id: relay.NodeID[int]
    amount: int = strawberry.field(description="Points added (positive) or taken (negative).")
    balance_after: int = strawberry.field(description="The spendable balance after this entry.")
    reason: LedgerReason = strawberry.field(description="Why the points moved.")
    description: str = strawberry.field(description="What happened, in Chinese, for people.")
    pending: bool = strawberry.field(
        description="True for points not yet spendable (purchases, during the after-sales window)."
    )
    created_at: datetime = strawberry.field(description="When the points moved.")
    expires_at: datetime | None = strawberry.field(
        description="When points added by this entry expire; null for entries that take points."
    )
    rule_version: int | None = strawberry.field(
        description="The version of the programme's earn rules this entry was made under "
        "(amount, daily cap, expiry), shown as 规则 v2; a later change of rules never changes "
        "it. Null for entries no earn rule made (spending, refunds, expiry, releases) and for "
        "awards made before rules were versioned."
    )

    @classmethod
    def from_model(cls, entry: models.LedgerEntry) -> LedgerEntry:
        return cls(
            id=entry.id,
            amount=entry.amount,
            balance_after=entry.balance_after,
            reason=LedgerReason(entry.reason.value),
            description=entry.description,
            pending=entry.pending,
            created_at=entry.created_at,
            expires_at=entry.expires_at,
            rule_version=entry.rule_version,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[LedgerEntry | None]:
        """Only the member's own entries; anyone else's look like no entry at all."""
        ids = [int(i) for i in node_ids]
        viewer = info.context.member
        found: dict[int, models.LedgerEntry] = {}
        if viewer is not None:
            rows = await models.LedgerEntry.filter(id__in=ids, member_id=viewer.id)
            found = {row.id: row for row in rows}
        return [cls.from_model(found[i]) if i in found else None for i in ids]


@strawberry.type(description="A page of ledger entries, newest first.")
class LedgerEntryConnection(relay.Connection[LedgerEntry]):
    pass


@strawberry.type(description="The points that expire next.")
class PointsExpiry:
    amount: int = strawberry.field(description="How many points expire then.")
    expires_at: datetime = strawberry.field(description="When they expire (end of a year).")


@strawberry.type(description="A member's points: what they can spend, what is on its way, and why.")
class Points:
    balance: int = strawberry.field(description="Points that can be spent now.")
    pending: int = strawberry.field(
        description="Points earned but not spendable yet (purchases wait out the "
        "after-sales window, 15 days unless the programme rules say otherwise)."
    )
    next_expiry: PointsExpiry | None = strawberry.field(
        description="The points that expire next and when; null when none are due to expire."
    )
    member_id: strawberry.Private[int]

    @classmethod
    async def of(cls, member_id: int) -> Points:
        summary = await queries.points_summary(member_id)
        expiry = summary.next_expiry
        return cls(
            balance=summary.balance,
            pending=summary.pending,
            next_expiry=PointsExpiry(amount=expiry.amount, expires_at=expiry.expires_at)
            if expiry
            else None,
            member_id=member_id,
        )

    @field(description="Every movement of points, newest first; `first` is 1–50.")
    async def ledger(self, first: int, after: str | None = None) -> LedgerEntryConnection:
        check_first(first)
        rows = await queries.ledger_page(self.member_id, after_id(after), first)
        return connection_of(LedgerEntryConnection, rows, first, after, LedgerEntry.from_model)


@strawberry.type(description="Checked in for today.")
class CheckInSuccess:
    points_awarded: int = strawberry.field(
        description="Points this check-in gave: 2, or 12 on every 7th day in a row, as the "
        "earn rules in force say; less when today's contribution cap (200) is reached."
    )
    streak: int = strawberry.field(description="Days in a row checked in, today included.")
    points: Points = strawberry.field(description="The member's points after the check-in.")


@strawberry.type(description="The points were adjusted.")
class AdjustPointsSuccess:
    entry: LedgerEntry = strawberry.field(
        description="The adjustment's ledger entry (the earlier one when the key was used before)."
    )
