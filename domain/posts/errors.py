"""UGC outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class InvalidTransitionError(DomainError):
    code = "INVALID_TRANSITION"
    message = "这条内容当前的状态不能执行该操作"


class AlreadyReportedError(DomainError):
    code = "ALREADY_REPORTED"
    message = "你已经举报过这条内容，我们会尽快处理"
