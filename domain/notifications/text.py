"""What a notification says and where it leads: one sentence in Chinese per kind, made from the
kind, its parameters and the actors, and the page of its subject. GraphQL and the portal both
show these, so a member reads the same words in the mini-program and on the web.

The parameters each kind reads (a missing one leaves its words out, never fails):
COMMENT/REPLY/LIKE_MILESTONE/POST_*: ``title``; LIKE_MILESTONE ``likes`` (the milestone);
POST_REJECTED ``note``; POINTS_*: ``amount``, POINTS_EXPIRING ``expiresAt`` (ISO 8601);
REDEMPTION_READY and PICKUP_REMINDER ``rewardName`` and ``pickupCode``; EVENT_REMINDER ``title``
and ``window`` ("24h", "2h"); WAITLIST_PROMOTED ``title`` and ``checkInCode``; EVENT_CANCELLED
``title`` and ``reason``; CAMPAIGN_*:
``title``; REFERRAL_REWARDED ``points``; TIER_UP ``to``; HOST_QUEUE_ITEM ``title``; DIGEST
``posts``, ``expiringPoints``, ``events``; PLAYBOOK_MESSAGE ``text`` and ``points``. The
listeners in ``triggers.py`` (and the tier playbooks) write them, and
``tests/domain/test_notification_triggers.py`` reads each kind's sentence from what they wrote."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.clock import SHANGHAI
from domain.notifications.models import NotificationKind as K

SOMEONE = "有人"
TIER_NAMES = {"KOC": "KOC 达人", "HIGH_VALUE": "高价值会员", "POTENTIAL": "潜力会员"}


@dataclass(frozen=True)
class Said:
    """The parts a sentence is made of."""

    params: Mapping[str, Any]
    actor_name: str | None
    actor_count: int

    def get(self, key: str) -> str:
        value = self.params.get(key)
        return "" if value is None else str(value)

    def title(self, key: str = "title", quote: str = "《》") -> str:
        value = self.get(key)
        return f"{quote[0]}{value}{quote[1]}" if value else ""

    def who(self, count: int | None = None) -> str:
        """ "小王", or "小王等13人" when 13 people acted."""
        name = self.actor_name or SOMEONE
        n = max(count or 0, self.actor_count)
        return f"{name}等{n}人" if n > 1 else name


def _day(iso: str) -> str:
    """A moment written in ISO 8601 as its Shanghai date ("12月14日"); "" when it is not one."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    local = moment.astimezone(SHANGHAI) if moment.tzinfo else moment
    return f"{local.month}月{local.day}日"


def _with(text: str, extra: str, sep: str = "：") -> str:
    return f"{text}{sep}{extra}" if extra else text


def _likes(s: Said) -> str:
    likes = s.params.get("likes")
    count = likes if isinstance(likes, int) else None
    return f"{s.who(count)}赞了你的{s.title() or '帖子'}"


def _redemption_ready(s: Said) -> str:
    text = f"你兑换的{s.title('rewardName', '「」') or '好物'}可以领取了"
    return _with(text, s.get("pickupCode") and f"取货码 {s.get('pickupCode')}", "，")


def _event_reminder(s: Said) -> str:
    hours = s.get("window").removesuffix("h")
    when = f"{hours}小时后" if hours.isdigit() else "即将"
    return f"活动{s.title('title', '「」')}{when}开始"


def _waitlist(s: Said) -> str:
    text = f"你已从候补转为正式报名{s.title('title', '「」')}"
    return _with(text, s.get("checkInCode") and f"签到码 {s.get('checkInCode')}", "，")


def _tier(s: Said) -> str:
    tier = s.get("to")
    return f"恭喜升级为{TIER_NAMES.get(tier, tier) or '新等级'}"


_GROUP_ANSWERS = {
    "APPROVED": "主理人同意了你加入{group}的申请",
    "DECLINED": "主理人婉拒了你加入{group}的申请",
    "INVITED": "主理人邀请你加入了{group}",
}


def _group_answer(s: Said) -> str:
    group = s.title("group", "「」") or "私密小组"
    return _GROUP_ANSWERS.get(str(s.get("decision")), "{group}的主理人回复了你").format(group=group)


def _digest(s: Said) -> str:
    parts = []
    posts = s.params.get("posts") or []
    if posts:
        parts.append(f"圈子里 {len(posts)} 篇热帖")
    expiring = s.params.get("expiringPoints") or 0
    if expiring:
        parts.append(f"{expiring} 积分即将过期")
    events = s.params.get("events") or []
    if events:
        parts.append(f"{len(events)} 场活动即将开始")
    return _with("好久不见，本周邻里", "、".join(parts) or "有新鲜事")


