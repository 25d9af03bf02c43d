"""Group outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class GroupNotOpenToEstateError(DomainError):
    code = "NOT_ELIGIBLE"
    message = "这个小组只对本小区的邻居开放"


class HostCannotLeaveError(DomainError):
    code = "HOST_CANNOT_LEAVE"
    message = "主理人不能退出自己的小组，请先联系运营转交"
