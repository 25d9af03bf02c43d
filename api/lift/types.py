"""The community-lift report as staff tools read it (domain/lift/rules.py defines each figure)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from domain.lift.report import LiftAction as DomainAction
from domain.lift.report import LiftReport
from domain.lift.rules import Comparison


@strawberry.enum(description="What members did in the period to count as taking part.")
class LiftAction(Enum):
    JOINED_GROUP = strawberry.enum_value(
        "JOINED_GROUP", description="Began a group membership in the period."
    )
    POSTED = strawberry.enum_value(
        "POSTED", description="Had a post first published in the period (still up or hidden since)."
    )
    ATTENDED = strawberry.enum_value(
        "ATTENDED", description="Was checked in at an event in the period."
    )

    def domain(self) -> DomainAction:
        return DomainAction(self.name)


@strawberry.type(description="A 95 % confidence interval.")
class LiftInterval:
    low: float = strawberry.field(description="Lower end.")
    high: float = strawberry.field(description="Upper end.")


@strawberry.type(
    description="One metric: participants against their matched non-participants over the 90 "
    "days after the period."
)
class LiftComparison:
    participants: float = strawberry.field(description="The participants' value.")
    non_participants: float = strawberry.field(
        description="The matched non-participants' value, weighted to the participants' mix of "
        "tier and estate."
    )
    difference: float = strawberry.field(description="`participants − nonParticipants`.")
    interval: LiftInterval = strawberry.field(
        description="95 % interval of the difference (Newcombe's hybrid score for the rate, "
        "normal for the means)."
    )

    @classmethod
    def of(cls, found: Comparison | None) -> LiftComparison | None:
        if found is None:
            return None
        return cls(
            participants=found.treated,
            non_participants=found.control,
            difference=found.difference,
            interval=LiftInterval(low=found.interval.low, high=found.interval.high),
        )


@strawberry.type(description="Who the report compares: read these before the figures.")
class LiftCounts:
    participants: int = strawberry.field(description="Members who took part in the period.")
    matched_participants: int = strawberry.field(
        description="Of whom in a tier and estate some non-participant shares: the ones compared."
    )
    unmatched_participants: int = strawberry.field(
        description="Participants left out: nobody of their tier and estate stayed away."
    )
    non_participants: int = strawberry.field(
        description="Non-participants in the matched tiers and estates: the comparison group."
    )
    effective_non_participants: float = strawberry.field(
        description="What the weighted comparison group is worth as a plain sample (Kish)."
    )
    strata: int = strawberry.field(description="Tier-and-estate cells with both kinds of member.")
    too_small: bool = strawberry.field(
        description="Fewer than 30 matched participants or non-participants: read with care."
    )


@strawberry.type(
    description="Community lift: whether members who took part in a period bought more in the "
    "90 days after it than comparable members (same tier at the period's start, same estate) "
    "who did not."
)
class CommunityLift:
    from_: date = strawberry.field(name="from", description="The period's first Shanghai day.")
    to: date = strawberry.field(description="The period's last Shanghai day.")
    action: LiftAction = strawberry.field(description="What counted as taking part.")
    outcome_from: date = strawberry.field(description="The 90 days' first day.")
    outcome_to: date = strawberry.field(description="The 90 days' last day.")
    window_complete: bool = strawberry.field(
        description="Whether the 90 days are over; false: the figures may still grow."
    )
    counts: LiftCounts = strawberry.field(description="Who is compared.")
    repurchase_rate: LiftComparison | None = strawberry.field(
        description="Share with at least two purchases in the 90 days (0 to 1); null when "
        "nobody could be matched."
    )
    orders_per_member: LiftComparison | None = strawberry.field(
        description="Purchases per member in the 90 days; null when nobody could be matched."
    )
    ltv_fen_per_member: LiftComparison | None = strawberry.field(
        description="What a member spent in the 90 days, in fen (90-day LTV); null when nobody "
        "could be matched."
    )

    @classmethod
    def of(cls, report: LiftReport) -> CommunityLift:
        counts = report.lift.counts
        return cls(
            from_=report.first,
            to=report.last,
            action=LiftAction(report.action.value),
            outcome_from=report.outcome_first,
            outcome_to=report.outcome_last,
            window_complete=report.window_complete,
            counts=LiftCounts(
                participants=counts.treated,
                matched_participants=counts.matched,
                unmatched_participants=counts.unmatched,
                non_participants=counts.controls,
                effective_non_participants=counts.effective_controls,
                strata=counts.strata,
                too_small=counts.too_small,
            ),
            repurchase_rate=LiftComparison.of(report.lift.repurchase),
            orders_per_member=LiftComparison.of(report.lift.orders),
            ltv_fen_per_member=LiftComparison.of(report.lift.gmv_fen),
        )
