"""cancelEventRegistration: give a place back; a freed seat goes to the first on the waitlist."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidInput, NotFound, RegistrationNotCancellable, as_user_error
from api.events.types import CancelEventRegistrationSuccess, EventRegistration, event_for
from api.permissions import logged_in
from domain.errors import DomainError
from domain.events import services
from web.ids import decode_required_id


@strawberry.input(description="The viewer's registration to cancel.")
class CancelEventRegistrationInput:
    registration_id: strawberry.ID = strawberry.field(description="`EventRegistration.id`.")


CancelEventRegistrationResult = Annotated[
    CancelEventRegistrationSuccess | RegistrationNotCancellable | NotFound | InvalidInput,
    strawberry.union(
        "CancelEventRegistrationResult", description="The outcome of `cancelEventRegistration`."
    ),
]


async def cancel_event_registration(
    info: Info[Context, Any], input: CancelEventRegistrationInput
) -> CancelEventRegistrationResult:
    member = logged_in(info)
    try:
        registration_id = decode_required_id(
            input.registration_id, "EventRegistration", "registrationId"
        )
        registration = await services.cancel_registration(
            info.context.collaborators, member, registration_id
        )
    except DomainError as error:
        return as_user_error(error, CancelEventRegistrationResult)
    return CancelEventRegistrationSuccess(
        registration=EventRegistration.from_model(registration),
        event=await event_for(info, registration.event_id),
    )
