"""Field permissions. Refusals are top-level errors with ``extensions.code`` and change nothing."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from api.context import Context
from api.errors import Forbidden, Unauthenticated
from domain.identity.models import Member, Role


def signed_in(info: Info[Context, Any]) -> Member:
    member = info.context.member
    if member is None:
        raise Unauthenticated("请先登录")
    return member


class IsAuthenticated(BasePermission):
    message = "请先登录"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return info.context.member is not None


def require_role(info: Info[Context, Any], *roles: Role) -> Member:
    member = signed_in(info)
    if not any(member.has_role(role) for role in roles):
        raise Forbidden("没有权限")
    return member
