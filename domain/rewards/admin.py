"""Rewards after creation (back office): edit the text, picture, cost, per-member limit and
availability window; retire. Admins only, audited with before and after values.

A change holds the reward's row lock until commit, the lock a redemption's stock update takes:
a redemption either committed before the change (and keeps what it spent) or runs after it and
pays the new cost, and none is made once the reward is retired. Redemptions keep the points they
spent; a refund gives back what was spent, never the cost of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Sum

from domain.aftercommit import atomic
from domain.audit import changed, record_change
from domain.collaborators import Collaborators
from domain.edits import KEEP, Keep, instant, pick, state
from domain.errors import InvalidInputError, NotFoundError
from domain.identity.models import Member, Role
from domain.identity.policies import require_role
from domain.media.services import find_own_image_url
from domain.rewards import rules
from domain.rewards.errors import RewardRetiredError
from domain.rewards.models import Redemption, RedemptionCounter, Reward
from domain.rewards.queries import LIVE

EDITABLE = (
    "name",
    "description",
    "image_url",
    "cost_points",
    "per_member_limit",
    "available_from",
    "available_until",
)


@dataclass(frozen=True)
class RewardChanges:
    """What an edit changes; ``KEEP`` leaves a field as it is. ``None`` removes the picture, the
    limit, or an end of the availability window."""

    name: str | Keep = KEEP
    description: str | Keep = KEEP
    image_id: int | Keep | None = KEEP  # an image the admin uploaded (POST /api/uploads)
    cost_points: int | Keep = KEEP
    per_member_limit: int | Keep | None = KEEP
    available_from: datetime | Keep | None = KEEP
    available_until: datetime | Keep | None = KEEP


async def update_reward(
    c: Collaborators, actor: Member, reward_id: int, changes: RewardChanges
) -> Reward:
    require_role(actor, Role.ADMIN)
    image_url = await _image_url(c, actor, changes.image_id)
    async with atomic():
        reward = await _locked(reward_id)
        if reward.retired_at is not None:
            raise RewardRetiredError("这件好物已下架，不能再修改")
        before = state(reward, EDITABLE)
        _apply(reward, changes, image_url)
        errors = rules.reward_field_errors(
            reward.name,
            reward.description,
            reward.cost_points,
            reward.stock,
            reward.per_member_limit,
            reward.available_from,
            reward.available_until,
        )
        if errors:
            raise InvalidInputError(errors)
        before, after = changed(before, state(reward, EDITABLE))
        if not after:
            return reward
        await reward.save(update_fields=list(EDITABLE))
        if "per_member_limit" in after and before["per_member_limit"] is None:
            await _recount_holdings(reward_id)
        await record_change(
            actor_id=actor.id,
            action="REWARD_UPDATED",
            target_type="REWARD",
            target_id=reward_id,
            now=c.clock.now(),
            before=before,
            after=after,
        )
    return reward


async def retire_reward(c: Collaborators, actor: Member, reward_id: int) -> Reward:
    """No new redemptions from now on; reserved ones can still be picked up or cancelled.
    Retiring a retired reward changes nothing."""
    require_role(actor, Role.ADMIN)
    async with atomic():
        reward = await _locked(reward_id)
        if reward.retired_at is not None:
            return reward
        now = c.clock.now()
        reward.retired_at = now
        await reward.save(update_fields=["retired_at"])
        await record_change(
            actor_id=actor.id,
            action="REWARD_RETIRED",
            target_type="REWARD",
            target_id=reward_id,
            now=now,
            before={"retired_at": None},
            after={"retired_at": now},
        )
    return reward


async def _locked(reward_id: int) -> Reward:
    """The reward's row, locked until commit (PostgreSQL; SQLite runs one writer at a time)."""
    reward = await Reward.filter(id=reward_id).select_for_update().first()
    if reward is None:
        raise NotFoundError("这件好物不存在")
    return reward


async def _image_url(c: Collaborators, actor: Member, image_id: int | Keep | None) -> str | None:
    """The public address of an image the admin uploaded (re-encoded, metadata stripped by the
    upload); someone else's image is refused like a missing one."""
    if image_id is None or isinstance(image_id, Keep):
        return None
    url = await find_own_image_url(c, actor, image_id)
    if url is None:
        raise InvalidInputError.single("imageId", "图片不存在")
    return url


def _apply(reward: Reward, changes: RewardChanges, image_url: str | None) -> None:
    reward.name = pick(changes.name, reward.name).strip()
    reward.description = pick(changes.description, reward.description).strip()
    if not isinstance(changes.image_id, Keep):
        reward.image_url = image_url
    reward.cost_points = pick(changes.cost_points, reward.cost_points)
    reward.per_member_limit = pick(changes.per_member_limit, reward.per_member_limit)
    reward.available_from = instant(pick(changes.available_from, reward.available_from))
    reward.available_until = instant(pick(changes.available_until, reward.available_until))


async def _recount_holdings(reward_id: int) -> None:
    """A limit set on a reward that had none: count what each member already holds, so the limit
    applies to it (redemptions without a limit are not counted as they happen). A redemption in
    flight is not counted here: it counts itself after its stock update, which waits for this
    lock and then reads the limit; a cancellation in flight takes its count back the same way."""
    held = (
        await Redemption.filter(reward_id=reward_id, status__in=LIVE)
        .group_by("member_id")
        .annotate(total=Sum("quantity"))
        .values_list("member_id", "total")
    )
    await RedemptionCounter.filter(reward_id=reward_id).delete()
    await RedemptionCounter.bulk_create(
        [
            RedemptionCounter(member_id=member_id, reward_id=reward_id, count=int(total or 0))
            for member_id, total in held
        ]
    )
