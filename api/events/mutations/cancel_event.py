"""cancelEvent: the event's hosts or an admin call it off; every registration is cancelled."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import EventOver, Forbidden, InvalidInput, NotFound, as_user_error
from api.events.types import CancelEventSuccess, event_for
from api.permissions import require_role
from domain.errors import DomainError, PermissionDeniedError
from domain.events import admin
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The event to cancel and why.")
class CancelEventInput:
    event_id: strawberry.ID = strawberry.field(description="`Event.id`.")
    reason: str = strawberry.field(
        description="Why, 2–200 characters: shown on the event and told to the members."
    )


CancelEventResult = Annotated[
    CancelEventSuccess | EventOver | NotFound | InvalidInput,
    strawberry.union("CancelEventResult", description="The outcome of `cancelEvent`."),
]


async def cancel_event(info: Info[Context, Any], input: CancelEventInput) -> CancelEventResult:
    actor = require_role(info, Role.HOST, Role.ADMIN)
    try:
        event_id = decode_required_id(input.event_id, "Event", "eventId")
        done = await admin.cancel_event(info.context.collaborators, actor, event_id, input.reason)
    except PermissionDeniedError as error:
        raise Forbidden("只能取消自己主理的小组的活动") from error
    except DomainError as error:
        return as_user_error(error, CancelEventResult)
    return CancelEventSuccess(
        event=await event_for(info, done.event.id), registrations_cancelled=len(done.told)
    )
