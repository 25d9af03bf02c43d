"""moderatePost: staff approve, reject, feature, unfeature, hide or restore a post; every
action lands in the audit log. Hosts moderate only the groups they host: another group's post
answers `NotFound`, as one that does not exist."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, as_user_error
from api.permissions import require_role
from api.posts.types import ModeratePostSuccess, ModerationAction, post_for
from domain.errors import DomainError, PermissionDeniedError
from domain.identity.models import Role
from domain.posts import services
from web.ids import decode_required_id


@strawberry.input(description="The post, the action and, for REJECT, the reason.")
class ModeratePostInput:
    post_id: strawberry.ID = strawberry.field(description="`Post.id`.")
    action: ModerationAction = strawberry.field(description="What to do.")
    reason: str | None = strawberry.field(
        default=None, description="Why; required for REJECT (the author sees it), ≤ 200 chars."
    )


ModeratePostResult = Annotated[
    ModeratePostSuccess | InvalidTransition | InvalidInput | NotFound,
    strawberry.union("ModeratePostResult", description="The outcome of `moderatePost`."),
]


async def moderate_post(info: Info[Context, Any], input: ModeratePostInput) -> ModeratePostResult:
    actor = require_role(info, Role.MODERATOR, Role.ADMIN, Role.HOST)
    try:
        post_id = decode_required_id(input.post_id, "Post", "postId")
        await services.moderate_post(
            info.context.collaborators, actor, post_id, input.action.name, input.reason
        )
        post = await post_for(info, post_id)
    except PermissionDeniedError as error:
        raise Forbidden("没有权限管理内容") from error
    except DomainError as error:
        return as_user_error(error, ModeratePostResult)
    return ModeratePostSuccess(post=post)
