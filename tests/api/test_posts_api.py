"""The UGC operations of the contract (feed, post detail, my posts, submitting, liking,
commenting, reporting, moderating, the audit log) as the clients send them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.collaborators import Collaborators
from domain.groups.models import InterestGroup
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.posts.models import (
    AuditLogEntry,
    Comment,
    Post,
    PostImage,
    PostKind,
    PostLike,
    PostStatus,
    Report,
)
from domain.programme.rules import DEFAULT_RULES
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.domain.test_groups import make_group
from tests.domain.test_posts import veteran
from tests.factories import make_member
from tests.sqlcount import count_sql
from web.ids import encode_id

RECIPE_INPUT = {
    "servings": 2,
    "minutes": 15,
    "ingredients": [{"name": "番茄", "amount": "2个"}, {"name": "鸡蛋", "amount": "3个"}],
    "steps": ["番茄切块", "鸡蛋炒熟后下番茄"],
}


async def make_post(
    c: Collaborators,
    author: Member,
    title: str = "阳台番茄大丰收",
    *,
    status: PostStatus = PostStatus.PUBLISHED,
    group: InterestGroup | None = None,
    kind: PostKind = PostKind.STORY,
    featured: bool = False,
    age_minutes: int = 0,
) -> Post:
    when = c.clock.now() - timedelta(minutes=age_minutes)
    return await Post.create(
        author=author,
        group=group,
        kind=kind,
        title=title,
        body="今年第一次在阳台种番茄，收获满满。",
        body_html="<p>今年第一次在阳台种番茄，收获满满。</p>",
        excerpt="今年第一次在阳台种番茄，收获满满。",
        status=status,
        featured=featured,
        created_at=when,
        published_at=when if status == PostStatus.PUBLISHED else None,
    )


async def attach_image(c: Collaborators, post: Post, position: int) -> Image:
    image = await Image.create(
        owner_id=post.author_id,
        storage_key=f"p{post.id}-{position}.jpg",
        content_type="image/jpeg",
        width=800 + position,
        height=600,
        size_bytes=1000,
        created_at=c.clock.now(),
    )
    await PostImage.create(post=post, image=image, position=position)
    return image


def pid(post: Post) -> str:
    return encode_id("Post", post.id)


async def staff(c: Collaborators, *roles: Role) -> tuple[Member, str]:
    member = await make_member(roles=(Role.RESIDENT, *roles))
    return member, await token_for(c, member)


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def test_the_feed_puts_featured_first_then_newest_and_pages_with_opaque_cursors(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    old_featured = await make_post(
        collaborators, author, "精选老帖子", featured=True, age_minutes=90
    )
    newest = await make_post(collaborators, author, "最新的帖子", age_minutes=1)
    middle = await make_post(collaborators, author, "中间的帖子", age_minutes=30)
    await make_post(collaborators, author, "还在审核中", status=PostStatus.PENDING)
    cover = await attach_image(collaborators, newest, 0)
    await attach_image(collaborators, newest, 1)
    viewer = await make_member()
    await PostLike.create(post=middle, member=viewer, created_at=collaborators.clock.now())
    token = await token_for(collaborators, viewer)

    first = (await gql(op("Feed"), {"first": 2}, token))["data"]["feed"]
    assert [n["title"] for n in nodes(first)] == ["精选老帖子", "最新的帖子"]
    assert nodes(first)[0]["id"] == pid(old_featured) and nodes(first)[0]["featured"] is True
    assert nodes(first)[1]["coverImage"] == {
        "url": f"/media/{cover.storage_key}",
        "width": 800,
        "height": 600,
    }
    assert nodes(first)[1]["author"]["id"] == encode_id("Member", author.id)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await gql(op("Feed"), {"first": 2, "after": first["pageInfo"]["endCursor"]}, token)
    page = rest["data"]["feed"]
    assert [(n["title"], n["viewerHasLiked"]) for n in nodes(page)] == [("中间的帖子", True)]
    assert page["pageInfo"]["hasNextPage"] is False


async def test_the_feed_filters_by_group_and_kind_and_refuses_a_malformed_cursor(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(collaborators, host)
    author = await veteran(collaborators)
    await make_post(collaborators, author, "小组里的食谱", group=group, kind=PostKind.RECIPE)
    await make_post(collaborators, author, "小组里的故事", group=group)
    await make_post(collaborators, author, "外面的食谱", kind=PostKind.RECIPE)
    variables = {"first": 10, "groupId": encode_id("InterestGroup", group.id), "kind": "RECIPE"}
    feed = (await gql(op("Feed"), variables))["data"]["feed"]
    assert [(n["title"], n["group"]["name"]) for n in nodes(feed)] == [("小组里的食谱", "阳台种菜")]
    assert nodes(feed)[0]["viewerHasLiked"] is False
    for cursor in ("garbage!", "WzEsMiwzXQ", "WyJ4IiwieSIsInoiXQ"):  # [1,2,3], ["x","y","z"]
        bad = await gql(op("Feed"), {"first": 1, "after": cursor})
        assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", cursor
    too_many = await gql(op("Feed"), {"first": 51})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_post_detail_shows_the_recipe_images_and_comments_to_who_may_read_it(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    token = await token_for(collaborators, author)
    submitted = await gql(
        op("SubmitPost"),
        {
            "input": {
                "kind": "RECIPE",
                "title": "番茄炒蛋",
                "body": "家常味道，十分钟就好。",
                "recipe": RECIPE_INPUT,
            }
        },
        token,
    )
    result = submitted["data"]["submitPost"]
    assert result["__typename"] == "SubmitPostSuccess"
    assert result["post"]["status"] == "PENDING"
    post = await Post.get(title="番茄炒蛋")
    await attach_image(collaborators, post, 0)
    variables = {"id": pid(post), "commentsFirst": 5}
    assert (await gql(op("PostDetail"), variables))["data"]["post"] is None  # pending: not public
    own = (await gql(op("PostDetail"), variables, token))["data"]["post"]
    assert own["recipe"] == {
        "servings": 2,
        "minutes": 15,
        "ingredients": [{"name": "番茄", "amount": "2个"}, {"name": "鸡蛋", "amount": "3个"}],
        "steps": ["番茄切块", "鸡蛋炒熟后下番茄"],
    }
    assert own["images"] == [{"url": f"/media/p{post.id}-0.jpg", "width": 800, "height": 600}]
    assert own["bodyHtml"].strip() == "<p>家常味道，十分钟就好。</p>"
    await Post.filter(id=post.id).update(status=PostStatus.PUBLISHED, published_at=post.created_at)
    neighbour = await veteran(collaborators)
    commented = await gql(
        op("AddComment"),
        {"postId": pid(post), "body": "<b>看着就香</b>"},
        await token_for(collaborators, neighbour),
    )
    assert commented["data"]["addComment"]["post"] == {"id": pid(post), "commentCount": 1}
    assert "<b>" not in commented["data"]["addComment"]["comment"]["bodyHtml"]
    public = (await gql(op("PostDetail"), variables))["data"]["post"]
    comments = nodes(public["comments"])
    assert [c["author"]["id"] for c in comments] == [encode_id("Member", neighbour.id)]
    assert public["commentCount"] == 1 and public["viewerHasLiked"] is False
    missing = await gql(op("PostDetail"), {"id": encode_id("Post", 999), "commentsFirst": 5})
    assert missing["data"]["post"] is None


async def test_my_posts_lists_every_status_with_the_moderation_note_only_for_the_author(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    rejected = await make_post(collaborators, author, "被退回的帖子", status=PostStatus.REJECTED)
    await Post.filter(id=rejected.id).update(moderation_note="请补充图片")
    await make_post(collaborators, author, "已经发布的帖子")
    await make_post(collaborators, await veteran(collaborators), "别人的帖子")
    token = await token_for(collaborators, author)
    mine = (await gql(op("MyPosts"), {"first": 10}, token))["data"]["viewer"]["posts"]
    assert [(n["title"], n["status"], n["moderationNote"]) for n in nodes(mine)] == [
        ("已经发布的帖子", "PUBLISHED", None),
        ("被退回的帖子", "REJECTED", "请补充图片"),
    ]
    other = await token_for(collaborators, await make_member())
    seen = await gql(
        "query($id: ID!) { post(id: $id) { moderationNote reportCount } }",
        {"id": pid(rejected)},
        other,
    )
    assert seen["data"]["post"] is None  # rejected: only the author and staff read it
    anonymous = await gql(op("MyPosts"), {"first": 10})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_submitting_refuses_bad_input_campaigns_and_a_second_post_from_a_new_account(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    newcomer = await make_member()
    token = await token_for(collaborators, newcomer)
    bad = await gql(
        op("SubmitPost"),
        {
            "input": {
                "kind": "RECIPE",
                "title": "番茄",
                "body": "家常味道，十分钟就好。",
                "recipe": {**RECIPE_INPUT, "steps": ["好"]},
                "imageIds": ["garbage"],
                "campaignId": encode_id("Campaign", 1),
            }
        },
        token,
    )
    result = bad["data"]["submitPost"]
    assert result["__typename"] == "InvalidInput"
    assert {e["field"] for e in result["fieldErrors"]} == {"imageIds.0", "campaignId"}
    assert "征集活动尚未开放" in [e["message"] for e in result["fieldErrors"]]
    wrong = await gql(
        op("SubmitPost"),
        {"input": {"kind": "RECIPE", "title": "番茄", "body": "短", "recipe": RECIPE_INPUT}},
        token,
    )
    fields = {e["field"] for e in wrong["data"]["submitPost"]["fieldErrors"]}
    assert fields == {"title", "body"}
    story = {"kind": "STORY", "title": "阳台番茄大丰收", "body": "今年第一次在阳台种番茄。"}
    first = await gql(op("SubmitPost"), {"input": story}, token)
    assert first["data"]["submitPost"]["__typename"] == "SubmitPostSuccess"
    second = await gql(op("SubmitPost"), {"input": story}, token)
    assert second["data"]["submitPost"]["code"] == "RATE_LIMITED"
    anonymous = await gql(op("SubmitPost"), {"input": story})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await Post.all().count() == 1


async def test_liking_twice_counts_once_and_unliking_takes_it_back(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    post = await make_post(collaborators, author)
    pending = await make_post(collaborators, author, "还在审核中", status=PostStatus.PENDING)
    token = await token_for(collaborators, await make_member())
    for _ in range(2):
        liked = (await gql(op("LikePost"), {"postId": pid(post)}, token))["data"]["likePost"]
        assert liked == {
            "__typename": "LikePostSuccess",
            "post": {"id": pid(post), "likeCount": 1, "viewerHasLiked": True},
        }
    unliked = (await gql(op("UnlikePost"), {"postId": pid(post)}, token))["data"]["unlikePost"]
    assert unliked["post"] == {"id": pid(post), "likeCount": 0, "viewerHasLiked": False}
    hidden = await gql(op("LikePost"), {"postId": pid(pending)}, token)
    assert hidden["data"]["likePost"]["code"] == "NOT_FOUND"
    bad = await gql(op("UnlikePost"), {"postId": "garbage"}, token)
    assert bad["data"]["unlikePost"]["code"] == "INVALID_INPUT"
    anonymous = await gql(op("LikePost"), {"postId": pid(post)})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await PostLike.all().count() == 0 and (await Post.get(id=post.id)).like_count == 0


async def test_comments_refuse_empty_bodies_missing_posts_and_a_newcomers_second_comment(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    post = await make_post(collaborators, await veteran(collaborators))
    token = await token_for(collaborators, await make_member())
    empty = await gql(op("AddComment"), {"postId": pid(post), "body": "  "}, token)
    assert empty["data"]["addComment"]["fieldErrors"][0]["field"] == "body"
    missing = await gql(op("AddComment"), {"postId": encode_id("Post", 999), "body": "好"}, token)
    assert missing["data"]["addComment"]["code"] == "NOT_FOUND"
    first = await gql(op("AddComment"), {"postId": pid(post), "body": "真棒"}, token)
    assert first["data"]["addComment"]["__typename"] == "AddCommentSuccess"
    second = await gql(op("AddComment"), {"postId": pid(post), "body": "再来一条"}, token)
    assert second["data"]["addComment"]["code"] == "RATE_LIMITED"
    assert await Comment.all().count() == 1


async def test_reports_are_counted_once_per_member_and_comments_cannot_be_reported_yet(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    post = await make_post(collaborators, await veteran(collaborators))
    reporters = range(DEFAULT_RULES.reports_to_hide)
    tokens = [await token_for(collaborators, await make_member()) for _ in reporters]
    report = {"postId": pid(post), "reason": "SPAM"}
    ok = await gql(op("ReportContent"), {"input": report}, tokens[0])
    assert ok["data"]["reportContent"] == {"__typename": "ReportContentSuccess", "ok": True}
    again = await gql(op("ReportContent"), {"input": report}, tokens[0])
    assert again["data"]["reportContent"]["code"] == "ALREADY_REPORTED"
    comment = {"commentId": encode_id("Comment", 1), "reason": "ABUSE"}
    refused = await gql(op("ReportContent"), {"input": comment}, tokens[0])
    assert refused["data"]["reportContent"]["code"] == "INVALID_INPUT"
    missing = {"postId": encode_id("Post", 999), "reason": "OTHER"}
    gone = await gql(op("ReportContent"), {"input": missing}, tokens[0])
    assert gone["data"]["reportContent"]["code"] == "NOT_FOUND"
    for token in tokens[1:]:
        await gql(op("ReportContent"), {"input": {**report, "note": "广告"}}, token)
    assert (await Post.get(id=post.id)).status == PostStatus.HIDDEN
    assert await Report.all().count() == DEFAULT_RULES.reports_to_hide


async def test_the_queue_shows_hosts_only_their_groups_and_refuses_residents(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host, host_token = await staff(collaborators, Role.HOST)
    _, moderator_token = await staff(collaborators, Role.MODERATOR)
    mine = await make_group(collaborators, host, "阳台种菜")
    other = await make_group(collaborators, await make_member(roles=(Role.HOST,)), "亲子烘焙")
    author = await veteran(collaborators)
    ours = await make_post(
        collaborators, author, "我组的新帖", status=PostStatus.PENDING, group=mine
    )
    await make_post(collaborators, author, "别组的新帖", status=PostStatus.PENDING, group=other)
    await make_post(collaborators, author, "已经发布了", group=mine)
    reported = await make_post(collaborators, author, "被举报隐藏", status=PostStatus.HIDDEN)
    await Post.filter(id=reported.id).update(report_count=3)
    queue = (await gql(op("ModerationQueue"), {"first": 10}, host_token))["data"]
    assert [(n["id"], n["reportCount"]) for n in nodes(queue["moderationQueue"])] == [
        (pid(ours), 0)
    ]
    everything = await gql(op("ModerationQueue"), {"first": 10}, moderator_token)
    titles = [n["title"] for n in nodes(everything["data"]["moderationQueue"])]
    assert titles == ["我组的新帖", "别组的新帖", "被举报隐藏"]
    by_group = await gql(
        op("ModerationQueue"),
        {"first": 10, "groupId": encode_id("InterestGroup", other.id)},
        moderator_token,
    )
    assert [n["title"] for n in nodes(by_group["data"]["moderationQueue"])] == ["别组的新帖"]
    resident = await token_for(collaborators, author)
    refused = await gql(op("ModerationQueue"), {"first": 10}, resident)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(op("ModerationQueue"), {"first": 10})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_moderating_moves_the_post_writes_the_audit_log_and_refuses_outsiders(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host, host_token = await staff(collaborators, Role.HOST)
    _, other_host_token = await staff(collaborators, Role.HOST)
    group = await make_group(collaborators, host)
    author = await veteran(collaborators)
    post = await make_post(collaborators, author, status=PostStatus.PENDING, group=group)
    approve = {"postId": pid(post), "action": "APPROVE"}
    refused = await gql(op("ModeratePost"), approve, await token_for(collaborators, author))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Another group's host: the post answers as one that does not exist.
    elsewhere = await gql(op("ModeratePost"), approve, other_host_token)
    assert elsewhere["data"]["moderatePost"]["code"] == "NOT_FOUND"
    assert (await Post.get(id=post.id)).status == PostStatus.PENDING
    no_reason = await gql(op("ModeratePost"), {**approve, "action": "REJECT"}, host_token)
    assert no_reason["data"]["moderatePost"]["code"] == "INVALID_INPUT"
    approved = (await gql(op("ModeratePost"), approve, host_token))["data"]["moderatePost"]
    assert approved == {
        "__typename": "ModeratePostSuccess",
        "post": {"id": pid(post), "status": "PUBLISHED", "featured": False, "moderationNote": None},
    }
    late = await gql(
        op("ModeratePost"), {**approve, "action": "REJECT", "reason": "晚了"}, host_token
    )
    assert late["data"]["moderatePost"]["code"] == "INVALID_TRANSITION"
    missing = await gql(
        op("ModeratePost"), {**approve, "postId": encode_id("Post", 999)}, host_token
    )
    assert missing["data"]["moderatePost"]["code"] == "NOT_FOUND"
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED
    log = (await gql(op("AuditLog"), {"first": 10}, host_token))["data"]["auditLog"]
    assert [(n["action"], n["targetId"], n["actor"]["id"]) for n in nodes(log)] == [
        ("APPROVE", pid(post), encode_id("Member", host.id))
    ]
    assert await AuditLogEntry.all().count() == 1
    resident = await gql(op("AuditLog"), {"first": 10}, await token_for(collaborators, author))
    assert resident["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_feed_and_post_detail_ask_a_fixed_number_of_sql_statements(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(collaborators, host)
    author = await veteran(collaborators)
    posts = [
        await make_post(collaborators, author, f"第{n}篇阳台日记", group=group, age_minutes=n)
        for n in range(20)
    ]
    viewer = await make_member()
    for post in posts:
        await attach_image(collaborators, post, 0)
        await PostLike.create(post=post, member=viewer, created_at=collaborators.clock.now())
        await Comment.create(
            post=post, author=viewer, body="好", body_html="<p>好</p>", created_at=post.created_at
        )
    for _ in range(20):
        await Comment.create(
            post=posts[0],
            author=author,
            body="谢谢",
            body_html="<p>谢谢</p>",
            created_at=posts[0].created_at,
        )
    token = await token_for(collaborators, viewer)
    counts: dict[str, list[int]] = {"Feed": [], "PostDetail": []}
    for first in (1, 20):
        with count_sql() as feed:
            body = await gql(op("Feed"), {"first": first}, token)
        assert len(body["data"]["feed"]["edges"]) == first
        counts["Feed"].append(len(feed))
        with count_sql() as detail:
            body = await gql(op("PostDetail"), {"id": pid(posts[0]), "commentsFirst": first}, token)
        assert len(body["data"]["post"]["comments"]["edges"]) == first
        counts["PostDetail"].append(len(detail))
    print(f"SQL statements for first=1 and first=20: {counts}")
    # Feed: the viewer's token joined to its member, the page (posts joined to author, group and
    # host, with the counters and the viewer's liked / joined flags), the page's covers.
    # PostDetail: token with member, the post row joined the same way, its images, one page of
    # comments with authors.
    assert counts == {"Feed": [3, 3], "PostDetail": [4, 4]}
