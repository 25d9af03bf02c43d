"""The notification service: one row per recipient, never the actor, muted kinds skipped,
unread rows folded by their group key (also when folds race on PostgreSQL), fan-out in batches,
and the first listener (a comment on my post) fed by a fact after commit only."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from domain.aftercommit import atomic
from domain.collaborators import Collaborators
from domain.facts import announce
from domain.identity.models import Member, Role
from domain.notifications import services
from domain.notifications.models import Notification, NotificationKind, NotificationPreference
from domain.notifications.services import Notice, Subject, notify
from domain.posts import services as posts
from domain.posts.facts import CommentAdded
from tests.domain.test_posts import story, veteran
from tests.factories import make_member

LIKES = Notice(
    NotificationKind.LIKE_MILESTONE,
    subject=Subject("Post", 1),
    params={"likes": 10},
    group_key="likes:post:1",
)


async def test_everyone_but_the_actor_is_told_once_and_muted_members_not_at_all(
    collaborators: Collaborators,
) -> None:
    actor, a, b, muted = [await make_member() for _ in range(4)]
    await NotificationPreference.create(
        member_id=muted.id, kind=NotificationKind.CAMPAIGN_VOTING_OPENED, in_app=False
    )
    notice = Notice(
        NotificationKind.CAMPAIGN_VOTING_OPENED, subject=Subject("Campaign", 7), actor_id=actor.id
    )
    told = await notify(collaborators, [actor.id, a.id, b.id, b.id, muted.id], notice)
    assert told == sorted([a.id, b.id])
    rows = await Notification.all().order_by("recipient_id")
    assert [(r.recipient_id, r.kind, r.subject_type, r.subject_id) for r in rows] == [
        (a.id, NotificationKind.CAMPAIGN_VOTING_OPENED, "Campaign", 7),
        (b.id, NotificationKind.CAMPAIGN_VOTING_OPENED, "Campaign", 7),
    ]


async def test_unread_rows_with_one_group_key_fold_into_one_and_a_read_one_starts_anew(
    collaborators: Collaborators,
) -> None:
    author = await make_member()
    likers = [await make_member() for _ in range(3)]
    for liker in likers:
        await notify(collaborators, [author.id], Notice(**{**LIKES.__dict__, "actor_id": liker.id}))
    (row,) = await Notification.filter(recipient_id=author.id)
    assert (row.actor_count, row.actor_id) == (3, likers[-1].id)
    await Notification.filter(id=row.id).update(read_at=collaborators.clock.now())
    await notify(collaborators, [author.id], LIKES)
    assert await Notification.filter(recipient_id=author.id).count() == 2
    newest = await Notification.filter(recipient_id=author.id).order_by("-id").first()
    assert newest is not None and newest.actor_count == 1 and newest.id > row.id


async def test_fan_out_writes_in_batches_of_the_batch_size(
    collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BATCH", 4)
    members = [await make_member() for _ in range(10)]
    notice = Notice(NotificationKind.CAMPAIGN_VOTING_OPENED, subject=Subject("Campaign", 1))
    assert len(await notify(collaborators, [m.id for m in members], notice)) == 10
    assert await Notification.all().count() == 10


async def test_the_author_hears_of_comments_on_their_post_as_one_row_and_the_commenter_not(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    post = await posts.submit_post(collaborators, author, story())
    await posts.moderate_post(
        collaborators, await make_member(roles=(Role.RESIDENT, Role.MODERATOR)), post.id, "APPROVE"
    )
    first, second = await veteran(collaborators), await veteran(collaborators)
    await posts.add_comment(collaborators, first, post.id, "看起来好好吃")
    await posts.add_comment(collaborators, second, post.id, "求种子链接")
    await posts.add_comment(collaborators, author, post.id, "谢谢大家")
    rows = await Notification.filter(kind=NotificationKind.COMMENT)
    assert [(r.recipient_id, r.actor_id, r.actor_count) for r in rows] == [
        (author.id, second.id, 2)
    ]


async def test_a_fact_of_a_write_that_rolled_back_is_never_heard(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    post = await posts.submit_post(collaborators, author, story())
    with pytest.raises(RuntimeError):
        async with atomic():
            announce(collaborators, CommentAdded(post_id=post.id, comment_id=1, author_id=0))
            raise RuntimeError("rolled back")
    assert await Notification.all().count() == 0


@pytest.mark.postgres_only
async def test_forty_racing_folds_leave_one_unread_row_counting_all_forty(
    collaborators: Collaborators,
) -> None:
    author = await make_member()
    likers = [await make_member() for _ in range(40)]
    await asyncio.gather(
        *(
            notify(collaborators, [author.id], Notice(**{**LIKES.__dict__, "actor_id": m.id}))
            for m in likers
        )
    )
    (row,) = await Notification.filter(recipient_id=author.id)
    assert row.actor_count == 40


async def test_a_rising_notice_below_what_was_told_changes_nothing_read_or_not(
    collaborators: Collaborators,
) -> None:
    """Milestones raced out of order (the 100th like's notice folded before the 1st's): the
    lower one is not written over the higher, nor told again once the higher was read; a
    higher one still folds in."""
    author, liker = await make_member(), await make_member()

    def milestone(likes: int) -> Notice:
        return replace(LIKES, actor_id=liker.id, params={"likes": likes}, rising="likes")

    assert await notify(collaborators, [author.id], milestone(10)) == [author.id]
    assert await notify(collaborators, [author.id], milestone(1)) == []
    assert await notify(collaborators, [author.id], milestone(10)) == []
    (row,) = await Notification.filter(recipient_id=author.id)
    assert (row.params["likes"], row.actor_count) == (10, 1)
    await Notification.filter(id=row.id).update(read_at=collaborators.clock.now())
    assert await notify(collaborators, [author.id], milestone(1)) == []
    assert await notify(collaborators, [author.id], milestone(100)) == [author.id]
    rows = await Notification.filter(recipient_id=author.id).order_by("id")
    assert [(r.params["likes"], r.read_at is None) for r in rows] == [(10, False), (100, True)]


async def _until_one_waits_on_a_lock() -> None:
    """Until another connection of this database waits for a row lock (the member's)."""
    db = connections.get("default")
    for _ in range(500):
        waiting = await db.execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        if waiting[0]["n"]:
            return
        await asyncio.sleep(0.01)
    pytest.fail("nobody waited for the member's row")


@pytest.mark.postgres_only
async def test_a_lower_milestone_racing_a_higher_is_decided_after_the_higher_commits(
    collaborators: Collaborators,
) -> None:
    """The 1-like notice arrives while the 100-like one's fold holds the author's row (here a
    transaction that takes the lock and writes it as the fold does): it waits, then finds 100
    told and writes nothing. Decided before the lock, it would find nothing yet and write 1
    over 100 once the lock is free."""
    author, liker = await make_member(), await make_member()
    held, go = asyncio.Event(), asyncio.Event()

    def milestone(likes: int) -> Notice:
        return replace(LIKES, actor_id=liker.id, params={"likes": likes}, rising="likes")

    async def higher_folding() -> None:
        async with in_transaction():
            await Member.filter(id=author.id).select_for_update().only("id").first()
            await services._row(author.id, milestone(100), collaborators.clock.now()).save()
            held.set()
            await go.wait()

    holder = asyncio.create_task(higher_folding())
    await held.wait()
    low = asyncio.create_task(notify(collaborators, [author.id], milestone(1)))
    await _until_one_waits_on_a_lock()
    go.set()
    await holder
    assert await low == []
    (row,) = await Notification.filter(recipient_id=author.id)
    assert row.params["likes"] == 100
