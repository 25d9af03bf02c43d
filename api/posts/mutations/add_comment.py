"""addComment: a plain-text comment on a published post; counts against the posting limits."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    ContentBlocked,
    GroupArchived,
    InvalidInput,
    NotFound,
    RateLimited,
    as_user_error,
)
from api.permissions import logged_in
from api.posts.types import AddCommentSuccess, Comment, post_for
from domain.errors import DomainError
from domain.posts import services
from web.ids import decode_required_id


@strawberry.input(description="The comment to add.")
class AddCommentInput:
    post_id: strawberry.ID = strawberry.field(description="`Post.id`.")
    body: str = strawberry.field(description="Plain text, 1–1,000 characters; no markdown.")


AddCommentResult = Annotated[
    AddCommentSuccess | InvalidInput | RateLimited | NotFound | GroupArchived | ContentBlocked,
    strawberry.union("AddCommentResult", description="The outcome of `addComment`."),
]


async def add_comment(info: Info[Context, Any], input: AddCommentInput) -> AddCommentResult:
    member = logged_in(info)
    try:
        post_id = decode_required_id(input.post_id, "Post", "postId")
        comment = await services.add_comment(
            info.context.collaborators, member, post_id, input.body
        )
        post = await post_for(info, post_id)
    except DomainError as error:
        return as_user_error(error, AddCommentResult)
    comment.author = member
    return AddCommentSuccess(comment=Comment.from_model(comment), post=post)
