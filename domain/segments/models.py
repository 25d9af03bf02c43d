"""Tier history, NPS answers and acquisition spend: what the tier job and the KPIs use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Estate, Member


class TierChange(Model):
    """One tier change of one member with the scores that caused it (append-only)."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="tier_changes", on_delete=fields.CASCADE
    )
    from_tier = fields.CharField(max_length=12, null=True)
    to_tier = fields.CharField(max_length=12)
    recency_days = fields.IntField(null=True)
    frequency = fields.IntField()
    monetary_cents = fields.BigIntField()
    r = fields.SmallIntField()
    f = fields.SmallIntField()
    m = fields.SmallIntField()
    score = fields.SmallIntField()
    computed_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "tier_change"
        indexes = (("member_id", "id"), ("to_tier", "computed_at"))


class NpsResponse(Model):
    """A member's 0-10 answer to "would you recommend us", at most one per calendar quarter."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="nps_responses", on_delete=fields.CASCADE
    )
    quarter = fields.CharField(max_length=7)  # 2026Q4, Shanghai time
    score = fields.SmallIntField()
    comment = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "nps_response"
        unique_together = (("member", "quarter"),)
        indexes = (("created_at",),)


class AcquisitionSpend(Model):
    """Money spent to win new members (flyers, tasting samples, ads), recorded by admins."""

    id = fields.IntField(primary_key=True)
    estate: fields.ForeignKeyNullableRelation[Estate] = fields.ForeignKeyField(
        "linli.Estate", related_name="acquisition_spend", null=True, on_delete=fields.RESTRICT
    )
    spent_on = fields.DateField()
    amount_cents = fields.BigIntField()
    note = fields.CharField(max_length=120)
    recorded_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="spend_recorded", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    estate_id: int | None
    recorded_by_id: int

    class Meta:
        table = "acquisition_spend"
        indexes = (("spent_on",),)


class TierRun(Model):
    """One recompute of every member's tier: the cuts it scored against and what it found."""

    id = fields.IntField(primary_key=True)
    computed_at = fields.DatetimeField()
    members = fields.IntField()
    changed = fields.IntField()
    cuts: dict[str, Any] = fields.JSONField()  # tiers.cuts_record
    shares: dict[str, int] = fields.JSONField()  # tier value -> members
    seconds = fields.FloatField()
    trigger = fields.CharField(max_length=12)  # NIGHTLY, ADMIN, COMMAND

    class Meta:
        table = "tier_run"
        ordering = ["-id"]
