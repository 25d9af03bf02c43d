"""The points mall: rewards, redemptions with pickup codes, restocks, idempotency records."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member
    from domain.points.models import LedgerEntry


class RedemptionStatus(StrEnum):
    RESERVED = "RESERVED"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"


class Reward(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=60)
    description = fields.TextField()
    image_url = fields.CharField(max_length=300, null=True)
    cost_points = fields.IntField()
    stock = fields.IntField()
    initial_stock = fields.IntField()
    per_member_limit = fields.IntField(null=True)
    available_from = fields.DatetimeField(null=True)
    available_until = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True)
    # Retired: no new redemptions; reserved ones can still be fulfilled or cancelled.
    retired_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "reward"


class Redemption(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="redemptions", on_delete=fields.RESTRICT
    )
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "linli.Reward", related_name="redemptions", on_delete=fields.RESTRICT
    )
    quantity = fields.IntField()
    points_spent = fields.IntField()
    status = fields.CharEnumField(
        RedemptionStatus, max_length=10, default=RedemptionStatus.RESERVED
    )
    pickup_code = fields.CharField(max_length=6, unique=True)
    spend_entry: fields.ForeignKeyRelation[LedgerEntry] = fields.ForeignKeyField(
        "linli.LedgerEntry", related_name="redemptions", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    fulfilled_at = fields.DatetimeField(null=True)
    fulfilled_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="fulfilments", null=True, on_delete=fields.RESTRICT
    )
    cancelled_at = fields.DatetimeField(null=True)

    member_id: int
    reward_id: int
    spend_entry_id: int
    fulfilled_by_id: int | None

    class Meta:
        table = "redemption"
        indexes = (("member_id", "id"),)


class RedemptionCounter(Model):
    """Live redemptions per member and reward, for the per-member limit's conditional update."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="redemption_counters", on_delete=fields.CASCADE
    )
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "linli.Reward", related_name="counters", on_delete=fields.CASCADE
    )
    count = fields.IntField(default=0)

    member_id: int
    reward_id: int

    class Meta:
        table = "redemption_counter"
        unique_together = (("member", "reward"),)


class RewardRestock(Model):
    id = fields.IntField(primary_key=True)
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "linli.Reward", related_name="restocks", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()
    restocked_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="restocks", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    reward_id: int
    restocked_by_id: int

    class Meta:
        table = "reward_restock"


class IdempotencyRecord(Model):
    """A client-keyed write, inserted first in its transaction: a concurrent duplicate waits on
    the unique key, then replays the stored result."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=100, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="idempotency_records", on_delete=fields.CASCADE
    )
    operation = fields.CharField(max_length=40)
    request_hash = fields.CharField(max_length=64)
    result_ref = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "idempotency_record"
