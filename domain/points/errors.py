"""Points outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class InsufficientPointsError(DomainError):
    code = "INSUFFICIENT_POINTS"

    def __init__(self, balance: int, cost: int) -> None:
        super().__init__(f"积分不足：需要 {cost} 积分，当前 {balance} 积分")
        self.balance = balance
        self.cost = cost


class AlreadyCheckedInError(DomainError):
    code = "ALREADY_CHECKED_IN"
    message = "今天已经签到过了，明天再来吧"


class IdempotencyMismatchError(DomainError):
    code = "IDEMPOTENCY_MISMATCH"
    message = "同一个请求编号被用于不同的操作"


class ApprovalRequiredError(DomainError):
    """Not a failure of the request: it waits for a second admin."""

    code = "APPROVAL_REQUIRED"
    message = "调整超过 1000 积分，需要另一位管理员批准"

    def __init__(self, request_id: int) -> None:
        super().__init__()
        self.request_id = request_id


class SameAdminError(DomainError):
    code = "FORBIDDEN"
    message = "需要另一位管理员批准"
