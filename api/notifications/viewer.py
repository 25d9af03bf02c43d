"""The viewer's notification fields (``Viewer`` inherits them): the inbox, the unread count and
the choices per kind."""

from __future__ import annotations

import strawberry

from api.fields import field
from api.notifications.types import Notification, NotificationConnection, NotificationPreference
from api.pagination import after_id, check_first, connection_of
from domain.identity.models import Member
from domain.notifications import queries


@strawberry.type
class ViewerNotifications:
    model: strawberry.Private[Member]

    @field(
        description="The viewer's notifications, newest first; `first` is 1–50; with "
        "`unreadOnly` only the unread ones."
    )
    async def notifications(
        self, first: int, after: str | None = None, unread_only: bool = False
    ) -> NotificationConnection:
        check_first(first)
        rows = await queries.inbox_page(self.model.id, after_id(after), first, unread_only)
        return connection_of(NotificationConnection, rows, first, after, Notification.from_item)

    @field(description="How many of the viewer's notifications are unread (the bell's number).")
    async def unread_notification_count(self) -> int:
        return await queries.unread_count(self.model.id)

    @field(
        description="The viewer's choice of channels for every kind (both on unless turned off)."
    )
    async def notification_preferences(self) -> list[NotificationPreference]:
        return [NotificationPreference.of(p) for p in await queries.preferences(self.model.id)]
