"""UGC on a real database: the trust rule, moderation and its points, likes, comments, reports."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.identity.models import Member, Role
from domain.points.models import LedgerEntry, PointsAccount
from domain.posts import services
from domain.posts.errors import AlreadyReportedError, InvalidTransitionError
from domain.posts.models import AuditLogEntry, Post, PostKind, PostStatus, ReportReason
from domain.posts.recipes import RecipeDraft
from tests.domain.test_groups import make_group
from tests.factories import make_member

RECIPE = RecipeDraft(2, 30, [("番茄", "2个"), ("鸡蛋", "3个")], ["番茄切块", "鸡蛋炒熟后下番茄"])


async def veteran(c: Collaborators) -> Member:
    """A member old enough for the regular posting limits."""
    member = await make_member()
    await Member.filter(id=member.id).update(created_at=c.clock.now() - timedelta(days=30))
    return await Member.get(id=member.id)


def story(
    title: str = "阳台番茄大丰收", body: str = "今年第一次在阳台种番茄，收获满满。"
) -> services.PostDraft:
    return services.PostDraft(PostKind.STORY, title, body)


async def balance(member: Member) -> int:
    account = await PointsAccount.get_or_none(member_id=member.id)
    return account.balance if account else 0


async def test_a_new_authors_posts_wait_until_three_were_approved(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    for n in range(3):
        post = await services.submit_post(collaborators, author, story(f"第{n}次种番茄"))
        assert post.status == PostStatus.PENDING and await balance(author) == n * 10
        await services.moderate_post(collaborators, moderator, post.id, "APPROVE")
    trusted = await services.submit_post(
        collaborators,
        author,
        services.PostDraft(PostKind.RECIPE, "番茄炒蛋", "家常味道，十分钟。", recipe=RECIPE),
    )
    assert trusted.status == PostStatus.PUBLISHED and trusted.published_at is not None
    assert await balance(author) == 3 * 10 + 20


async def test_approving_twice_awards_once_and_featuring_awards_fifty_once(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    post = await services.submit_post(collaborators, author, story())
    for _ in range(2):
        await services.moderate_post(collaborators, moderator, post.id, "APPROVE")
        await services.moderate_post(collaborators, moderator, post.id, "FEATURE")
    assert await balance(author) == 60
    assert await AuditLogEntry.filter(target_id=post.id).count() == 2
    with pytest.raises(InvalidTransitionError):
        await services.moderate_post(collaborators, moderator, post.id, "REJECT", "重复")


async def test_residents_cannot_moderate_and_hosts_only_their_own_groups(
    collaborators: Collaborators,
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    other_host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(collaborators, host)
    author = await veteran(collaborators)
    draft = services.PostDraft(
        PostKind.TIP, "番茄防虫小技巧", "用稀释的肥皂水喷叶背。", group_id=group.id
    )
    post = await services.submit_post(collaborators, author, draft)
    with pytest.raises(PermissionDeniedError):
        await services.moderate_post(collaborators, author, post.id, "APPROVE")
    with pytest.raises(NotFoundError):  # another group's post looks like no post
        await services.moderate_post(collaborators, other_host, post.id, "APPROVE")
    with pytest.raises(InvalidInputError):
        await services.moderate_post(collaborators, host, post.id, "REJECT")  # needs a reason
    rejected = await services.moderate_post(collaborators, host, post.id, "REJECT", "请补充图片")
    assert rejected.status == PostStatus.REJECTED and rejected.moderation_note == "请补充图片"
    assert await balance(author) == 0


async def test_bad_drafts_name_each_field_in_characters_not_bytes(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    assert (
        await services.submit_post(collaborators, author, story("番茄丰收"))
    ).title == "番茄丰收"
    broken = RecipeDraft(0, 30, [("番茄", "")], ["好"])
    draft = services.PostDraft(PostKind.RECIPE, "番茄", "短", recipe=broken, image_ids=[999])
    with pytest.raises(InvalidInputError) as raised:
        await services.submit_post(collaborators, author, draft)
    fields = {e.field for e in raised.value.field_errors}
    assert {
        "title",
        "body",
        "recipe.servings",
        "recipe.ingredients.0",
        "recipe.steps.0",
        "imageIds",
    } <= fields
    assert await Post.all().count() == 1


async def test_likes_comments_and_three_reporters_hide_a_post(collaborators: Collaborators) -> None:
    author = await veteran(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    post = await services.submit_post(collaborators, author, story())
    neighbour = await veteran(collaborators)
    with pytest.raises(NotFoundError):
        await services.like_post(collaborators, neighbour, post.id)  # not published yet
    await services.moderate_post(collaborators, moderator, post.id, "APPROVE")
    await services.like_post(collaborators, neighbour, post.id)
    await services.like_post(collaborators, neighbour, post.id)
    assert (await Post.get(id=post.id)).like_count == 1
    await services.unlike_post(collaborators, neighbour, post.id)
    assert (await Post.get(id=post.id)).like_count == 0
    comment = await services.add_comment(collaborators, neighbour, post.id, "<b>真棒</b>\n学到了")
    assert "<b>" not in comment.body_html and (await Post.get(id=post.id)).comment_count == 1
    reporters = [await veteran(collaborators) for _ in range(3)]
    for reporter in reporters[:2]:
        await services.report_post(collaborators, reporter, post.id, ReportReason.SPAM, None)
    with pytest.raises(AlreadyReportedError):
        await services.report_post(collaborators, reporters[0], post.id, ReportReason.SPAM, None)
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED
    hidden = await services.report_post(
        collaborators, reporters[2], post.id, ReportReason.ABUSE, "广告"
    )
    assert hidden.status == PostStatus.HIDDEN and hidden.report_count == 3
    restored = await services.moderate_post(collaborators, moderator, post.id, "RESTORE", "已核实")
    assert restored.status == PostStatus.PUBLISHED


async def test_a_new_account_posts_once_per_two_minutes(collaborators: Collaborators) -> None:
    from domain.errors import RateLimitedError

    newcomer = await make_member()
    await services.submit_post(collaborators, newcomer, story())
    with pytest.raises(RateLimitedError):
        await services.submit_post(collaborators, newcomer, story("第二篇阳台日记"))
    assert await Post.filter(author_id=newcomer.id).count() == 1


@pytest.mark.postgres_only
async def test_fifty_concurrent_likes_count_fifty_and_a_double_click_approval_awards_once(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    post = await services.submit_post(collaborators, author, story())
    await asyncio.gather(
        *(services.moderate_post(collaborators, moderator, post.id, "APPROVE") for _ in range(10)),
        return_exceptions=True,
    )
    assert await LedgerEntry.filter(member_id=author.id).count() == 1
    likers = [await make_member() for _ in range(50)]
    await asyncio.gather(*(services.like_post(collaborators, m, post.id) for m in likers))
    assert (await Post.get(id=post.id)).like_count == 50


async def test_a_restored_post_starts_its_report_count_again_and_likes_can_be_taken_back(
    collaborators: Collaborators,
) -> None:
    author = await veteran(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    post = await services.submit_post(collaborators, author, story())
    await services.moderate_post(collaborators, moderator, post.id, "APPROVE")
    fan = await veteran(collaborators)
    await services.like_post(collaborators, fan, post.id)
    for _ in range(3):
        reporter = await veteran(collaborators)
        await services.report_post(collaborators, reporter, post.id, ReportReason.SPAM, None)
    with pytest.raises(NotFoundError):  # hidden: not there for the fan, the like stays
        await services.unlike_post(collaborators, fan, post.id)
    assert (await Post.get(id=post.id)).like_count == 1
    restored = await services.moderate_post(collaborators, moderator, post.id, "RESTORE")
    assert restored.report_count == 0
    await services.unlike_post(collaborators, fan, post.id)
    assert (await Post.get(id=post.id)).like_count == 0
    await services.report_post(
        collaborators, await veteran(collaborators), post.id, ReportReason.SPAM, None
    )
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED


async def test_the_same_image_cannot_be_attached_twice(collaborators: Collaborators) -> None:
    from domain.media.models import Image

    author = await veteran(collaborators)
    image = await Image.create(
        owner=author,
        storage_key="k" * 32 + ".jpg",
        content_type="image/jpeg",
        width=10,
        height=10,
        size_bytes=100,
        created_at=collaborators.clock.now(),
    )
    draft = services.PostDraft(
        PostKind.PHOTO, "春日樱花开了", "楼下的樱花今天全开了。", image_ids=[image.id] * 2
    )
    with pytest.raises(InvalidInputError) as raised:
        await services.submit_post(collaborators, author, draft)
    assert raised.value.field_errors[0].field == "imageIds"
