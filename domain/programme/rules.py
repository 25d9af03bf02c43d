"""The programme's earn rules as one versioned, validated value. Pure: no I/O.

A version is a ``ProgrammeRuleSet``; the built-in defaults are version 1 (the values the
programme started with), in force until an admin saves a change. Every award reads the version in
force at its time and names it on its ledger entry; a later version never changes an award made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.clock import SHANGHAI
from domain.errors import FieldError, InvalidInputError

BUILT_IN_VERSION = 1


@dataclass(frozen=True)
class ProgrammeRuleSet:
    """Every value an award, the daily cap, expiry and report hiding read, with its version."""

    version: int = BUILT_IN_VERSION
    post_published: int = 10
    recipe_published: int = 20
    post_featured: int = 50
    vote_cast: int = 1
    check_in: int = 2
    check_in_streak_bonus: int = 10
    check_in_streak_days: int = 7
    event_attended: int = 20
    campaign_won: int = 200
    referral: int = 100
    purchase_points_per_yuan: int = 1
    purchase_pending_days: int = 15
    daily_contribution_cap: int = 200
    expiry_years: int = 1
    reports_to_hide: int = 3

    def values(self) -> dict[str, int]:
        """The rule values without the version: what a version stores and an audit entry shows."""
        values = asdict(self)
        values.pop("version")
        return values

    def check_in_points(self, streak: int) -> int:
        """The daily amount, and the bonus on every ``check_in_streak_days``-th day in a row."""
        bonus = self.check_in_streak_bonus if streak % self.check_in_streak_days == 0 else 0
        return self.check_in + bonus

    def purchase_points(self, amount_cents: int) -> int:
        """Points per whole yuan spent."""
        return max(0, amount_cents // 100) * self.purchase_points_per_yuan

    def expiry_for(self, available_at: datetime) -> datetime:
        """The end of the ``expiry_years``-th calendar year after the year the points became
        available (Shanghai time): with 1, points of 2026 expire at the end of 2027."""
        year = available_at.astimezone(SHANGHAI).year + self.expiry_years
        return datetime.combine(date(year + 1, 1, 1), time(0, 0), SHANGHAI) - timedelta(
            microseconds=1
        )


DEFAULT_RULES = ProgrammeRuleSet()

# Field -> (lowest, highest, what it is in Chinese). The highest values keep a typo (an extra
# zero or two) from reaching members' balances; they are generous for real programmes.
LIMITS: dict[str, tuple[int, int, str]] = {
    "post_published": (0, 1000, "发布内容积分"),
    "recipe_published": (0, 1000, "发布食谱积分"),
    "post_featured": (0, 1000, "内容入选精选积分"),
    "vote_cast": (0, 100, "参与投票积分"),
    "check_in": (0, 100, "每日签到积分"),
    "check_in_streak_bonus": (0, 1000, "连续签到奖励"),
    "check_in_streak_days": (2, 365, "连续签到天数"),
    "event_attended": (0, 1000, "参加活动积分"),
    "campaign_won": (0, 10000, "大赛获胜积分"),
    "referral": (0, 10000, "邀请邻居积分"),
    "purchase_points_per_yuan": (0, 100, "每元购物积分"),
    "purchase_pending_days": (1, 90, "购物积分待到账天数"),
    "daily_contribution_cap": (1, 10000, "每日贡献积分上限"),
    "expiry_years": (1, 5, "积分有效年数"),
    "reports_to_hide": (1, 100, "隐藏内容所需举报人数"),
}
RULE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(ProgrammeRuleSet) if f.name != "version"
)
assert set(LIMITS) == set(RULE_FIELDS)


def field_name(name: str) -> str:
    """``daily_contribution_cap`` -> ``dailyContributionCap``: the name clients send."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def rule_errors(values: Mapping[str, Any]) -> list[FieldError]:
    """What is wrong with each value: unknown names, non-integers, values out of bounds."""
    errors = [FieldError(field_name(str(n)), "没有这项规则") for n in values if n not in LIMITS]
    for name, value in values.items():
        if name not in LIMITS:
            continue
        low, high, label = LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(FieldError(field_name(name), f"{label}须为整数"))
        elif not low <= value <= high:
            errors.append(FieldError(field_name(name), f"{label}须在 {low}–{high} 之间"))
    return errors


def next_rules(current: ProgrammeRuleSet, changes: Mapping[str, Any]) -> ProgrammeRuleSet:
    """The next version: ``current`` with ``changes`` (only the fields given; the rest stay)."""
    errors = rule_errors(changes)
    if errors:
        raise InvalidInputError(errors)
    following = replace(current, version=current.version + 1, **dict(changes))
    if following.values() == current.values():
        raise InvalidInputError.single("rules", "没有修改任何规则")
    return following


def rules_from_document(version: int, document: Mapping[str, Any]) -> ProgrammeRuleSet:
    """A stored version; a value a version predates is the built-in one."""
    known = {name: int(document[name]) for name in RULE_FIELDS if name in document}
    return replace(DEFAULT_RULES, version=version, **known)
