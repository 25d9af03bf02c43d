"""Programme settings outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class RulesChangedError(DomainError):
    """Another admin saved a version since this one was read: nothing was saved."""

    code = "RULES_CHANGED"
    message = "规则刚被其他管理员修改，请查看最新版本后再保存"


class PolicyVersionTakenError(DomainError):
    code = "VERSION_TAKEN"
    message = "这个版本号已经用过了，请换一个"
