"""Outcomes of the segments area that callers must handle."""

from __future__ import annotations

from domain.errors import DomainError
from domain.rewards.errors import LimitReachedError


class NpsAlreadyAnsweredError(LimitReachedError):
    message = "本季度已经回答过啦，下个季度再来"


class RecomputeRunningError(DomainError):
    """Another tier recompute (the nightly job, the command or an admin's button) is running:
    a second one would score the same members twice over and record two runs."""

    code = "RECOMPUTE_RUNNING"
    message = "会员分层正在计算中，请稍后刷新查看结果"
