"""moderateEntry: moderators approve or reject a proposed name; the audit log records it."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.campaigns.types import ModerateEntrySuccess, entry_by_id
from api.context import Context
from api.errors import InvalidInput, InvalidTransition, NotFound, as_user_error
from api.permissions import require_role
from api.posts.types import ModerationAction
from domain.campaigns import services
from domain.errors import DomainError
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The entry, the action (APPROVE or REJECT) and for REJECT a reason.")
class ModerateEntryInput:
    entry_id: strawberry.ID = strawberry.field(description="`CampaignEntry.id`.")
    action: ModerationAction = strawberry.field(
        description="APPROVE or REJECT; other actions are `InvalidTransition`."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why; required for REJECT, ≤ 200 chars."
    )


ModerateEntryResult = Annotated[
    ModerateEntrySuccess | InvalidTransition | InvalidInput | NotFound,
    strawberry.union("ModerateEntryResult", description="The outcome of `moderateEntry`."),
]


async def moderate_entry(
    info: Info[Context, Any], input: ModerateEntryInput
) -> ModerateEntryResult:
    actor = require_role(info, Role.MODERATOR, Role.ADMIN)
    try:
        entry_id = decode_required_id(input.entry_id, "CampaignEntry", "entryId")
        await services.moderate_entry(
            info.context.collaborators, actor, entry_id, input.action.name, input.reason
        )
        entry = await entry_by_id(info, entry_id)
    except DomainError as error:
        return as_user_error(error, ModerateEntryResult)
    return ModerateEntrySuccess(entry=entry)
