"""Campaign outcomes the clients switch on."""

from __future__ import annotations

from domain.errors import DomainError


class AlreadyVotedError(DomainError):
    code = "ALREADY_VOTED"
    message = "你已经给这个作品投过票了"


class NoVotesLeftError(DomainError):
    code = "NO_VOTES_LEFT"
    message = "你在这个活动里的票已经用完了"


class NotEligibleError(DomainError):
    code = "NOT_ELIGIBLE"
    message = "暂不能参与这个活动的投票"


class CampaignNotOpenError(DomainError):
    code = "CAMPAIGN_NOT_OPEN"
    message = "活动当前不在征集或投票时间内"


class InvalidEntryTransitionError(DomainError):
    code = "INVALID_TRANSITION"
    message = "这个作品的状态不允许此操作"


class VotingAlreadyOpenError(DomainError):
    code = "VOTING_ALREADY_OPEN"
    message = "投票已经开始或活动已结束，不能再提前开启"
