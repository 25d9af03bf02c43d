"""A notification per recipient, grouped while unread, and each member's choices per kind."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from domain.identity.models import Member


class NotificationKind(StrEnum):
    COMMENT = "COMMENT"  # a comment on my post
    REPLY = "REPLY"  # a reply to my comment
    LIKE_MILESTONE = "LIKE_MILESTONE"  # my post reached 1, 10, 100 likes
    POST_APPROVED = "POST_APPROVED"
    POST_REJECTED = "POST_REJECTED"  # with the moderator's note
    POST_FEATURED = "POST_FEATURED"
    POINTS_EXPIRING = "POINTS_EXPIRING"  # in 10 days
    POINTS_ARRIVED = "POINTS_ARRIVED"  # purchase points released
    REDEMPTION_READY = "REDEMPTION_READY"
    PICKUP_REMINDER = "PICKUP_REMINDER"
    EVENT_REMINDER = "EVENT_REMINDER"  # 24 h and 2 h before
    WAITLIST_PROMOTED = "WAITLIST_PROMOTED"  # with the check-in code
    EVENT_CANCELLED = "EVENT_CANCELLED"  # my seat or waitlist place ended, with the reason
    CAMPAIGN_VOTING_OPENED = "CAMPAIGN_VOTING_OPENED"
    CAMPAIGN_WON = "CAMPAIGN_WON"
    REFERRAL_REWARDED = "REFERRAL_REWARDED"
    TIER_UP = "TIER_UP"
    HOST_QUEUE_ITEM = "HOST_QUEUE_ITEM"  # a new item in a host's or moderator's queue
    DIGEST = "DIGEST"  # the weekly digest for members away 7+ days
    GROUP_REQUEST_DECIDED = "GROUP_REQUEST_DECIDED"  # a private group's hosts answered or invited
    PLAYBOOK_MESSAGE = "PLAYBOOK_MESSAGE"  # an operator's words for a tier change, with any bonus


# Codes and things a member is waiting for: pushed whatever the day's budget or the hour.
TRANSACTIONAL = frozenset(
    {
        NotificationKind.WAITLIST_PROMOTED,
        NotificationKind.EVENT_CANCELLED,
        NotificationKind.REDEMPTION_READY,
        NotificationKind.PICKUP_REMINDER,
    }
)


class Notification(Model):
    """One member's notification. Rows with the same ``group_key`` fold into one while unread
    ("小王 and 12 others liked…"): ``actor`` is the latest, ``actor_count`` how many acted."""

    id = fields.IntField(primary_key=True)
    recipient: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    # What it is about: a type name of the API ("Post", "Event", "Campaign", "Redemption"...).
    subject_type = fields.CharField(max_length=20, null=True)
    subject_id = fields.IntField(null=True)
    actor: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="notifications_caused", null=True, on_delete=fields.SET_NULL
    )
    actor_count = fields.IntField(default=1)
    params: dict[str, Any] = fields.JSONField(default=dict)
    group_key = fields.CharField(max_length=80, null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    recipient_id: int
    actor_id: int | None

    class Meta:
        table = "notification"
        # The inbox (a member's rows newest first), and "who was told of this already", which
        # the due jobs ask each hour of a campaign's whole estate.
        indexes = (("recipient_id", "id"), ("kind", "subject_type", "subject_id"))
        table_description = "What a member was told, newest last, grouped while unread."


class NotificationPreference(Model):
    """A member's choice for one kind (without a row both channels are on)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "linli.Member", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    in_app = fields.BooleanField(default=True)
    wechat = fields.BooleanField(default=True)

    member_id: int

    class Meta:
        table = "notification_preference"
        unique_together = (("member_id", "kind"),)
