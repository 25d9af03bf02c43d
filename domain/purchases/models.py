"""Purchases from the mall, one row per mall order id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class Purchase(Model):
    """One mall order, recorded once per order id. RFM reads member, amount and time."""

    id = fields.BigIntField(primary_key=True)
    order_id = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="purchases", on_delete=fields.RESTRICT
    )
    amount_cents = fields.IntField()
    purchased_at = fields.DatetimeField()
    items: list[str] = fields.JSONField(default=list)
    # How the order arrived: API (recordPurchases) or CSV (linli import-purchases / portal).
    source = fields.CharField(max_length=8)
    # The recording call that inserted the row: tells a batch which of its orders were new.
    batch = fields.CharField(max_length=32)
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "purchase"
        indexes = (("member_id", "purchased_at"), ("purchased_at",))
