"""GraphQL types of notifications: an inbox item with its sentence, pages of them, the viewer's
choices per kind, and what the live subscription pushes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from domain.notifications import queries
from web.ids import encode_id


@strawberry.enum(description="What a notification is about. More kinds may be added.")
class NotificationKind(Enum):
    COMMENT = strawberry.enum_value("COMMENT", description="A comment on the member's post.")
    REPLY = strawberry.enum_value("REPLY", description="A reply to the member's comment.")
    LIKE_MILESTONE = strawberry.enum_value(
        "LIKE_MILESTONE", description="The member's post reached 1, 10 or 100 likes."
    )
    POST_APPROVED = strawberry.enum_value("POST_APPROVED", description="A post was approved.")
    POST_REJECTED = strawberry.enum_value(
        "POST_REJECTED", description="A post was rejected, with the moderator's note."
    )
    POST_FEATURED = strawberry.enum_value("POST_FEATURED", description="A post was featured.")
    POINTS_EXPIRING = strawberry.enum_value(
        "POINTS_EXPIRING", description="Points expire within 10 days."
    )
    POINTS_ARRIVED = strawberry.enum_value(
        "POINTS_ARRIVED", description="Pending purchase points became spendable."
    )
    REDEMPTION_READY = strawberry.enum_value(
        "REDEMPTION_READY", description="A redeemed reward is ready for pickup."
    )
    PICKUP_REMINDER = strawberry.enum_value(
        "PICKUP_REMINDER", description="A reminder to pick up a redeemed reward."
    )
    EVENT_REMINDER = strawberry.enum_value(
        "EVENT_REMINDER", description="An event the member registered for starts soon."
    )
    WAITLIST_PROMOTED = strawberry.enum_value(
        "WAITLIST_PROMOTED", description="Moved from the waitlist to a seat, with the code."
    )
    EVENT_CANCELLED = strawberry.enum_value(
        "EVENT_CANCELLED", description="An event the member registered for was cancelled."
    )
    CAMPAIGN_VOTING_OPENED = strawberry.enum_value(
        "CAMPAIGN_VOTING_OPENED", description="Voting opened in a campaign of the estate."
    )
    CAMPAIGN_WON = strawberry.enum_value("CAMPAIGN_WON", description="The member's entry won.")
    REFERRAL_REWARDED = strawberry.enum_value(
        "REFERRAL_REWARDED", description="An invited neighbour's first purchase rewarded."
    )
    TIER_UP = strawberry.enum_value("TIER_UP", description="The member moved up a tier.")
    HOST_QUEUE_ITEM = strawberry.enum_value(
        "HOST_QUEUE_ITEM", description="A new item waits in the host's or moderator's queue."
    )
    DIGEST = strawberry.enum_value(
        "DIGEST", description="The weekly digest for members away for a week or more."
    )
    GROUP_REQUEST_DECIDED = strawberry.enum_value(
        "GROUP_REQUEST_DECIDED",
        description="A private group's hosts approved or declined the member's request to join, "
        "or invited the member.",
    )
    PLAYBOOK_MESSAGE = strawberry.enum_value(
        "PLAYBOOK_MESSAGE",
        description="The programme's words for a change of the member's tier (a welcome, a "
        "win-back, an invitation), with the bonus points that came with it.",
    )


@strawberry.type(
    description="One notification of the viewer's. Several of one kind about one thing fold "
    'into one while unread ("小王等13人赞了你的《…》").'
)
class Notification(relay.Node):
    id: relay.NodeID[int]
    kind: NotificationKind = strawberry.field(description="What it is about.")
    text: str = strawberry.field(description="What to show, in Chinese, e.g. 小王评论了你的《…》.")
    subject_type: str | None = strawberry.field(
        description="The type of what it is about (`Post`, `Event`, `Campaign`…); null when it "
        "is about nothing in particular (the digest)."
    )
    subject_id: strawberry.ID | None = strawberry.field(
        description="The global ID of what it is about, to open it; null with `subjectType`."
    )
    path: str = strawberry.field(
        description="The web page it leads to (the subject's, or the page of its kind)."
    )
    actor_name: str | None = strawberry.field(
        description="The nickname of the member who acted last; null when no one did."
    )
    actor_count: int = strawberry.field(description="How many members acted (1 or more).")
    created_at: datetime = strawberry.field(description="When it was told (or last folded).")
    read_at: datetime | None = strawberry.field(description="When it was read; null if unread.")

    @classmethod
    def from_item(cls, item: queries.InboxItem) -> Notification:
        subject = item.subject_type
        return cls(
            id=item.id,
            kind=NotificationKind(item.kind.value),
            text=item.text,
            subject_type=subject,
            subject_id=strawberry.ID(encode_id(subject, item.subject_id))
            if subject and item.subject_id
            else None,
            path=item.link.path,
            actor_name=item.actor_name,
            actor_count=item.actor_count,
            created_at=item.updated_at,
            read_at=item.read_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Notification | None]:
        """Only the viewer's own notifications; anyone else's look like none at all."""
        ids = [int(i) for i in node_ids]
        viewer = info.context.member
        found: dict[int, queries.InboxItem] = {}
        if viewer is not None:
            found = {item.id: item for item in await queries.own_items(viewer.id, ids)}
        return [cls.from_item(found[i]) if i in found else None for i in ids]


@strawberry.type(description="A page of notifications, newest first.")
class NotificationConnection(relay.Connection[Notification]):
    pass


@strawberry.type(description="The viewer's choice of channels for one kind.")
class NotificationPreference:
    kind: NotificationKind = strawberry.field(description="The kind it is for.")
    in_app: bool = strawberry.field(description="Shown in the inbox (when off, not written).")
    wechat: bool = strawberry.field(
        description="Also pushed as a WeChat subscription message (with the member's consent)."
    )

    @classmethod
    def of(cls, preference: queries.Preference) -> NotificationPreference:
        return cls(
            kind=NotificationKind(preference.kind.value),
            in_app=preference.in_app,
            wechat=preference.wechat,
        )


@strawberry.type(description="The viewer's inbox changed.")
class NotificationAdded:
    unread_count: int = strawberry.field(description="Unread notifications now.")
    notification: Notification | None = strawberry.field(
        description="The newest notification; null in the first message, which only says the "
        "count at the moment of subscribing."
    )


@strawberry.type(description="Notifications were marked read.")
class MarkNotificationsReadSuccess:
    marked: int = strawberry.field(
        description="How many were unread and are read now (others' ids count nothing)."
    )
    unread_count: int = strawberry.field(description="Unread notifications left.")


@strawberry.type(description="The choices were saved.")
class UpdateNotificationPreferencesSuccess:
    preferences: list[NotificationPreference] = strawberry.field(
        description="Every kind's choice as now saved."
    )
