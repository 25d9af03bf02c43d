"""Outcomes of the segments area that callers must handle."""

from __future__ import annotations

from domain.rewards.errors import LimitReachedError


class NpsAlreadyAnsweredError(LimitReachedError):
    message = "本季度已经回答过啦，下个季度再来"
