"""Facts of the points area, announced after commit (see domain.facts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.facts import Fact


@dataclass(frozen=True)
class PointsReleased(Fact):
    """A pending purchase lot became available (its after-sales window passed)."""

    member_id: int
    lot_id: int
    amount: int


@dataclass(frozen=True)
class PointsExpiring(Fact):
    """A reminder was recorded: ``amount`` points of the member expire at ``expires_at``."""

    member_id: int
    reminder_id: int
    amount: int
    expires_at: datetime


@dataclass(frozen=True)
class CheckedIn(Fact):
    """A daily check-in (签到), with the streak it made."""

    member_id: int
    streak: int
