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


class JoinByRequestError(DomainError):
    """A private group is joined by a request its hosts approve, not at once."""

    code = "JOIN_BY_REQUEST"
    message = "这是私密小组，请提交入群申请，主理人同意后即可加入"


class NotPrivateGroupError(DomainError):
    code = "NOT_PRIVATE_GROUP"
    message = "这个小组无需申请，直接加入即可"


class AlreadyMemberError(DomainError):
    code = "ALREADY_MEMBER"
    message = "你已经是这个小组的成员了"


class RecentlyRemovedError(DomainError):
    """A member the hosts removed may ask again only after the hold (``private.REJOIN_HOLD``)."""

    code = "RECENTLY_REMOVED"
    message = "你被移出这个小组未满30天，暂时不能再次申请"


class RequestNotPendingError(DomainError):
    """The request was decided (or expired) already, differently from what was asked now."""

    code = "REQUEST_NOT_PENDING"
    message = "这条申请已处理或已过期"


class CannotRemoveHostError(DomainError):
    code = "CANNOT_REMOVE_HOST"
    message = "不能移除小组的主理人"
