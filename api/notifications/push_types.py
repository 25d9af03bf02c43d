"""GraphQL types of WeChat subscription messages: the consents a member holds."""

from __future__ import annotations

import strawberry

from domain.notifications import push_models


@strawberry.type(
    description="How many more WeChat subscription messages of one template the viewer accepted "
    "(each acceptance in `wx.requestSubscribeMessage` allows one message; each message sent "
    "spends one)."
)
class SubscriptionConsent:
    template_id: str = strawberry.field(description="The WeChat template id.")
    remaining: int = strawberry.field(description="Messages of this template still allowed.")

    @classmethod
    def from_model(cls, row: push_models.SubscriptionConsent) -> SubscriptionConsent:
        return cls(template_id=row.template_id, remaining=row.remaining)


@strawberry.type(description="The consents were recorded.")
class RecordSubscriptionConsentSuccess:
    consents: list[SubscriptionConsent] = strawberry.field(
        description="The viewer's consent for each template reported, after this report, in "
        "template id order."
    )
