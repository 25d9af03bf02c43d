"""markNotificationsRead: some of the viewer's notifications, or all of them."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, RateLimited, as_user_error
from api.notifications.types import MarkNotificationsReadSuccess
from api.permissions import logged_in
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.notifications import inbox, queries
from web.ids import decode_id


@strawberry.input(description="Either `ids` or `all: true`.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Notifications to mark read (at most 100); others' ids are ignored.",
    )
    all: bool = strawberry.field(default=False, description="Mark every notification read.")


MarkNotificationsReadResult = Annotated[
    MarkNotificationsReadSuccess | InvalidInput | RateLimited,
    strawberry.union(
        "MarkNotificationsReadResult",
        description="The outcome of `markNotificationsRead`: `InvalidInput` when neither or "
        "both of `ids` and `all` are given, or an id is malformed (nothing marked).",
    ),
]


def _ids(raw: list[strawberry.ID] | None) -> list[int] | None:
    if raw is None:
        return None
    errors: list[FieldError] = []
    ids = [decode_id(r, "Notification", f"ids.{n}", errors) for n, r in enumerate(raw)]
    if errors:
        raise InvalidInputError(errors)
    return [i for i in ids if i is not None]


async def mark_notifications_read(
    info: Info[Context, Any], input: MarkNotificationsReadInput
) -> MarkNotificationsReadResult:
    member = logged_in(info)
    c = info.context.collaborators
    try:
        marked = await inbox.mark_read(c, member.id, ids=_ids(input.ids), everything=input.all)
    except DomainError as error:
        return as_user_error(error, MarkNotificationsReadResult)
    return MarkNotificationsReadSuccess(
        marked=marked, unread_count=await queries.unread_count(member.id)
    )