def _playbook(s: Said) -> str:
    points = s.get("points")
    bonus = f"{points} 积分已到账" if points not in ("", "0") else ""
    return _with(s.get("text") or "邻里想你了", bonus, "，")


_SENTENCES: dict[K, Callable[[Said], str]] = {
    K.COMMENT: lambda s: f"{s.who()}评论了你的{s.title() or '帖子'}",
    K.REPLY: lambda s: f"{s.who()}在{s.title() or '帖子'}中回复了你",
    K.LIKE_MILESTONE: _likes,
    K.POST_APPROVED: lambda s: f"你的{s.title() or '帖子'}已通过审核",
    K.POST_REJECTED: lambda s: _with(f"你的{s.title() or '帖子'}未通过审核", s.get("note")),
    K.POST_FEATURED: lambda s: f"你的{s.title() or '帖子'}被设为精选",
    K.POINTS_EXPIRING: lambda s: f"你有 {s.get('amount')} 积分将于 {_day(s.get('expiresAt'))} 过期",
    K.POINTS_ARRIVED: lambda s: f"{s.get('amount')} 积分已到账",
    K.REDEMPTION_READY: _redemption_ready,
    K.PICKUP_REMINDER: lambda s: _with(
        f"别忘了领取{s.title('rewardName', '「」') or '你兑换的好物'}",
        s.get("pickupCode") and f"取货码 {s.get('pickupCode')}",
        "，",
    ),
    K.EVENT_REMINDER: _event_reminder,
    K.WAITLIST_PROMOTED: _waitlist,
    K.EVENT_CANCELLED: lambda s: _with(f"活动{s.title('title', '「」')}已取消", s.get("reason")),
    K.CAMPAIGN_VOTING_OPENED: lambda s: f"{s.title('title', '「」') or '新活动'}开始投票了",
    K.CAMPAIGN_WON: lambda s: f"恭喜！你在{s.title('title', '「」') or '活动'}中获胜",
    K.REFERRAL_REWARDED: lambda s: _with(
        f"你邀请的{s.actor_name or '邻居'}完成了首单",
        s.get("points") and f"你获得 {s.get('points')} 积分",
        "，",
    ),
    K.TIER_UP: _tier,
    K.HOST_QUEUE_ITEM: lambda s: _with(f"{s.who()}提交了新内容待审核", s.title()),
    K.DIGEST: _digest,
    K.GROUP_REQUEST_DECIDED: _group_answer,
    K.PLAYBOOK_MESSAGE: _playbook,
}


def sentence(
    kind: K, params: Mapping[str, Any], actor_name: str | None, actor_count: int = 1
) -> str:
    """The notification as a member reads it, e.g. "小王等13人赞了你的《番茄炒蛋》"."""
    return _SENTENCES[kind](Said(params, actor_name, actor_count))


@dataclass(frozen=True)
class Link:
    """A portal page: its route name, path parameters and path."""

    route: str
    path: str
    params: Mapping[str, int]


_SUBJECT_ROUTES = {
    "Post": ("post", "/posts/{id}", "post_id"),
    "Event": ("event", "/events/{id}", "event_id"),
    "Campaign": ("campaign", "/campaigns/{id}", "campaign_id"),
}
_KIND_PAGES = {
    K.HOST_QUEUE_ITEM: ("moderation", "/moderation"),
    K.POINTS_EXPIRING: ("points", "/points"),
    K.POINTS_ARRIVED: ("points", "/points"),
    K.REDEMPTION_READY: ("redemptions", "/redemptions"),
    K.PICKUP_REMINDER: ("redemptions", "/redemptions"),
    K.REFERRAL_REWARDED: ("invite", "/invite"),
    K.TIER_UP: ("my_standing", "/points/standing"),
    K.DIGEST: ("home", "/"),
    K.GROUP_REQUEST_DECIDED: ("groups", "/groups"),
    K.PLAYBOOK_MESSAGE: ("points", "/points"),
}


def link(kind: K, subject_type: str | None, subject_id: int | None) -> Link:
    """Where the notification leads: its subject's page (a post, an event, a campaign), else the
    page the kind is about (the moderation queue, my points), else the notifications page."""
    page = _KIND_PAGES.get(kind)
    if page is not None:
        return Link(page[0], page[1], {})
    route = _SUBJECT_ROUTES.get(subject_type or "")
    if route is not None and subject_id is not None:
        name, path, param = route
        return Link(name, path.format(id=subject_id), {param: subject_id})
    return Link("notifications", "/notifications", {})
