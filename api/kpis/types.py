"""GraphQL types of the operator dashboard: the KPIs of a period and scope, and the tier shares."""

from __future__ import annotations

import strawberry

from api.identity.types import Tier
from domain.kpis.dashboard import Dashboard as DashboardModel


@strawberry.type(description="How many members are in a tier, and their share of all members.")
class TierShare:
    tier: Tier
    members: int
    share: float = strawberry.field(description="0–1 of the scope's members with a tier.")


@strawberry.type(
    description="Operator KPIs for a period (Shanghai dates, both included) and a scope; each "
    "is defined in the product specification."
)
class Dashboard:
    members: int = strawberry.field(description="Members who had joined by the end.")
    monthly_active_members: int = strawberry.field(
        description="Members with any activity in the 30 days up to the end."
    )
    repurchase_rate: float = strawberry.field(
        description="The period's buyers who also bought in the 90 days before it ÷ its buyers."
    )
    average_ltv_cents: int = strawberry.field(
        description="Purchases from joining to the end ÷ members, in cents."
    )
    cac_cents: int | None = strawberry.field(
        description="(Acquisition spend + referral points at ¥0.01) ÷ new members; null when "
        "nobody joined."
    )
    referral_share: float = strawberry.field(description="New members with an inviter ÷ new.")
    nps: float | None = strawberry.field(
        description="% of answers at 9–10 minus % at 0–6; null without answers."
    )
    posts_published: int
    new_members: int
    tier_shares: list[TierShare]

    @classmethod
    def from_model(cls, board: DashboardModel) -> Dashboard:
        now = board.current
        total = sum(board.tiers.values())
        return cls(
            members=now.members,
            monthly_active_members=now.monthly_active_members,
            repurchase_rate=now.repurchase_rate,
            average_ltv_cents=now.average_ltv_cents,
            cac_cents=now.cac_cents,
            referral_share=now.referral_share,
            nps=now.nps,
            posts_published=now.posts_published,
            new_members=now.new_members,
            tier_shares=[
                TierShare(
                    tier=Tier(tier.value),
                    members=count,
                    share=count / total if total else 0.0,
                )
                for tier, count in board.tiers.items()
            ],
        )
