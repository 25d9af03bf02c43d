"""Notifications' mutation root fields: marking read and the choices per kind."""

from __future__ import annotations

import strawberry

from api.notifications.mutations.mark_notifications_read import (
    MarkNotificationsReadResult,
    mark_notifications_read,
)
from api.notifications.mutations.update_notification_preferences import (
    UpdateNotificationPreferencesResult,
    update_notification_preferences,
)
from api.permissions import IsAuthenticated


@strawberry.type
class NotificationsMutation:
    mark_notifications_read: MarkNotificationsReadResult = strawberry.mutation(
        resolver=mark_notifications_read,
        description="Mark some of the viewer's notifications read (`ids`), or all of them.",
        permission_classes=[IsAuthenticated],
    )
    update_notification_preferences: UpdateNotificationPreferencesResult = strawberry.mutation(
        resolver=update_notification_preferences,
        description="Choose, per kind, whether it shows in the inbox and is pushed on WeChat.",
        permission_classes=[IsAuthenticated],
    )
