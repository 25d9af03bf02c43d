"""Outcomes of the programme's settings and of the first-run setup, with stable codes."""

from __future__ import annotations

from domain.errors import DomainError


class RulesChangedError(DomainError):
    """Another admin saved a version since this one was read: nothing was saved."""

    code = "RULES_CHANGED"
    message = "规则刚被其他管理员修改，请查看最新版本后再保存"


class PolicyVersionTakenError(DomainError):
    code = "VERSION_TAKEN"
    message = "这个版本号已经用过了，请换一个"


class SetupAlreadyDoneError(DomainError):
    """The programme has an admin: the first-run setup is closed for good."""

    code = "SETUP_ALREADY_DONE"
    message = "已经完成首次设置：请用管理员账号登录"


class InvalidSetupCodeError(DomainError):
    code = "INVALID_SETUP_CODE"
    message = "设置码不正确：请查看服务器启动时的输出，或运行 linli setup-code"


class VersionConflictError(DomainError):
    """Another admin saved a version at the same moment, again and again: nothing changed."""

    code = "VERSION_CONFLICT"
    message = "其他管理员刚刚保存了修改，请刷新后重试"
