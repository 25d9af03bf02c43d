"""Referrals: who invited whom, one level only, and whether the first purchase has rewarded it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member
    from domain.purchases.models import Purchase


class ReferralStatus(StrEnum):
    PENDING = "PENDING"
    REWARDED = "REWARDED"


class Referral(Model):
    """A member who joined with another member's invite code. One per invitee."""

    id = fields.IntField(primary_key=True)
    referrer: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="referrals_made", on_delete=fields.CASCADE
    )
    invitee: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "linli.Member", related_name="referral", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ReferralStatus, max_length=10, default=ReferralStatus.PENDING)
    created_at = fields.DatetimeField()
    rewarded_at = fields.DatetimeField(null=True)
    # The invitee's first recorded purchase, which qualified the referral.
    first_purchase: fields.ForeignKeyNullableRelation[Purchase] = fields.ForeignKeyField(
        "linli.Purchase", related_name="qualified_referrals", null=True, on_delete=fields.SET_NULL
    )

    referrer_id: int
    invitee_id: int
    first_purchase_id: int | None

    class Meta:
        table = "referral"
        indexes = (("referrer_id", "id"), ("status", "referrer_id"))
