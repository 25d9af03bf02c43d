"""The mutation root field of WeChat subscription messages."""

from __future__ import annotations

import strawberry

from api.notifications.mutations.record_subscription_consent import (
    RecordSubscriptionConsentResult,
    record_subscription_consent,
)
from api.permissions import IsAuthenticated


@strawberry.type
class PushMutation:
    record_subscription_consent: RecordSubscriptionConsentResult = strawberry.mutation(
        resolver=record_subscription_consent,
        description="Record the WeChat subscription-message templates the viewer accepted in "
        "`wx.requestSubscribeMessage`: one more message allowed per template. Notifications are "
        "pushed to WeChat only while a consent is left (and within the day's budget and "
        "outside quiet hours, 22:00–08:00, except pickup codes and waitlist promotions). "
        "Signed out: a top-level UNAUTHENTICATED error.",
        permission_classes=[IsAuthenticated],
    )
