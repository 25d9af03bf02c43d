"""register: a new resident with phone, password, estate and privacy consent."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    ContentBlocked,
    EstateArchived,
    InvalidInput,
    InvalidInviteCode,
    PhoneTaken,
    RateLimited,
    SelfReferral,
    as_user_error,
)
from api.identity.auth import auth_success
from api.identity.types import AuthSuccess
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity import services
from web.ids import decode_id


@strawberry.input(description="A new member's registration.")
class RegisterInput:
    phone: str = strawberry.field(description="Mainland mobile number, 11 digits.")
    password: str = strawberry.field(description="At least 8 characters.")
    display_name: str = strawberry.field(description="Nickname, 1–20 characters.")
    estate_id: strawberry.ID = strawberry.field(description="The member's estate (`Estate.id`).")
    invite_code: str | None = strawberry.field(default=None, description="A neighbour's code.")
    accept_privacy_policy: bool = strawberry.field(description="Must be true.")


RegisterResult = Annotated[
    AuthSuccess
    | InvalidInput
    | PhoneTaken
    | InvalidInviteCode
    | SelfReferral
    | RateLimited
    | EstateArchived
    | ContentBlocked,
    strawberry.union(
        "RegisterResult",
        description="The outcome of `register`: `EstateArchived` when the estate chosen no "
        "longer takes new members; `ContentBlocked` when the display name holds a blocked "
        "word.",
    ),
]


async def register(info: Info[Context, Any], input: RegisterInput) -> RegisterResult:
    errors: list[FieldError] = []
    estate_id = decode_id(input.estate_id, "Estate", "estateId", errors)
    form = services.Registration(
        phone=input.phone,
        password=input.password,
        display_name=input.display_name,
        estate_id=estate_id,
        invite_code=input.invite_code,
        accepted_privacy_policy=input.accept_privacy_policy,
    )
    try:
        if errors:
            raise InvalidInputError(errors)
        member = await services.register_member(
            info.context.collaborators, form, info.context.client_ip
        )
    except DomainError as error:
        return as_user_error(error, RegisterResult)
    return await auth_success(info.context, member, is_new_member=True)
