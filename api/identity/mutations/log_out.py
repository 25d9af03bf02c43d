"""logout: revoke the bearer token and its refresh token."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import InvalidToken
from api.identity.types import LogoutSuccess
from domain.identity import services
from domain.identity.errors import InvalidTokenError

LogoutResult = Annotated[
    LogoutSuccess | InvalidToken,
    strawberry.union("LogoutResult", description="The outcome of `logout`."),
]


async def log_out(info: Info[Context, Any]) -> LogoutResult:
    token = info.context.token
    if token is None:
        error = InvalidTokenError()
        return InvalidToken(code=error.code, message=error.message)
    await services.log_out(info.context.collaborators, token)
    return LogoutSuccess(ok=True)
