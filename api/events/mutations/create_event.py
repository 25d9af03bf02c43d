"""createEvent: a host publishes an event of a group they host; admins any group or none."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import Forbidden, GroupArchived, InvalidInput, as_user_error
from api.events.types import CreateEventSuccess, event_for
from api.permissions import require_role
from domain.errors import DomainError, FieldError, InvalidInputError, PermissionDeniedError
from domain.events import services
from domain.identity.models import Role
from web.ids import decode_id


@strawberry.input(description="A new event.")
class CreateEventInput:
    title: str = strawberry.field(description="2–60 characters.")
    description: str = strawberry.field(description="1–2000 characters.")
    group_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The group that runs it (`InterestGroup.id`); hosts must give one of their "
        "own groups, admins may omit it for a programme-wide event.",
    )
    location: str = strawberry.field(description="Where, 2–100 characters.")
    starts_at: datetime = strawberry.field(description="In the future, with a time zone.")
    ends_at: datetime = strawberry.field(description="After `startsAt`, at most 7 days later.")
    capacity: int = strawberry.field(description="Seats, 1–10,000.")


CreateEventResult = Annotated[
    CreateEventSuccess | InvalidInput | GroupArchived,
    strawberry.union("CreateEventResult", description="The outcome of `createEvent`."),
]


async def create_event(info: Info[Context, Any], input: CreateEventInput) -> CreateEventResult:
    staff = require_role(info, Role.HOST, Role.ADMIN)
    errors: list[FieldError] = []
    group_id = decode_id(input.group_id, "InterestGroup", "groupId", errors)
    try:
        if errors:
            raise InvalidInputError(errors)
        event = await services.create_event(
            info.context.collaborators,
            staff,
            services.NewEvent(
                title=input.title,
                description=input.description,
                location=input.location,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                group_id=group_id,
            ),
        )
    except PermissionDeniedError as error:
        raise Forbidden("只能为自己主理的小组创建活动") from error
    except DomainError as error:
        return as_user_error(error, CreateEventResult)
    return CreateEventSuccess(event=await event_for(info, event.id))
