"""requestAccountDeletion: erase the viewer's account after a 7-day grace period."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import DeletionPending, InvalidInput, StillHostsGroups, as_user_error
from api.permissions import logged_in
from api.privacy.types import AccountDeletion, DeletedAccountPosts, RequestAccountDeletionSuccess
from domain.errors import DomainError
from domain.privacy import deletion

RequestAccountDeletionResult = Annotated[
    RequestAccountDeletionSuccess | DeletionPending | StillHostsGroups | InvalidInput,
    strawberry.union(
        "RequestAccountDeletionResult",
        description="`DeletionPending` when one is pending already; `StillHostsGroups` for a "
        "host of groups (a successor first); `InvalidInput` for an admin.",
    ),
]


async def request_account_deletion(
    info: Info[Context, Any], posts: DeletedAccountPosts
) -> RequestAccountDeletionResult:
    member = logged_in(info)
    keep = posts is DeletedAccountPosts.KEEP_ANONYMOUS
    try:
        made = await deletion.request_account_deletion(info.context.collaborators, member, keep)
    except DomainError as error:
        return as_user_error(error, RequestAccountDeletionResult)
    return RequestAccountDeletionSuccess(deletion=AccountDeletion(model=made))
