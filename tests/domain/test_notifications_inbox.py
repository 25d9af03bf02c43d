"""A member's inbox: pages newest first with the actor's name in one statement, the unread
count, marking read (only one's own), the choices per kind, and the live channel's follower."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.notifications import inbox, live, queries
from domain.notifications.models import Notification, NotificationKind, NotificationPreference
from domain.notifications.services import Notice, Subject, notify
from tests.factories import make_member
from tests.sqlcount import count_sql

K = NotificationKind


async def told(c: Collaborators, member_id: int, n: int, actor_id: int | None = None) -> None:
    for i in range(n):
        notice = Notice(
            K.COMMENT, subject=Subject("Post", i + 1), actor_id=actor_id, params={"title": f"帖{i}"}
        )
        await notify(c, [member_id], notice)


async def test_pages_come_newest_first_with_the_actors_name_in_one_statement(
    collaborators: Collaborators,
) -> None:
    me, xiaowang = await make_member(), await make_member(display_name="小王")
    await told(collaborators, me.id, 5, actor_id=xiaowang.id)
    with count_sql() as statements:
        first = await queries.inbox_page(me.id, None, 2)
    assert len(statements) == 1
    assert [item.params["title"] for item in first] == ["帖4", "帖3", "帖2"]  # first + 1
    assert first[0].actor_name == "小王" and first[0].text == "小王评论了你的《帖4》"
    assert first[0].link.path == "/posts/5"
    rest = await queries.inbox_page(me.id, first[1].id, 10)
    assert [item.params["title"] for item in rest] == ["帖2", "帖1", "帖0"]


async def test_the_unread_count_and_unread_only_pages_drop_what_was_read(
    collaborators: Collaborators,
) -> None:
    me = await make_member()
    await told(collaborators, me.id, 3)
    oldest = (await queries.inbox_page(me.id, None, 10))[-1]
    assert await inbox.mark_read(collaborators, me.id, ids=[oldest.id]) == 1
    assert await queries.unread_count(me.id) == 2
    unread = await queries.inbox_page(me.id, None, 10, unread_only=True)
    assert oldest.id not in [item.id for item in unread] and len(unread) == 2
    assert await inbox.mark_read(collaborators, me.id, everything=True) == 2
    assert await queries.unread_count(me.id) == 0
    assert await Notification.filter(read_at=collaborators.clock.now()).count() == 3


async def test_another_members_notifications_are_silently_left_unread(
    collaborators: Collaborators,
) -> None:
    me, other = await make_member(), await make_member()
    await told(collaborators, other.id, 1)
    theirs = await Notification.get(recipient_id=other.id)
    assert await inbox.mark_read(collaborators, me.id, ids=[theirs.id, 999999]) == 0
    assert (await Notification.get(id=theirs.id)).read_at is None


@pytest.mark.parametrize(
    ("ids", "everything"), [(None, False), ([1], True), (list(range(1, 102)), False)]
)
async def test_marking_needs_either_ids_or_all_and_at_most_a_hundred_ids(
    collaborators: Collaborators, ids: list[int] | None, everything: bool
) -> None:
    me = await make_member()
    await told(collaborators, me.id, 1)
    with pytest.raises(InvalidInputError):
        await inbox.mark_read(collaborators, me.id, ids=ids, everything=everything)
    assert await queries.unread_count(me.id) == 1


async def test_every_kind_has_a_choice_both_channels_on_until_changed(
    collaborators: Collaborators,
) -> None:
    me = await make_member()
    before = await queries.preferences(me.id)
    assert [p.kind for p in before] == list(K)
    assert all(p.in_app and p.wechat for p in before)
    changes = [
        inbox.PreferenceChange("COMMENT", in_app=True, wechat=False),
        inbox.PreferenceChange("DIGEST", in_app=False, wechat=False),
    ]
    await inbox.update_preferences(collaborators, me.id, changes)
    after = {p.kind: p for p in await inbox.update_preferences(collaborators, me.id, changes)}
    assert (after[K.COMMENT].in_app, after[K.COMMENT].wechat) == (True, False)
    assert (after[K.DIGEST].in_app, after[K.DIGEST].wechat) == (False, False)
    assert after[K.REPLY].wechat
    assert await NotificationPreference.filter(member_id=me.id).count() == 2


async def test_an_unknown_or_repeated_kind_saves_nothing(collaborators: Collaborators) -> None:
    me = await make_member()
    changes = [
        inbox.PreferenceChange("COMMENT", in_app=False, wechat=False),
        inbox.PreferenceChange("NO_SUCH_KIND", in_app=False, wechat=False),
        inbox.PreferenceChange("COMMENT", in_app=True, wechat=False),
    ]
    with pytest.raises(InvalidInputError) as refused:
        await inbox.update_preferences(collaborators, me.id, changes)
    fields = [e.field for e in refused.value.field_errors]
    assert fields == ["preferences.1.kind", "preferences.2.kind"]
    assert await NotificationPreference.all().count() == 0


async def test_a_follower_hears_once_at_once_and_once_for_a_burst_of_pings(
    redis: Redis,
) -> None:
    follower = live.follow(redis, 42, min_interval=0.3)
    await asyncio.wait_for(anext(follower), 2)  # followed: read the state now
    await live.ping(redis, [42, 42, 42])
    await asyncio.wait_for(anext(follower), 2)
    await live.ping(redis, [42])
    await live.ping(redis, [42])
    await asyncio.wait_for(anext(follower), 2)
    # The burst was one yield: nothing more waits.
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(follower), 1.5)
    await follower.aclose()
