"""A tier playbook as admins read it, with its report per arm."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.identity.types import Tier, tier_of
from domain.playbooks.queries import PlaybookWithReport
from domain.playbooks.report import ArmFigures
from web.ids import encode_id


@strawberry.type(description="One arm of a playbook: who it ran for and what they did after.")
class PlaybookArmReport:
    runs: int = strawberry.field(description="Runs: tier changes the playbook ran on in this arm.")
    members: int = strawberry.field(description="Distinct members among those runs.")
    reactivated: int = strawberry.field(
        description="Members with a purchase within 30 days after one of their runs."
    )
    reactivation_rate: float = strawberry.field(description="`reactivated / members` (0 to 1).")
    purchases: int = strawberry.field(description="Purchases within 30 days after the runs.")
    purchases_per_member: float = strawberry.field(description="`purchases / members`.")
    points: int = strawberry.field(description="Bonus points granted (0 for the holdout).")
    points_per_reactivated: float | None = strawberry.field(
        description="`points / reactivated`: what each member won back cost; null when none was."
    )

    @classmethod
    def of(cls, figures: ArmFigures) -> PlaybookArmReport:
        return cls(
            runs=figures.runs,
            members=figures.members,
            reactivated=figures.reactivated,
            reactivation_rate=figures.reactivation_rate,
            purchases=figures.purchases,
            purchases_per_member=figures.purchases_per_member,
            points=figures.points,
            points_per_reactivated=figures.points_per_reactivated,
        )


@strawberry.type(
    description="The treatment's reactivation rate minus the holdout's, with Newcombe's 95 % "
    "interval for the difference (0–1 scale); an interval that spans 0 shows no effect yet."
)
class PlaybookLift:
    difference: float = strawberry.field(description="Treatment rate minus holdout rate.")
    low: float = strawberry.field(description="The interval's lower end.")
    high: float = strawberry.field(description="The interval's upper end.")


@strawberry.type(
    description="What happens when a member's tier changes to `toTier` (from `fromTier` when "
    "set): a message, bonus points and a place on the hosts' win-back list, for all but the "
    "holdout share, who are only counted."
)
class Playbook:
    id: strawberry.ID = strawberry.field(description="The playbook's global ID.")
    name: str = strawberry.field(description="What operators call it.")
    from_tier: Tier | None = strawberry.field(description="The tier left; null: any tier.")
    to_tier: Tier | None = strawberry.field(description="The tier entered.")
    message: str = strawberry.field(description="The notification's words; empty: none is sent.")
    bonus_points: int = strawberry.field(description="Bonus points per member treated.")
    bonus_expiry_days: int = strawberry.field(description="Days until the bonus expires.")
    add_to_winback: bool = strawberry.field(
        description="Whether treated members appear on their groups' win-back list."
    )
    holdout_percent: int = strawberry.field(description="Share held out, 0–50 %.")
    active: bool = strawberry.field(description="Whether it runs on new tier changes.")
    created_at: datetime = strawberry.field(description="When it was made.")
    treatment: PlaybookArmReport = strawberry.field(description="The treated members' report.")
    holdout: PlaybookArmReport = strawberry.field(description="The held-out members' report.")
    lift: PlaybookLift | None = strawberry.field(
        description="The lift in reactivation over the holdout; null until both arms have members."
    )

    @classmethod
    def of(cls, item: PlaybookWithReport) -> Playbook:
        p = item.playbook
        difference, interval = item.report.lift, item.report.lift_interval
        lift = (
            PlaybookLift(difference=difference, low=interval.low, high=interval.high)
            if difference is not None and interval is not None
            else None
        )
        return cls(
            id=strawberry.ID(encode_id("Playbook", p.id)),
            name=p.name,
            from_tier=tier_of(p.from_tier),
            to_tier=tier_of(p.to_tier),
            message=p.message,
            bonus_points=p.bonus_points,
            bonus_expiry_days=p.bonus_expiry_days,
            add_to_winback=p.add_to_winback,
            holdout_percent=p.holdout_percent,
            active=p.active,
            created_at=p.created_at,
            treatment=PlaybookArmReport.of(item.report.treatment),
            holdout=PlaybookArmReport.of(item.report.holdout),
            lift=lift,
        )


@strawberry.type(description="The playbook was made; it runs on tier changes from now on.")
class CreatePlaybookSuccess:
    playbook: Playbook = strawberry.field(description="The new playbook.")


@strawberry.type(description="The playbook is switched as asked.")
class UpdatePlaybookSuccess:
    playbook: Playbook = strawberry.field(description="The playbook as it is now.")
