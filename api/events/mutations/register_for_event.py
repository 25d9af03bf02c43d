"""registerForEvent: a seat while seats last, else a place on the waitlist."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    AlreadyRegistered,
    EstateUnverified,
    EventCancelled,
    InvalidInput,
    NotFound,
    RegistrationClosed,
    as_user_error,
)
from api.events.types import EventRegistration, RegisterForEventSuccess, event_for
from api.permissions import logged_in
from domain.errors import DomainError
from domain.events import services
from web.ids import decode_required_id


@strawberry.input(description="The event to register for.")
class RegisterForEventInput:
    event_id: strawberry.ID = strawberry.field(description="`Event.id`.")


RegisterForEventResult = Annotated[
    RegisterForEventSuccess
    | AlreadyRegistered
    | RegistrationClosed
    | EventCancelled
    | EstateUnverified
    | NotFound
    | InvalidInput,
    strawberry.union("RegisterForEventResult", description="The outcome of `registerForEvent`."),
]


async def register_for_event(
    info: Info[Context, Any], input: RegisterForEventInput
) -> RegisterForEventResult:
    member = logged_in(info)
    try:
        event_id = decode_required_id(input.event_id, "Event", "eventId")
        registration = await services.register_for_event(
            info.context.collaborators, member, event_id
        )
    except DomainError as error:
        return as_user_error(error, RegisterForEventResult)
    return RegisterForEventSuccess(
        registration=EventRegistration.from_model(registration),
        event=await event_for(info, event_id),
    )
