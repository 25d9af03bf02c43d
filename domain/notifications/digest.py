"""The weekly digest: members away for 7 days or more get one DIGEST item a week with what they
missed: the best posts of their groups this week, points about to expire, events coming up in
their groups and estate. The due jobs run it every hour; the ISO week in the group key makes it
once per member and week whatever the number of runs. A member with nothing to hear of is not
told anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.columns import column
from domain.events.models import Event
from domain.groups.models import GroupMembership
from domain.identity.models import Member
from domain.notifications.models import Notification, NotificationKind
from domain.notifications.services import Notice, notify
from domain.points.queries import points_summary
from domain.posts.models import Post, PostStatus

AWAY = timedelta(days=7)
WEEK = timedelta(days=7)
EXPIRY_HORIZON = timedelta(days=10)
BEST_POSTS = 3
EVENTS_SHOWN = 3


def week_key(now: datetime) -> str:
    year, week, _ = now.astimezone(SHANGHAI).isocalendar()
    return f"digest:{year}-W{week:02d}"


@dataclass(frozen=True)
class Away:
    id: int
    estate_id: int | None


async def send_digests(c: Collaborators, now: datetime) -> int:
    """One digest per member away 7+ days who has none this week; returns how many were told."""
    key = week_key(now)
    told = 0
    for member in await _away_without_digest(now, key):
        params = await digest_of(member, now)
        if params is None:
            continue
        notice = Notice(NotificationKind.DIGEST, params=params, group_key=key)
        told += len(await notify(c, [member.id], notice))
    return told


async def _away_without_digest(now: datetime, key: str) -> list[Away]:
    rows = await Member.filter(last_seen_at__lte=now - AWAY).values("id", "estate_id")
    done = set(await column(Notification.filter(group_key=key), "recipient_id"))
    return [Away(r["id"], r["estate_id"]) for r in rows if r["id"] not in done]


async def digest_of(member: Away, now: datetime) -> dict[str, Any] | None:
    """The digest's parameters, or None when there is nothing to tell."""
    group_ids = await column(GroupMembership.filter(member_id=member.id), "group_id")
    params: dict[str, Any] = {
        "posts": await _best_posts(group_ids, now),
        "expiringPoints": await _expiring_points(member.id, now),
        "events": await _upcoming_events(group_ids, member.estate_id, now),
    }
    if not (params["posts"] or params["expiringPoints"] or params["events"]):
        return None
    return params


async def _best_posts(group_ids: list[int], now: datetime) -> list[dict[str, Any]]:
    """The most liked of the week's published posts in the member's groups (published posts are
    readable to every member)."""
    if not group_ids:
        return []
    rows = (
        await Post.filter(
            group_id__in=group_ids,
            status=PostStatus.PUBLISHED,
            published_at__gt=now - WEEK,
            published_at__lte=now,
        )
        .order_by("-like_count", "-id")
        .limit(BEST_POSTS)
        .values("id", "title", "like_count")
    )
    return [{"id": r["id"], "title": r["title"], "likes": r["like_count"]} for r in rows]


async def _expiring_points(member_id: int, now: datetime) -> int:
    expiry = (await points_summary(member_id)).next_expiry
    if expiry is None or expiry.expires_at > now + EXPIRY_HORIZON:
        return 0
    return expiry.amount


async def _upcoming_events(
    group_ids: list[int], estate_id: int | None, now: datetime
) -> list[dict[str, Any]]:
    """The next events of the coming week in the member's groups or their estate's groups."""
    if not group_ids and estate_id is None:
        return []
    where = Q(group_id__in=group_ids or [0])
    if estate_id is not None:
        where |= Q(group__estate_id=estate_id)
    rows = (
        await Event.filter(where, cancelled_at__isnull=True, starts_at__gt=now)
        .filter(starts_at__lte=now + WEEK)
        .order_by("starts_at", "id")
        .limit(EVENTS_SHOWN)
        .values("id", "title", "starts_at")
    )
    return [
        {"id": r["id"], "title": r["title"], "startsAt": r["starts_at"].isoformat()} for r in rows
    ]
