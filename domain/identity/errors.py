"""Identity outcomes the clients switch on."""

from __future__ import annotations

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


class TagNameTakenError(DomainError):
    code = "TAG_NAME_TAKEN"
    message = "已有同名的兴趣标签"


class TagRetiredError(DomainError):
    code = "TAG_RETIRED"
    message = "这个兴趣标签已停用"


class TagMergedError(DomainError):
    code = "TAG_MERGED"
    message = "这个兴趣标签已合并到另一个标签，不能再修改或恢复"
