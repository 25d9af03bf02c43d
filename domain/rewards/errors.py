"""Points-mall outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class RewardSoldOutError(DomainError):
    code = "SOLD_OUT"
    message = "这件好物已经兑完了"


class LimitReachedError(DomainError):
    code = "LIMIT_REACHED"
    message = "已达到每人兑换上限"


class NotCancellableError(DomainError):
    code = "NOT_CANCELLABLE"
    message = "该兑换已领取或已取消，不能再取消"


class AlreadyFulfilledError(DomainError):
    code = "ALREADY_FULFILLED"
    message = "该兑换码已核销，物品已发放"


class RedemptionCancelledError(DomainError):
    code = "REDEMPTION_CANCELLED"
    message = "该兑换已被会员取消，积分已退回，请勿发放"


class RewardRetiredError(DomainError):
    code = "REWARD_RETIRED"
    message = "这件好物已下架，不能再兑换"
