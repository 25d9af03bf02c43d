"""Webhook endpoints admins register, and one delivery per event and endpoint."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class EventKind(StrEnum):
    MEMBER_REGISTERED = "member.registered"
    TIER_CHANGED = "member.tier_changed"
    REDEMPTION_CREATED = "redemption.created"
    REDEMPTION_FULFILLED = "redemption.fulfilled"
    REDEMPTION_CANCELLED = "redemption.cancelled"
    REFERRAL_REWARDED = "referral.rewarded"
    CAMPAIGN_CLOSED = "campaign.closed"
    POST_FEATURED = "post.featured"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its next attempt
    SENDING = "SENDING"  # claimed by a worker until ``lease_until``
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"  # no 2xx within a day of tries, or its endpoint was removed


class WebhookEndpoint(Model):
    """An address the brand's systems receive events at, with the secret deliveries are signed
    with and the kinds it wants. Disabled by hand or after failing for a day."""

    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=300)
    secret = fields.CharField(max_length=80)
    kinds: list[str] = fields.JSONField(default=list)
    enabled = fields.BooleanField(default=True)
    disabled_reason = fields.CharField(max_length=200, null=True)
    failing_since = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="webhook_endpoints", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    created_by_id: int | None

    class Meta:
        table = "webhook_endpoint"


class WebhookDelivery(Model):
    """One event for one endpoint: its body is fixed when the event is written, its id is the
    receiver's idempotency key, every attempt's outcome is kept on it."""

    id = fields.IntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "linli.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id = fields.CharField(max_length=36, unique=True)
    kind = fields.CharField(max_length=40)
    body = fields.TextField()
    status = fields.CharEnumField(DeliveryStatus, max_length=10, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    endpoint_id: int

    class Meta:
        table = "webhook_delivery"
        indexes = (("status", "next_attempt_at"), ("endpoint_id", "id"))
