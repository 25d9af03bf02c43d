"""updateEvent: the event's hosts or an admin change its details."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import EventCancelled, EventOver, Forbidden, InvalidInput, NotFound, as_user_error
from api.events.types import UpdateEventSuccess, event_for
from api.permissions import require_role
from domain.edits import KEEP
from domain.errors import DomainError, PermissionDeniedError
from domain.events import admin
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The event and what changes; a field left out stays as it is.")
class UpdateEventInput:
    event_id: strawberry.ID = strawberry.field(description="`Event.id`.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="2–60 characters.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="1–2000 characters."
    )
    location: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where, 2–100 characters."
    )
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="A new start, in the future, with a time zone."
    )
    ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="After the start, at most 7 days later."
    )
    capacity: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Seats, 1–10,000 and not fewer than are taken (`InvalidInput` with code "
        "`CAPACITY_BELOW_TAKEN`); a raise seats the waitlist in arrival order at once.",
    )


UpdateEventResult = Annotated[
    UpdateEventSuccess | EventCancelled | EventOver | NotFound | InvalidInput,
    strawberry.union("UpdateEventResult", description="The outcome of `updateEvent`."),
]


def _kept(value: Any) -> Any:
    return KEEP if value is strawberry.UNSET or value is None else value


async def update_event(info: Info[Context, Any], input: UpdateEventInput) -> UpdateEventResult:
    actor = require_role(info, Role.HOST, Role.ADMIN)
    changes = admin.EventChanges(
        title=_kept(input.title),
        description=_kept(input.description),
        location=_kept(input.location),
        starts_at=_kept(input.starts_at),
        ends_at=_kept(input.ends_at),
        capacity=_kept(input.capacity),
    )
    try:
        event_id = decode_required_id(input.event_id, "Event", "eventId")
        event = await admin.update_event(info.context.collaborators, actor, event_id, changes)
    except PermissionDeniedError as error:
        raise Forbidden("只能修改自己主理的小组的活动") from error
    except DomainError as error:
        return as_user_error(error, UpdateEventResult)
    return UpdateEventSuccess(event=await event_for(info, event.id))
