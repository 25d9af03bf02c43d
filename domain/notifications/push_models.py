"""WeChat subscription messages: the consents members gave per template, and one delivery record
per notification offered to WeChat (sent, skipped, failed or waiting for its hour)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain.notifications.models import NotificationKind

if TYPE_CHECKING:
    from domain.identity.models import Member
    from domain.notifications.models import Notification


class PushStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its due time (quiet hours, a retry's back-off) or a worker
    SENDING = "SENDING"  # claimed by one worker, consent spent, the request under way
    SENT = "SENT"
    FAILED = "FAILED"  # WeChat refused it, or it kept failing: never tried again
    SKIPPED = "SKIPPED"  # never sent: no consent, over the day's budget, no openid, superseded


class SubscriptionConsent(Model):
    """How many more messages of one template a member accepted (each acceptance in the
    mini-program allows one send, each send spends one)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="subscription_consents", on_delete=fields.CASCADE
    )
    template_id = fields.CharField(max_length=64)
    remaining = fields.IntField(default=0)
    updated_at = fields.DatetimeField()

    member_id: int

    class Meta:
        table = "subscription_consent"
        unique_together = (("member_id", "template_id"),)
        table_description = "One-time subscription consents a member holds per WeChat template."


class PushDelivery(Model):
    """A notification offered to WeChat. A pushed delivery that counts against the day's budget
    holds one of the member's ``budget_slot`` 1..N of ``budget_day`` (unique), so two offers at
    once cannot both take the last one. It gives the slot back when it is never sent."""

    id = fields.IntField(primary_key=True)
    # Kept when the notification folds into a newer one (the newer one is offered itself).
    notification: fields.OneToOneNullableRelation[Notification] = fields.OneToOneField(
        "linli.Notification", related_name="push_delivery", null=True, on_delete=fields.SET_NULL
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="push_deliveries", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    template_id = fields.CharField(max_length=64)
    status = fields.CharEnumField(PushStatus, max_length=8)
    error_code = fields.CharField(max_length=24, null=True)
    error_message = fields.CharField(max_length=200, null=True)
    attempts = fields.IntField(default=0)
    budget_day = fields.DateField(null=True)
    budget_slot = fields.IntField(null=True)
    due_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)

    member_id: int
    notification_id: int | None

    class Meta:
        table = "push_delivery"
        unique_together = (("member_id", "budget_day", "budget_slot"),)
        indexes = (("status", "due_at"),)
        table_description = "A notification offered to WeChat as a subscription message."
