"""The points mall's mutation root fields: redeeming and cancelling, fulfilment, and the back
office's catalogue."""

from __future__ import annotations

import strawberry

from api.permissions import COUNTS_MUTATION_LIMIT_ITSELF, IsAuthenticated
from api.rewards.mutations.cancel_redemption import CancelRedemptionResult, cancel_redemption
from api.rewards.mutations.create_reward import CreateRewardResult, create_reward
from api.rewards.mutations.fulfil_redemption import FulfilRedemptionResult, fulfil_redemption
from api.rewards.mutations.redeem_reward import RedeemRewardResult, redeem_reward
from api.rewards.mutations.restock_reward import RestockRewardResult, restock_reward
from api.rewards.mutations.retire_reward import RetireRewardResult, retire_reward
from api.rewards.mutations.update_reward import UpdateRewardResult, update_reward


@strawberry.type
class RewardsMutation:
    redeem_reward: RedeemRewardResult = strawberry.mutation(
        resolver=redeem_reward,
        description="Spend points on a reward; safe to retry with the same idempotency key.",
        permission_classes=[IsAuthenticated],
        metadata=COUNTS_MUTATION_LIMIT_ITSELF,  # a replayed key is answered before any limit
    )
    cancel_redemption: CancelRedemptionResult = strawberry.mutation(
        resolver=cancel_redemption,
        description="Cancel one of the viewer's redemptions before pickup; the points come back.",
        permission_classes=[IsAuthenticated],
    )
    create_reward: CreateRewardResult = strawberry.mutation(
        resolver=create_reward, description="Admins: put a new reward in the points mall."
    )
    restock_reward: RestockRewardResult = strawberry.mutation(
        resolver=restock_reward, description="Admins: add items to a reward's stock."
    )
    fulfil_redemption: FulfilRedemptionResult = strawberry.mutation(
        resolver=fulfil_redemption,
        description="Hosts and admins: hand a redeemed item over against its pickup code.",
    )
    # ---- back office: catalogue ----
    update_reward: UpdateRewardResult = strawberry.mutation(
        resolver=update_reward,
        description="Admins: change a reward's text, picture, cost (for redemptions from now on), "
        "per-member limit or availability window (audited).",
    )
    retire_reward: RetireRewardResult = strawberry.mutation(
        resolver=retire_reward,
        description="Admins: retire a reward: out of the mall, no new redemptions; reserved ones "
        "can still be picked up or cancelled (audited; retiring again changes nothing).",
    )
