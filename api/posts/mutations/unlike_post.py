"""unlikePost: the viewer takes back their like; unliking twice changes nothing."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import logged_in
from api.posts.types import UnlikePostSuccess, post_for
from domain.errors import DomainError
from domain.posts import services
from web.ids import decode_required_id


@strawberry.input(description="The post to stop liking.")
class UnlikePostInput:
    post_id: strawberry.ID = strawberry.field(description="`Post.id`.")


UnlikePostResult = Annotated[
    UnlikePostSuccess | NotFound | InvalidInput,
    strawberry.union("UnlikePostResult", description="The outcome of `unlikePost`."),
]


async def unlike_post(info: Info[Context, Any], input: UnlikePostInput) -> UnlikePostResult:
    member = logged_in(info)
    try:
        post_id = decode_required_id(input.post_id, "Post", "postId")
        await services.unlike_post(info.context.collaborators, member, post_id)
        post = await post_for(info, post_id)
    except DomainError as error:
        return as_user_error(error, UnlikePostResult)
    return UnlikePostSuccess(post=post)
