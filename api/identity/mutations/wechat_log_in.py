"""wechatLogin: exchange a wx.login code; the first login creates the member."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.errors import (
    InvalidInput,
    InvalidInviteCode,
    RateLimited,
    SelfReferral,
    WechatLoginFailed,
    as_user_error,
)
from api.identity.auth import auth_success
from api.identity.types import AuthSuccess
from domain.errors import DomainError
from domain.identity import services


@strawberry.input(description="The code from `wx.login()` and an optional invite code.")
class WechatLoginInput:
    code: str = strawberry.field(description="The wx.login code; valid once, for 5 minutes.")
    invite_code: str | None = strawberry.field(default=None, description="A neighbour's code.")


WechatLoginResult = Annotated[
    AuthSuccess | InvalidInput | InvalidInviteCode | SelfReferral | WechatLoginFailed | RateLimited,
    strawberry.union("WechatLoginResult", description="The outcome of `wechatLogin`."),
]


async def wechat_log_in(info: Info[Context, Any], input: WechatLoginInput) -> WechatLoginResult:
    try:
        member, is_new = await services.wechat_log_in(
            info.context.collaborators, input.code, input.invite_code, info.context.client_ip
        )
    except DomainError as error:
        return as_user_error(error, WechatLoginResult)
    return await auth_success(info.context, member, is_new_member=is_new)
