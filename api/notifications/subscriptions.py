"""notificationAdded: the viewer's unread count now, then the newest notification and the count
after each new one (a burst at most once a second)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.fields import subscription
from api.notifications.types import Notification, NotificationAdded
from api.permissions import logged_in
from domain.notifications import live, queries


@strawberry.type
class NotificationsSubscription:
    @subscription(
        description="The viewer's unread count now (`notification` null), then after each new "
        "notification the newest one and the count; a burst is one message a second. Needs "
        "the access token in `connection_init`."
    )
    async def notification_added(
        self, info: Info[Context, Any]
    ) -> AsyncGenerator[NotificationAdded, None]:
        member = logged_in(info)
        first = True
        async for _ in live.follow(info.context.collaborators.redis, member.id):
            newest = None if first else await queries.latest(member.id)
            first = False
            yield NotificationAdded(
                unread_count=await queries.unread_count(member.id),
                notification=Notification.from_item(newest) if newest else None,
            )
