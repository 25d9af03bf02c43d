"""likePost: the viewer likes a published post; liking twice counts once."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import GroupArchived, InvalidInput, NotFound, as_user_error
from api.permissions import logged_in
from api.posts.types import LikePostSuccess, post_for
from domain.errors import DomainError
from domain.posts import services
from web.ids import decode_required_id


@strawberry.input(description="The post to like.")
class LikePostInput:
    post_id: strawberry.ID = strawberry.field(description="`Post.id`.")


LikePostResult = Annotated[
    LikePostSuccess | NotFound | InvalidInput | GroupArchived,
    strawberry.union("LikePostResult", description="The outcome of `likePost`."),
]


async def like_post(info: Info[Context, Any], input: LikePostInput) -> LikePostResult:
    member = logged_in(info)
    try:
        post_id = decode_required_id(input.post_id, "Post", "postId")
        await services.like_post(info.context.collaborators, member, post_id)
        post = await post_for(info, post_id)
    except DomainError as error:
        return as_user_error(error, LikePostResult)
    return LikePostSuccess(post=post)
