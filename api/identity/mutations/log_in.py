"""login: phone and password."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidCredentials, RateLimited, as_user_error
from api.identity.auth import auth_success
from api.identity.types import AuthSuccess
from domain.errors import DomainError
from domain.identity import services


@strawberry.input(description="Phone number and password.")
class LoginInput:
    phone: str = strawberry.field(description="Mainland mobile number.")
    password: str = strawberry.field(description="The member's password.")


LoginResult = Annotated[
    AuthSuccess | InvalidCredentials | RateLimited,
    strawberry.union("LoginResult", description="The outcome of `login`."),
]


async def log_in(info: Info[Context, Any], input: LoginInput) -> LoginResult:
    try:
        member = await services.log_in(
            info.context.collaborators, input.phone, input.password, info.context.client_ip
        )
    except DomainError as error:
        return as_user_error(error, LoginResult)
    return await auth_success(info.context, member, is_new_member=False)
