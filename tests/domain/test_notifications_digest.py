"""The weekly digest: members away 7+ days hear once a week of their groups' best posts, points
about to expire and upcoming events; active members and those with nothing to hear of do not."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.groups.models import GroupMembership
from domain.identity.models import Member
from domain.jobs import run_due_jobs
from domain.notifications.digest import send_digests, week_key
from domain.notifications.models import Notification, NotificationKind
from domain.points.models import PointsLot
from domain.posts.models import Post, PostKind, PostStatus
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.domain.points_helpers import fund
from tests.factories import make_member


async def away(c: Collaborators, days: int = 8) -> Member:
    member = await make_member()
    await Member.filter(id=member.id).update(last_seen_at=c.clock.now() - timedelta(days=days))
    return member


async def post(c: Collaborators, group_id: int, title: str, likes: int, age_days: int = 1) -> Post:
    author = await make_member()
    published = c.clock.now() - timedelta(days=age_days)
    return await Post.create(
        author=author, group_id=group_id, kind=PostKind.STORY, title=title, body="正文",
        body_html="<p>正文</p>", excerpt="正文", status=PostStatus.PUBLISHED, like_count=likes,
        created_at=published, published_at=published,
    )  # fmt: skip


async def test_a_member_away_hears_of_the_weeks_best_posts_expiring_points_and_events(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    member = await away(c)
    group = await make_group(await make_host())
    await GroupMembership.create(group=group, member=member, joined_at=c.clock.now())
    for title, likes in [("一", 5), ("二", 50), ("三", 1), ("四", 20)]:
        await post(c, group.id, title, likes)
    await post(c, group.id, "上个月的", 999, age_days=30)
    await fund(c, member, 80)
    await PointsLot.filter(member_id=member.id).update(expires_at=c.clock.now() + timedelta(days=5))
    event = await make_event(c, group, starts_in=timedelta(days=2))
    await make_event(c, group, starts_in=timedelta(days=20), title="太远的")

    assert await send_digests(c, c.clock.now()) == 1
    (digest,) = await Notification.filter(recipient_id=member.id, kind=NotificationKind.DIGEST)
    assert [p["title"] for p in digest.params["posts"]] == ["二", "四", "一"]
    assert digest.params["expiringPoints"] == 80
    assert [e["id"] for e in digest.params["events"]] == [event.id]
    assert digest.group_key == week_key(c.clock.now())


async def test_once_a_week_however_often_the_jobs_run_and_again_the_next_week(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    member = await away(collaborators)
    group = await make_group(await make_host())
    await GroupMembership.create(group=group, member=member, joined_at=clock.now())
    await post(collaborators, group.id, "热帖", 9)
    assert (await run_due_jobs(collaborators))["digests"] == 1
    await Notification.filter(recipient_id=member.id).update(read_at=clock.now())
    clock.advance(hours=1)
    assert (await run_due_jobs(collaborators))["digests"] == 0
    assert await Notification.filter(recipient_id=member.id).count() == 1
    clock.advance(days=7)
    await post(collaborators, group.id, "新热帖", 3)
    assert await send_digests(collaborators, clock.now()) == 1
    rows = await Notification.filter(recipient_id=member.id).order_by("id")
    assert [(r.actor_count, r.params["posts"][0]["title"]) for r in rows] == [
        (1, "热帖"),
        (1, "新热帖"),
    ]


async def test_active_members_and_members_with_nothing_to_hear_of_get_no_digest(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    recent, quiet = await away(c, days=3), await away(c, days=30)
    group = await make_group(await make_host())
    await GroupMembership.create(group=group, member=recent, joined_at=c.clock.now())
    await post(c, group.id, "热帖", 9)
    assert await send_digests(c, c.clock.now()) == 0
    assert await Notification.filter(recipient_id__in=[recent.id, quiet.id]).count() == 0
