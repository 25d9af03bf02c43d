"""recordPostViews: the mini-program reports the posts the viewer saw (a card on screen for a
second, or a post opened); each post counts once per member and day. Nothing is written while the
request is served: the sightings go to a Redis buffer the job queue writes out."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, RateLimited, as_user_error
from api.permissions import logged_in
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.exposures import services as exposures
from domain.exposures.models import ExposureSource
from web.ids import decode_id


@strawberry.input(description="The posts the viewer saw.")
class RecordPostViewsInput:
    post_ids: list[strawberry.ID] = strawberry.field(
        description="`Post.id`s, at most 50 a call; repeats within a day count once."
    )


@strawberry.type(description="The sightings were taken.")
class PostViewsRecorded:
    recorded: int = strawberry.field(
        description="How many of the posts the viewer had not been counted as seeing today."
    )


RecordPostViewsResult = Annotated[
    PostViewsRecorded | InvalidInput | RateLimited,
    strawberry.union("RecordPostViewsResult", description="The outcome of `recordPostViews`."),
]


async def record_post_views(
    info: Info[Context, Any], input: RecordPostViewsInput
) -> RecordPostViewsResult:
    member = logged_in(info)
    errors: list[FieldError] = []
    ids = [decode_id(raw, "Post", "postIds", errors) for raw in input.post_ids]
    try:
        if errors:
            raise InvalidInputError(errors[:1])
        recorded = await exposures.record(
            info.context.collaborators,
            member,
            [post_id for post_id in ids if post_id is not None],
            ExposureSource.MINIPROGRAM,
        )
    except DomainError as error:
        return as_user_error(error, RecordPostViewsResult)
    return PostViewsRecorded(recorded=recorded)
