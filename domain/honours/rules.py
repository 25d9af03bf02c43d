"""Pure honour rules: the badge catalogue, the trust-level thresholds, the level a member's
facts reach and what the next level needs. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BadgeKind:
    code: str
    name: str  # Chinese, as members see it
    description: str
    manual: bool = False  # granted and revoked by staff, never by a rule


FIRST_RECIPE = "FIRST_RECIPE"
FEATURED_10 = "FEATURED_10"
STREAK_7 = "STREAK_7"
CAMPAIGN_WINNER = "CAMPAIGN_WINNER"
EVENT_REGULAR = "EVENT_REGULAR"
REFERRAL_STAR = "REFERRAL_STAR"
KOC_QUARTER = "KOC_QUARTER"
NEIGHBOUR_HERO = "NEIGHBOUR_HERO"

FEATURED_POSTS_NEEDED = 10
STREAK_DAYS_NEEDED = 7
EVENTS_ATTENDED_NEEDED = 5
REFERRALS_REWARDED_NEEDED = 5

CATALOGUE: dict[str, BadgeKind] = {
    kind.code: kind
    for kind in (
        BadgeKind(FIRST_RECIPE, "初试厨艺", "发布了第一篇菜谱"),
        BadgeKind(FEATURED_10, "精选达人", f"{FEATURED_POSTS_NEEDED} 篇帖子被设为内容精选"),
        BadgeKind(STREAK_7, "坚持签到", f"连续 {STREAK_DAYS_NEEDED} 天签到"),
        BadgeKind(CAMPAIGN_WINNER, "征集冠军", "提案在社区征集中胜出"),
        BadgeKind(EVENT_REGULAR, "活动常客", f"参加了 {EVENTS_ATTENDED_NEEDED} 场活动"),
        BadgeKind(REFERRAL_STAR, "推荐之星", f"{REFERRALS_REWARDED_NEEDED} 位邀请的邻居完成首购"),
        BadgeKind(KOC_QUARTER, "季度 KOC", "成为本季度的关键意见消费者"),
        BadgeKind(NEIGHBOUR_HERO, "热心邻居", "由运营授予，表彰对社区的特别贡献", manual=True),
    )
}
RULE_CODES = tuple(code for code, kind in CATALOGUE.items() if not kind.manual)
MANUAL_CODES = tuple(code for code, kind in CATALOGUE.items() if kind.manual)


def badge_name(code: str | None) -> str | None:
    """The Chinese name of a catalogue code; None for none or a code no longer in it."""
    kind = CATALOGUE.get(code or "")
    return kind.name if kind else None


_SHANGHAI = ZoneInfo("Asia/Shanghai")


def quarter_label(now: datetime) -> str:
    """ "2026年第4季度", by the Shanghai calendar."""
    local = now.astimezone(_SHANGHAI)
    return f"{local.year}年第{(local.month - 1) // 3 + 1}季度"


# Trust levels (Discourse's, reduced to four). Each level names its own requirements; a member
# is at the highest level whose requirements they meet.
NEW_ACCOUNT_AGE = timedelta(hours=72)  # below it: level 0, the new-account posting limits
TL2_PUBLISHED_POSTS = 3  # level 2 publishes without pre-moderation
TL2_MAX_UPHELD_REPORTS = 0
TL3_TENURE = timedelta(days=60)
TL3_PUBLISHED_POSTS = 20
TL3_LIKES_RECEIVED = 50
TL3_MAX_UPHELD_REPORTS = 0
LEVEL_NAMES = {0: "新邻居", 1: "邻居", 2: "熟邻", 3: "老街坊"}
# A report's weight towards the programme's reports-to-hide threshold, by the reporter's level.
REPORT_WEIGHT = {0: 1, 1: 1, 2: 1, 3: 2}
POSTING_FREELY_FROM = 2  # the level from which posts publish at once
REGULAR_LIMITS_FROM = 1  # the level from which the regular posting limits apply


@dataclass(frozen=True)
class TrustFacts:
    tenure: timedelta
    published_posts: int
    upheld_reports: int  # the member's posts hidden on neighbours' reports
    likes_received: int


@dataclass(frozen=True)
class Need:
    """One requirement of a level not met yet: what it is, the target and where the member is."""

    what: str
    target: int
    current: int
    at_most: bool = False  # a ceiling (reports upheld), not a floor

    @property
    def met(self) -> bool:
        return self.current <= self.target if self.at_most else self.current >= self.target


def _meets(level: int, facts: TrustFacts) -> bool:
    if level == 1:
        return facts.tenure >= NEW_ACCOUNT_AGE
    if level == 2:
        return (
            facts.published_posts >= TL2_PUBLISHED_POSTS
            and facts.upheld_reports <= TL2_MAX_UPHELD_REPORTS
        )
    return (
        facts.tenure >= TL3_TENURE
        and facts.published_posts >= TL3_PUBLISHED_POSTS
        and facts.likes_received >= TL3_LIKES_RECEIVED
        and facts.upheld_reports <= TL3_MAX_UPHELD_REPORTS
    )


def trust_level(facts: TrustFacts) -> int:
    """0–3: the highest level whose requirements ``facts`` meet (0 needs nothing)."""
    return next((level for level in (3, 2, 1) if _meets(level, facts)), 0)


def next_level_needs(facts: TrustFacts) -> list[Need]:
    """What the level above the member's still needs; empty at level 3."""
    level = trust_level(facts)
    if level == 3:
        return []
    days = facts.tenure.days
    hours = int(facts.tenure.total_seconds() // 3600)
    wanted = {
        1: [Need("注册时长（小时）", int(NEW_ACCOUNT_AGE.total_seconds() // 3600), hours)],
        2: [
            Need("已发布帖子", TL2_PUBLISHED_POSTS, facts.published_posts),
            Need("被举报属实", TL2_MAX_UPHELD_REPORTS, facts.upheld_reports, at_most=True),
        ],
        3: [
            Need("注册时长（天）", TL3_TENURE.days, days),
            Need("已发布帖子", TL3_PUBLISHED_POSTS, facts.published_posts),
            Need("收到的赞", TL3_LIKES_RECEIVED, facts.likes_received),
            Need("被举报属实", TL3_MAX_UPHELD_REPORTS, facts.upheld_reports, at_most=True),
        ],
    }[level + 1]
    return [need for need in wanted if not need.met]
