"""checkInAttendee: the host scans or types an attendee's code; +20 points, once. Another group's
code answers like an unknown one, so no host can probe which codes exist."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    AttendeeAlreadyCheckedIn,
    CheckInClosed,
    Forbidden,
    InvalidInput,
    NotEligible,
    NotFound,
    as_user_error,
)
from api.events.types import CheckInAttendeeSuccess, EventRegistration
from api.permissions import require_role
from domain.errors import DomainError, PermissionDeniedError
from domain.events import services
from domain.identity.models import Role


@strawberry.input(description="The code on the attendee's phone.")
class CheckInAttendeeInput:
    check_in_code: str = strawberry.field(
        description="6 characters of 2-9 and A-Z without O and I; case and spaces do not "
        "matter. Anything else is `InvalidInput`; a code of an event the viewer does not run "
        "answers `NotFound`, as an unknown one."
    )


CheckInAttendeeResult = Annotated[
    CheckInAttendeeSuccess
    | AttendeeAlreadyCheckedIn
    | CheckInClosed
    | NotEligible
    | NotFound
    | InvalidInput,
    strawberry.union("CheckInAttendeeResult", description="The outcome of `checkInAttendee`."),
]


async def check_in_attendee(
    info: Info[Context, Any], input: CheckInAttendeeInput
) -> CheckInAttendeeResult:
    staff = require_role(info, Role.HOST, Role.ADMIN)
    try:
        registration = await services.check_in_attendee(
            info.context.collaborators, staff, input.check_in_code
        )
    except PermissionDeniedError as error:
        raise Forbidden("只有主理人和管理员可以签到") from error
    except DomainError as error:
        return as_user_error(error, CheckInAttendeeResult)
    return CheckInAttendeeSuccess(registration=EventRegistration.from_model(registration))
