"""castVote: one of the member's votes for an entry, at most one per entry."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.campaigns.types import CastVoteSuccess, campaign_by_id, entry_by_id
from api.context import Context
from api.errors import (
    AlreadyVoted,
    CampaignNotOpen,
    EstateUnverified,
    InvalidInput,
    NotEligible,
    NotFound,
    NoVotesLeft,
    RateLimited,
    as_user_error,
)
from api.permissions import logged_in
from domain.campaigns import services
from domain.errors import DomainError
from web.ids import decode_required_id


@strawberry.input(description="The entry to vote for.")
class CastVoteInput:
    entry_id: strawberry.ID = strawberry.field(description="`CampaignEntry.id`.")


CastVoteResult = Annotated[
    CastVoteSuccess
    | AlreadyVoted
    | NoVotesLeft
    | NotEligible
    | EstateUnverified
    | CampaignNotOpen
    | NotFound
    | InvalidInput
    | RateLimited,
    strawberry.union("CastVoteResult", description="The outcome of `castVote`."),
]


async def cast_vote(info: Info[Context, Any], input: CastVoteInput) -> CastVoteResult:
    member = logged_in(info)
    try:
        entry_id = decode_required_id(input.entry_id, "CampaignEntry", "entryId")
        cast = await services.cast_vote(info.context.collaborators, member, entry_id)
        entry = await entry_by_id(info, entry_id)
    except DomainError as error:
        return as_user_error(error, CastVoteResult)
    return CastVoteSuccess(entry=entry, campaign=await campaign_by_id(info, cast.entry.campaign_id))
