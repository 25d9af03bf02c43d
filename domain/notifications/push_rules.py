"""Pure rules of WeChat pushes: quiet hours, the day a push counts against, the budget slot it
takes, the back-off between tries and the words a message carries. No I/O."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.clock import SHANGHAI
from domain.notifications.models import NotificationKind

QUIET_FROM = time(22, 0)  # Asia/Shanghai
QUIET_UNTIL = time(8, 0)
FIRST_RETRY = timedelta(minutes=5)
THING_CHARS = 20  # WeChat's limit for a template's ``thing`` value

HEADLINES: dict[NotificationKind, str] = {
    NotificationKind.COMMENT: "你的帖子有新评论",
    NotificationKind.REPLY: "有人回复了你的评论",
    NotificationKind.LIKE_MILESTONE: "你的帖子又收获了点赞",
    NotificationKind.POST_APPROVED: "你的帖子已通过审核",
    NotificationKind.POST_REJECTED: "你的帖子未通过审核",
    NotificationKind.POST_FEATURED: "你的帖子被设为精选",
    NotificationKind.POINTS_EXPIRING: "你有积分即将到期",
    NotificationKind.POINTS_ARRIVED: "你的购物积分已到账",
    NotificationKind.REDEMPTION_READY: "你兑换的礼品可以领取了",
    NotificationKind.PICKUP_REMINDER: "别忘了领取你兑换的礼品",
    NotificationKind.EVENT_REMINDER: "你报名的活动快开始了",
    NotificationKind.WAITLIST_PROMOTED: "你已从候补转为正式报名",
    NotificationKind.EVENT_CANCELLED: "你报名的活动已取消",
    NotificationKind.CAMPAIGN_VOTING_OPENED: "小区活动开始投票了",
    NotificationKind.CAMPAIGN_WON: "恭喜，你的作品获胜了",
    NotificationKind.REFERRAL_REWARDED: "邀请奖励已到账",
    NotificationKind.TIER_UP: "恭喜，你的会员等级提升了",
    NotificationKind.HOST_QUEUE_ITEM: "有新的内容等你处理",
    NotificationKind.DIGEST: "这周邻里有这些新鲜事",
    NotificationKind.GROUP_REQUEST_DECIDED: "私密小组的主理人回复了你",
    NotificationKind.PLAYBOOK_MESSAGE: "邻里给你送来一份心意",
}


def due_at(now: datetime, transactional: bool) -> datetime:
    """When a push may go: now, or for a non-transactional one in quiet hours (22:00–08:00
    Shanghai) the next 08:00."""
    local = now.astimezone(SHANGHAI)
    if transactional or QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now
    morning = datetime.combine(local.date(), QUIET_UNTIL, tzinfo=SHANGHAI)
    if local.time() >= QUIET_FROM:
        morning += timedelta(days=1)
    return morning.astimezone(now.tzinfo)


def budget_day(due: datetime) -> date:
    """The Shanghai calendar day whose budget a push due at ``due`` spends."""
    return due.astimezone(SHANGHAI).date()


def free_slot(taken: Collection[int], budget: int) -> int | None:
    """The lowest of the day's slots 1..budget not taken yet; None when the budget is spent."""
    return next((slot for slot in range(1, budget + 1) if slot not in taken), None)


def retry_after(attempts: int) -> timedelta:
    """Back-off after the ``attempts``-th failed try: 5 min, 20 min, 80 min…"""
    factor: int = 4 ** max(attempts - 1, 0)
    return FIRST_RETRY * factor


def template_data(
    kind: NotificationKind, params: dict[str, Any], at: datetime
) -> dict[str, dict[str, str]]:
    """The message's fields: ``thing1`` what happened (the subject's title when there is one),
    ``time2`` when (Shanghai). The templates chosen in the WeChat console carry these two."""
    title = params.get("title")
    headline = HEADLINES[kind]
    if isinstance(title, str) and title:
        headline = f"{headline}：{title}"
    if len(headline) > THING_CHARS:
        headline = headline[: THING_CHARS - 1] + "…"
    when = at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return {"thing1": {"value": headline}, "time2": {"value": when}}
