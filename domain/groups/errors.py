"""Group outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class GroupNotOpenToEstateError(DomainError):
    code = "NOT_ELIGIBLE"
    message = "这个小组只对本小区的邻居开放"


class HostCannotLeaveError(DomainError):
    code = "HOST_CANNOT_LEAVE"
    message = "主理人不能退出自己的小组，请先联系运营转交"


class GroupArchivedError(DomainError):
    """The group is archived: readable, but it takes no joins, posts, comments, likes or events."""

    code = "GROUP_ARCHIVED"
    message = "这个小组已归档，只能浏览"


class SlugTakenError(DomainError):
    code = "SLUG_TAKEN"
    message = "这个网址名已被其他小组使用"


class GroupNameTakenError(DomainError):
    code = "GROUP_NAME_TAKEN"
    message = "已有同名的小组"


class LastHostError(DomainError):
    """A group always keeps at least one host: appoint the successor first."""

    code = "LAST_HOST"
    message = "小组至少要有一位主理人，请先任命接替的主理人"
