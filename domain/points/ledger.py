"""Pure ledger rules: earn rules, the daily cap, expiry dates, oldest-first spending. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.clock import SHANGHAI
from domain.points.errors import InsufficientPointsError
from domain.points.models import LedgerReason

DAILY_CONTRIBUTION_CAP = 200
PENDING_DAYS = 15
REMINDER_DAYS = 10
APPROVAL_THRESHOLD = 1000


@dataclass(frozen=True)
class EarnRule:
    amount: int
    reason: LedgerReason
    description: str
    capped: bool = True  # counts against the daily contribution cap
    pending_days: int = 0


RULES: dict[str, EarnRule] = {
    "post_published": EarnRule(10, LedgerReason.POST_PUBLISHED, "发布内容"),
    "recipe_published": EarnRule(20, LedgerReason.POST_PUBLISHED, "发布食谱"),
    "post_featured": EarnRule(50, LedgerReason.POST_FEATURED, "内容入选精选"),
    "vote_cast": EarnRule(1, LedgerReason.VOTE_CAST, "参与投票"),
    "check_in": EarnRule(2, LedgerReason.CHECK_IN, "每日签到"),
    "event_attended": EarnRule(20, LedgerReason.EVENT_ATTENDED, "参加线下活动"),
    "campaign_won": EarnRule(200, LedgerReason.CAMPAIGN_WON, "命名大赛获胜", capped=False),
    "referral": EarnRule(100, LedgerReason.REFERRAL, "邀请邻居", capped=False),
    # +1 per whole yuan; the amount is given per purchase.
    "purchase": EarnRule(
        0, LedgerReason.PURCHASE, "商城购物", capped=False, pending_days=PENDING_DAYS
    ),
}


def capped_grant(earned_today: int, amount: int, cap: int = DAILY_CONTRIBUTION_CAP) -> int:
    """How much of ``amount`` still fits under today's cap."""
    return max(0, min(amount, cap - earned_today))


def check_in_points(streak: int) -> int:
    """+2 a day, +10 more on every 7th consecutive day."""
    return 2 + (10 if streak % 7 == 0 else 0)


def next_streak(last_day: date | None, last_streak: int, today: date) -> int:
    return last_streak + 1 if last_day == today - timedelta(days=1) else 1


def expiry_for(available_at: datetime) -> datetime:
    """End of the calendar year after the year the points became available (Shanghai time)."""
    year = available_at.astimezone(SHANGHAI).year + 1
    return datetime.combine(date(year + 1, 1, 1), time(0, 0), SHANGHAI) - timedelta(microseconds=1)


def plan_draws(lots: list[tuple[int, int]], cost: int) -> list[tuple[int, int]]:
    """Take ``cost`` from ``(lot_id, remaining)`` pairs already in spending order."""
    draws: list[tuple[int, int]] = []
    left = cost
    for lot_id, remaining in lots:
        if left == 0:
            break
        take = min(remaining, left)
        if take > 0:
            draws.append((lot_id, take))
            left -= take
    if left:
        raise InsufficientPointsError(balance=cost - left, cost=cost)
    return draws


def debit(balance: int, cost: int) -> int:
    """The balance after spending ``cost``; refuses to go negative."""
    if cost > balance:
        raise InsufficientPointsError(balance=balance, cost=cost)
    return balance - cost
