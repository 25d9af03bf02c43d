"""Pure ledger rules: how each earn rule is recorded, the daily cap, streaks, oldest-first
spending. No I/O. The amounts, the cap and the expiry policy are versioned programme rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.points.errors import InsufficientPointsError
from domain.points.models import LedgerReason
from domain.programme.rules import ProgrammeRuleSet

REMINDER_DAYS = 10
APPROVAL_THRESHOLD = 1000


@dataclass(frozen=True)
class EarnRule:
    """How an earn rule is recorded; its amount, the daily cap and expiry come from the
    programme's rule version in force (``domain/programme/rules.py``)."""

    reason: LedgerReason
    description: str
    capped: bool = True  # counts against the daily contribution cap


RULES: dict[str, EarnRule] = {
    "post_published": EarnRule(LedgerReason.POST_PUBLISHED, "发布内容"),
    "recipe_published": EarnRule(LedgerReason.POST_PUBLISHED, "发布食谱"),
    "post_featured": EarnRule(LedgerReason.POST_FEATURED, "内容入选精选"),
    "vote_cast": EarnRule(LedgerReason.VOTE_CAST, "参与投票"),
    "check_in": EarnRule(LedgerReason.CHECK_IN, "每日签到"),
    "event_attended": EarnRule(LedgerReason.EVENT_ATTENDED, "参加线下活动"),
    "campaign_won": EarnRule(LedgerReason.CAMPAIGN_WON, "命名大赛获胜", capped=False),
    "referral": EarnRule(LedgerReason.REFERRAL, "邀请邻居", capped=False),
    # Points per whole yuan, given per purchase; pending for the version's after-sales window.
    "purchase": EarnRule(LedgerReason.PURCHASE, "商城购物", capped=False),
}


def rule_amount(rules: ProgrammeRuleSet, rule_name: str) -> int:
    """The points a fixed-amount rule gives under ``rules`` (the rule names are its fields)."""
    return int(getattr(rules, rule_name)) if rule_name != "purchase" else 0


def pending_days(rules: ProgrammeRuleSet, rule_name: str) -> int:
    return rules.purchase_pending_days if rule_name == "purchase" else 0


def capped_grant(earned_today: int, amount: int, cap: int) -> int:
    """How much of ``amount`` still fits under today's cap."""
    return max(0, min(amount, cap - earned_today))


def next_streak(last_day: date | None, last_streak: int, today: date) -> int:
    return last_streak + 1 if last_day == today - timedelta(days=1) else 1


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
