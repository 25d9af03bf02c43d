"""refreshToken: rotate a refresh token into a new token pair."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidToken, as_user_error
from api.identity.types import AuthSuccess, Viewer
from domain.errors import DomainError
from domain.identity import services


@strawberry.input(description="The refresh token from the last `AuthSuccess`.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(description="Works once; the answer holds a new one.")


RefreshTokenResult = Annotated[
    AuthSuccess | InvalidToken,
    strawberry.union("RefreshTokenResult", description="The outcome of `refreshToken`."),
]


async def refresh_token(info: Info[Context, Any], input: RefreshTokenInput) -> RefreshTokenResult:
    try:
        member, tokens = await services.refresh_api_tokens(
            info.context.collaborators, input.refresh_token
        )
    except DomainError as error:
        return as_user_error(error, RefreshTokenResult)
    return AuthSuccess(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        is_new_member=False,
        viewer=Viewer(model=member),
    )
