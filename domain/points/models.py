"""The points ledger: an account per member, append-only entries, and lots that remember what is
left of each award (for oldest-first spending and year-end expiry)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class LedgerReason(StrEnum):
    POST_PUBLISHED = "POST_PUBLISHED"
    POST_FEATURED = "POST_FEATURED"
    VOTE_CAST = "VOTE_CAST"
    CHECK_IN = "CHECK_IN"
    EVENT_ATTENDED = "EVENT_ATTENDED"
    CAMPAIGN_WON = "CAMPAIGN_WON"
    REFERRAL = "REFERRAL"
    PURCHASE = "PURCHASE"
    REDEMPTION = "REDEMPTION"
    REDEMPTION_REFUND = "REDEMPTION_REFUND"
    EXPIRY = "EXPIRY"
    ADJUSTMENT = "ADJUSTMENT"
    PENDING_RELEASED = "PENDING_RELEASED"
    PLAYBOOK_BONUS = "PLAYBOOK_BONUS"  # a tier playbook's bonus, named in the description


class PointsAccount(Model):
    """The hot row: balance and pending are the sums the entries and lots add up to."""

    id = fields.IntField(primary_key=True)
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "linli.Member", related_name="points_account", on_delete=fields.CASCADE
    )
    balance = fields.IntField(default=0)
    pending = fields.IntField(default=0)
    updated_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "points_account"


class LedgerEntry(Model):
    """One movement of points. Never updated or deleted: a correction is a new entry."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="ledger_entries", on_delete=fields.RESTRICT
    )
    amount = fields.IntField()
    balance_after = fields.IntField()
    pending = fields.BooleanField(default=False)
    reason = fields.CharEnumField(LedgerReason, max_length=24)
    description = fields.CharField(max_length=120)
    idempotency_key = fields.CharField(max_length=120, unique=True)
    expires_at = fields.DatetimeField(null=True)
    available_at = fields.DatetimeField(null=True)
    # The version of the programme rules an award was computed under (null: before versioning,
    # and for movements no earn rule decides: spending, refunds, expiry, adjustments).
    rule_version = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "ledger_entry"
        indexes = (("member_id", "id"), ("created_at",))


class PointsLot(Model):
    """What is left of one award. Spending draws lots in (expires_at, id) order."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="points_lots", on_delete=fields.RESTRICT
    )
    entry: fields.ForeignKeyRelation[LedgerEntry] = fields.ForeignKeyField(
        "linli.LedgerEntry", related_name="lots", on_delete=fields.RESTRICT
    )
    amount = fields.IntField()
    remaining = fields.IntField()
    available_at = fields.DatetimeField()
    released = fields.BooleanField(default=True)
    expires_at = fields.DatetimeField()

    member_id: int
    entry_id: int

    class Meta:
        table = "points_lot"
        indexes = (("member_id", "expires_at", "id"), ("released", "available_at"))


class LotDraw(Model):
    """Which lots a spending entry drew from, so a refund restores the same expiry dates."""

    id = fields.BigIntField(primary_key=True)
    entry: fields.ForeignKeyRelation[LedgerEntry] = fields.ForeignKeyField(
        "linli.LedgerEntry", related_name="draws", on_delete=fields.RESTRICT
    )
    lot: fields.ForeignKeyRelation[PointsLot] = fields.ForeignKeyField(
        "linli.PointsLot", related_name="draws", on_delete=fields.RESTRICT
    )
    amount = fields.IntField()

    entry_id: int
    lot_id: int

    class Meta:
        table = "lot_draw"


class DailyContribution(Model):
    """Contribution points a member earned on one Shanghai calendar day (capped at 200)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="daily_contributions", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    points = fields.IntField(default=0)

    member_id: int

    class Meta:
        table = "daily_contribution"
        unique_together = (("member", "day"),)


class CheckIn(Model):
    """A daily check-in (签到), one per member per Shanghai calendar day."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="check_ins", on_delete=fields.CASCADE
    )
    day = fields.DateField()
    streak = fields.IntField()
    points = fields.IntField()
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "check_in"
        unique_together = (("member", "day"),)


class ExpiryReminder(Model):
    """A reminder recorded 10 days before a member's points expire."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="expiry_reminders", on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    amount = fields.IntField()
    created_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "expiry_reminder"
        unique_together = (("member", "expires_at"),)


class AdjustmentRequest(Model):
    """An admin adjustment above the approval threshold, waiting for a second admin."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="adjustment_requests", on_delete=fields.CASCADE
    )
    amount = fields.IntField()
    reason = fields.CharField(max_length=120)
    idempotency_key = fields.CharField(max_length=120, unique=True)
    requested_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="adjustments_requested", on_delete=fields.RESTRICT
    )
    approved_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="adjustments_approved", null=True, on_delete=fields.RESTRICT
    )
    entry: fields.ForeignKeyNullableRelation[LedgerEntry] = fields.ForeignKeyField(
        "linli.LedgerEntry",
        related_name="adjustment_requests",
        null=True,
        on_delete=fields.RESTRICT,
    )
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    member_id: int
    requested_by_id: int
    approved_by_id: int | None
    entry_id: int | None

    class Meta:
        table = "adjustment_request"
