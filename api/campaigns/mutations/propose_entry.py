"""proposeEntry: a member proposes a name (waits for a moderator) or enters a PHOTO post."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.campaigns.types import ProposeEntrySuccess, entry_by_id
from api.context import Context
from api.errors import (
    CampaignNotOpen,
    ContentBlocked,
    InvalidInput,
    NotEligible,
    NotFound,
    RateLimited,
    as_user_error,
)
from api.permissions import logged_in
from domain.campaigns import services
from domain.errors import DomainError, FieldError, InvalidInputError
from web.ids import decode_id


@strawberry.input(description="A name for a naming campaign, or a PHOTO post for a photo one.")
class ProposeEntryInput:
    campaign_id: strawberry.ID = strawberry.field(description="`Campaign.id`.")
    title: str = strawberry.field(
        description="The proposed name, 1–40 characters (photos: empty takes the post's title)."
    )
    description: str | None = strawberry.field(default=None, description="Why, ≤ 200 chars.")
    post_id: strawberry.ID | None = strawberry.field(
        default=None, description="PHOTO campaigns: the member's own published PHOTO post."
    )


ProposeEntryResult = Annotated[
    ProposeEntrySuccess
    | CampaignNotOpen
    | NotEligible
    | NotFound
    | InvalidInput
    | RateLimited
    | ContentBlocked,
    strawberry.union("ProposeEntryResult", description="The outcome of `proposeEntry`."),
]


async def propose_entry(info: Info[Context, Any], input: ProposeEntryInput) -> ProposeEntryResult:
    member = logged_in(info)
    errors: list[FieldError] = []
    campaign_id = decode_id(input.campaign_id, "Campaign", "campaignId", errors)
    post_id = decode_id(input.post_id, "Post", "postId", errors)
    try:
        if errors or campaign_id is None:
            raise InvalidInputError(errors)
        entry = await services.propose_entry(
            info.context.collaborators, member, campaign_id, input.title, input.description, post_id
        )
        shown = await entry_by_id(info, entry.id)
    except DomainError as error:
        return as_user_error(error, ProposeEntryResult)
    return ProposeEntrySuccess(entry=shown)
