"""reportContent: a member reports a post; three reporters hide it until a moderator decides."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import AlreadyReported, InvalidInput, NotFound, as_user_error
from api.permissions import logged_in
from api.posts.types import ReportContentSuccess, ReportReason
from domain.errors import DomainError, InvalidInputError
from domain.posts import models, services
from web.ids import decode_required_id


@strawberry.input(
    description="What to report and why. Give `postId`; reporting comments (`commentId`) is not "
    "supported yet and answers `InvalidInput` (暂不支持举报评论)."
)
class ReportContentInput:
    post_id: strawberry.ID | None = strawberry.field(default=None, description="`Post.id`.")
    comment_id: strawberry.ID | None = strawberry.field(
        default=None, description="`Comment.id`: not supported yet, refused as invalid input."
    )
    reason: ReportReason = strawberry.field(description="Why.")
    note: str | None = strawberry.field(default=None, description="Details, up to 200 chars.")


ReportContentResult = Annotated[
    ReportContentSuccess | AlreadyReported | NotFound | InvalidInput,
    strawberry.union("ReportContentResult", description="The outcome of `reportContent`."),
]


def _post_id(input: ReportContentInput) -> int:
    if input.comment_id is not None:
        raise InvalidInputError.single("commentId", "暂不支持举报评论")
    if input.post_id is None:
        raise InvalidInputError.single("postId", "请选择要举报的内容")
    return decode_required_id(input.post_id, "Post", "postId")


async def report_content(
    info: Info[Context, Any], input: ReportContentInput
) -> ReportContentResult:
    member = logged_in(info)
    try:
        reason = models.ReportReason(input.reason.name)
        await services.report_post(
            info.context.collaborators, member, _post_id(input), reason, input.note
        )
    except DomainError as error:
        return as_user_error(error, ReportContentResult)
    return ReportContentSuccess(ok=True)
