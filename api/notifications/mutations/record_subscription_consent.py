"""recordSubscriptionConsent: the mini-program reports the templates the member accepted."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, RateLimited, as_user_error
from api.notifications.push_types import RecordSubscriptionConsentSuccess, SubscriptionConsent
from api.permissions import logged_in
from domain.errors import DomainError
from domain.notifications import push


@strawberry.input(description="What `wx.requestSubscribeMessage` answered.")
class RecordSubscriptionConsentInput:
    template_ids: list[str] = strawberry.field(
        description="The template ids the member accepted (answered `accept`); each allows one "
        "more message. Ids the server does not send with are refused (`UNKNOWN_TEMPLATE`)."
    )


RecordSubscriptionConsentResult = Annotated[
    RecordSubscriptionConsentSuccess | InvalidInput | RateLimited,
    strawberry.union(
        "RecordSubscriptionConsentResult",
        description="The outcome of `recordSubscriptionConsent`.",
    ),
]


async def record_subscription_consent(
    info: Info[Context, Any], input: RecordSubscriptionConsentInput
) -> RecordSubscriptionConsentResult:
    member = logged_in(info)
    try:
        consents = await push.record_consent(
            info.context.collaborators, member.id, input.template_ids
        )
    except DomainError as error:
        return as_user_error(error, RecordSubscriptionConsentResult)
    return RecordSubscriptionConsentSuccess(
        consents=[SubscriptionConsent.from_model(row) for row in consents]
    )
