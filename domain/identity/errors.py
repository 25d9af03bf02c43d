"""Identity outcomes the clients switch on."""

from __future__ import annotations

from datetime import datetime

from domain.clock import SHANGHAI
from domain.errors import DomainError


class InvalidCredentialsError(DomainError):
    code = "INVALID_CREDENTIALS"
    message = "手机号或密码不正确"


class PhoneTakenError(DomainError):
    code = "PHONE_TAKEN"
    message = "该手机号已注册，请直接登录"


class InvalidInviteCodeError(DomainError):
    code = "INVALID_INVITE_CODE"
    message = "邀请码无效"


class SelfReferralError(DomainError):
    code = "SELF_REFERRAL"
    message = "不能使用自己的邀请码"


class InvalidTokenError(DomainError):
    code = "INVALID_TOKEN"
    message = "登录已失效，请重新登录"


class WechatCodeError(DomainError):
    code = "INVALID_WECHAT_CODE"
    message = "微信登录凭证无效或已过期，请重试"


class WechatUnavailableError(DomainError):
    code = "WECHAT_UNAVAILABLE"
    message = "微信服务暂时不可用，请稍后再试"


class EstateChangeDecidedError(DomainError):
    code = "INVALID_TRANSITION"
    message = "这条小区变更申请已经处理过了"


class AccountSuspendedError(DomainError):
    """A suspended member may read but change nothing until the suspension ends or is lifted."""

    code = "ACCOUNT_SUSPENDED"
    message = "账号已被暂停，暂时不能进行此操作"

    def __init__(self, until: datetime | None = None) -> None:
        shown = f"至 {until.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if until else ""
        super().__init__(f"账号已被暂停{shown}，期间只能浏览，不能发帖、评论、投票、兑换或报名")
        self.until = until


class RoleGrantPendingError(DomainError):
    """Not a failure of the request: granting ADMIN waits for a second admin."""

    code = "APPROVAL_REQUIRED"
    message = "授予管理员身份需要另一位管理员批准"

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id


class RoleGrantDecidedError(DomainError):
    code = "INVALID_TRANSITION"
    message = "这条授权申请已经处理过了"


class SecondAdminRequiredError(DomainError):
    code = "FORBIDDEN"
    message = "需要另一位管理员批准（申请人和被授权人不能批准）"


class EstateArchivedError(DomainError):
    """Archived estates keep their members and history but take no one new."""

    code = "ESTATE_ARCHIVED"
    message = "该小区已停用，不再接受新的入住"


class EstateNameTakenError(DomainError):
    code = "ESTATE_NAME_TAKEN"
    message = "已有同名小区"


class TagNameTakenError(DomainError):
    code = "TAG_NAME_TAKEN"
    message = "已有同名的兴趣标签"


class TagRetiredError(DomainError):
    code = "TAG_RETIRED"
    message = "这个兴趣标签已停用"


class TagMergedError(DomainError):
    code = "TAG_MERGED"
    message = "这个兴趣标签已合并到另一个标签，不能再修改或恢复"


class StillHostsGroupsError(DomainError):
    """HOST is taken away only from someone who hosts no group, so no group is left without a
    host who can run it: appoint the successors and remove them as host first."""

    code = "STILL_HOSTS_GROUPS"

    def __init__(self, group_names: list[str]) -> None:
        shown = "、".join(f"「{name}」" for name in group_names[:3])
        more = f"等 {len(group_names)} 个小组" if len(group_names) > 3 else ""
        super().__init__(
            f"这位成员仍是{shown}{more}的主理人，请先在小组页任命接替者并移除其主理人身份"
        )
        self.group_names = group_names


class EstateUnverifiedError(DomainError):
    """Estate-only votes and events are for verified residents (domain/identity/verification.py)."""

    code = "ESTATE_UNVERIFIED"
    message = (
        "完成小区认证后才能参与本小区的投票和活动："
        "在本小区自提点取一次货、请本小区主理人认证，或通过已认证邻居的邀请注册"
    )


class AlreadyVerifiedError(DomainError):
    code = "ALREADY_VERIFIED"
    message = "这位邻居已经通过小区认证"
