"""reviewComment: a moderator shows or keeps hidden a comment the safety checks held (audited)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, InvalidTransition, NotFound, as_user_error
from api.permissions import require_role
from api.safety.types import HeldComment
from domain.errors import DomainError
from domain.posts import comment_review
from domain.posts.policies import STAFF_ROLES
from web.ids import decode_required_id


@strawberry.enum(description="A moderator's decision on a held comment.")
class CommentDecision(Enum):
    APPROVE = strawberry.enum_value("APPROVE", description="Shown, and counted on its post.")
    REJECT = strawberry.enum_value("REJECT", description="Kept hidden.")


@strawberry.input(description="Which held comment, and the decision.")
class ReviewCommentInput:
    comment_id: strawberry.ID = strawberry.field(description="The `Comment` id.")
    decision: CommentDecision = strawberry.field(description="Approve or reject.")


@strawberry.type(description="The comment as decided.")
class ReviewCommentSuccess:
    comment: HeldComment = strawberry.field(description="The comment after the decision.")


ReviewCommentResult = Annotated[
    ReviewCommentSuccess | InvalidInput | NotFound | InvalidTransition,
    strawberry.union(
        "ReviewCommentResult",
        description="The outcome of `reviewComment`: `InvalidTransition` when it was already "
        "decided the other way; deciding it again the same way changes nothing.",
    ),
]


async def review_comment(
    info: Info[Context, Any], input: ReviewCommentInput
) -> ReviewCommentResult:
    actor = require_role(info, *STAFF_ROLES)
    try:
        comment_id = decode_required_id(input.comment_id, "Comment", "commentId")
        comment = await comment_review.review_comment(
            info.context.collaborators, actor, comment_id, input.decision.name
        )
    except DomainError as error:
        return as_user_error(error, ReviewCommentResult)
    return ReviewCommentSuccess(comment=HeldComment.from_model(comment))
