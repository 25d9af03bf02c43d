"""Content safety through the contract's operations: each verdict on submitPost and addComment,
the image-hash hold after a rejection, and the word list's back-office operations."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import pytest
from PIL import Image as PILImage

from domain.campaigns.models import CampaignEntry
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.posts.models import AuditLogEntry, Comment, Post, PostStatus
from domain.safety import services
from domain.safety.imagehash import dhash, distance
from domain.safety.models import RejectedImageHash, SensitiveWord
from domain.safety.provider import NoCloudModeration
from domain.safety.rules import WordCategory
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op, register
from tests.api.test_posts_api import attach_image, make_post, pid
from tests.api.test_uploads import bearer, post_file
from tests.conftest import GraphQLClient
from tests.domain.campaign_helpers import voter
from tests.domain.test_posts import veteran
from tests.factories import make_estate, make_member
from web.ids import encode_id


async def words(c: Collaborators, *entries: tuple[str, WordCategory]) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    for text, category in entries:
        await services.add_word(c, admin, text, category)


async def submit(gql: GraphQLClient, token: str, title: str, body: str) -> dict[str, object]:
    story = {"kind": "STORY", "title": title, "body": body}
    result: dict[str, object] = (await gql(op("SubmitPost"), {"input": story}, token))["data"][
        "submitPost"
    ]
    return result


async def trusted_author(c: Collaborators) -> Member:
    """Three published posts: what would publish at once without the safety checks."""
    author = await veteran(c)
    for n in range(3):
        await make_post(c, author, f"以前的帖子{n}号")
    return author


async def test_a_blocked_word_in_any_disguise_is_refused_naming_no_word_and_nothing_is_stored(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("违禁药品", WordCategory.BLOCK))
    author = await trusted_author(collaborators)
    token = await token_for(collaborators, author)
    result = await submit(gql, token, "邻居们好呀", "出售 违.禁 藥-品，价格好说")
    assert result["__typename"] == "ContentBlocked"
    assert result["code"] == "CONTENT_BLOCKED" and "违禁" not in str(result["message"])
    assert await Post.all().count() == 3
    post = await Post.filter(author_id=author.id).first()
    assert post is not None
    comment = await gql(op("AddComment"), {"postId": pid(post), "body": "违禁药品"}, token)
    assert comment["data"]["addComment"]["__typename"] == "ContentBlocked"
    assert await Comment.all().count() == 0


async def test_a_review_word_holds_a_trusted_authors_post_with_the_reason_for_the_moderator(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("代购", WordCategory.REVIEW))
    token = await token_for(collaborators, await trusted_author(collaborators))
    result = await submit(gql, token, "周末团购信息", "帮忙代購进口奶粉，需要的说")
    assert result["__typename"] == "SubmitPostSuccess"
    post = await Post.get(title="周末团购信息")
    assert post.status == PostStatus.PENDING and post.published_at is None
    assert post.safety_flag == "敏感词（需审核）"
    clean = await submit(gql, token, "阳台的月季开了", "今年的月季开得特别好，分享几张。")
    assert clean["__typename"] == "SubmitPostSuccess"
    assert (await Post.get(title="阳台的月季开了")).status == PostStatus.PUBLISHED


async def test_a_replace_word_is_stored_masked_one_star_per_character(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("笨蛋", WordCategory.REPLACE))
    author = await trusted_author(collaborators)
    token = await token_for(collaborators, author)
    result = await submit(gql, token, "楼下停车的笨蛋", "又把车停在消防通道，真是笨 蛋。")
    assert result["__typename"] == "SubmitPostSuccess"
    post = await Post.get(author_id=author.id, title="楼下停车的＊＊")
    assert post.body == "又把车停在消防通道，真是＊ ＊。" and "笨" not in post.body_html
    assert post.status == PostStatus.PUBLISHED
    reply = await gql(op("AddComment"), {"postId": pid(post), "body": "别理那个笨蛋"}, token)
    assert reply["data"]["addComment"]["__typename"] == "AddCommentSuccess"
    assert (await Comment.get()).body == "别理那个＊＊"


async def test_links_phone_numbers_and_wechat_ids_go_to_review(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author = await trusted_author(collaborators)
    token = await token_for(collaborators, author)
    bodies = {
        "含链接": "点这里看看 https://shop.example.top/a 全场五折",
        "含电话号码": "有需要的打我电话 138 1234 5678 随时联系",
        "含微信号": "加 V 信：daigou_2024 拉你进群",
    }
    for n, (flag, body) in enumerate(bodies.items()):
        result = await submit(gql, token, f"好物推荐第{n}期", body)
        assert result["__typename"] == "SubmitPostSuccess"
        post = await Post.get(title=f"好物推荐第{n}期")
        assert (post.status, post.safety_flag) == (PostStatus.PENDING, flag)
    published = await Post.filter(status=PostStatus.PUBLISHED).first()
    assert published is not None
    comment = await gql(
        op("AddComment"), {"postId": pid(published), "body": "微信 abc12345 私聊"}, token
    )
    assert comment["data"]["addComment"]["__typename"] == "AddCommentSuccess"
    assert (await Comment.get()).hidden  # held: not shown under the post


def picture(shade: int) -> bytes:
    image = PILImage.new("RGB", (64, 64), (shade, shade, shade))
    for x in range(32):
        for y in range(64):
            image.putpixel((x, y), (255 - shade, 40, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def test_an_image_close_to_one_a_moderator_rejected_goes_to_review(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    author = await trusted_author(collaborators)
    moderator = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    spam = await make_post(collaborators, author, "旧的广告帖", status=PostStatus.PENDING)
    image = await attach_image(collaborators, spam, 0)
    await Image.filter(id=image.id).update(dhash=dhash(picture(10)))
    rejected = await gql(
        op("ModeratePost"),
        {"postId": pid(spam), "action": "REJECT", "reason": "广告"},
        await token_for(collaborators, moderator),
    )
    assert rejected["data"]["moderatePost"]["__typename"] == "ModeratePostSuccess"
    assert await RejectedImageHash.all().count() == 1
    again = await Image.create(
        owner=author,
        storage_key="again.png",
        content_type="image/png",
        width=64,
        height=64,
        size_bytes=1,
        created_at=collaborators.clock.now(),
        dhash=dhash(picture(14)),
    )
    other = await Image.create(
        owner=author,
        storage_key="other.png",
        content_type="image/png",
        width=64,
        height=64,
        size_bytes=1,
        created_at=collaborators.clock.now(),
        dhash=dhash(other_picture()),
    )
    token = await token_for(collaborators, author)
    for title, image_id in (("又来了一张图", again.id), ("另一张照片", other.id)):
        story = {
            "kind": "STORY",
            "title": title,
            "body": "看看这张照片拍得怎么样",
            "imageIds": [encode_id("Image", image_id)],
        }
        done = await gql(op("SubmitPost"), {"input": story}, token)
        assert done["data"]["submitPost"]["__typename"] == "SubmitPostSuccess"
    held = await Post.get(title="又来了一张图")
    assert (held.status, held.safety_flag) == (PostStatus.PENDING, "图片与曾被拒绝的图片相似")
    assert (await Post.get(title="另一张照片")).status == PostStatus.PUBLISHED


def other_picture() -> bytes:
    """A different picture: the halves swapped top/bottom instead of left/right."""
    image = PILImage.new("RGB", (64, 64), (10, 10, 10))
    for x in range(64):
        for y in range(32):
            image.putpixel((x, y), (245, 40, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def test_admins_list_add_and_remove_words_and_others_are_refused(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    token = await token_for(collaborators, admin)
    added = await gql(op("AddSensitiveWord"), {"text": "刷单", "category": "BLOCK"}, token)
    word = added["data"]["addSensitiveWord"]["word"]
    assert word["text"] == "刷单" and word["category"] == "BLOCK"
    twice = await gql(op("AddSensitiveWord"), {"text": "刷单", "category": "REVIEW"}, token)
    assert twice["data"]["addSensitiveWord"]["code"] == "SENSITIVE_WORD_TAKEN"
    empty = await gql(op("AddSensitiveWord"), {"text": " ＊ ", "category": "BLOCK"}, token)
    assert empty["data"]["addSensitiveWord"]["fieldErrors"][0]["field"] == "text"
    listed = await gql(op("SensitiveWords"), {}, token)
    assert [w["text"] for w in listed["data"]["sensitiveWords"]] == ["刷单"]
    author = await trusted_author(collaborators)
    blocked = await submit(
        gql, await token_for(collaborators, author), "招聘刷单兼职", "日结工资，详情见群公告"
    )
    assert blocked["__typename"] == "ContentBlocked"
    resident = await token_for(collaborators, await make_member())
    refused = await gql(op("RemoveSensitiveWord"), {"wordId": word["id"]}, resident)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    removed = await gql(op("RemoveSensitiveWord"), {"wordId": word["id"]}, token)
    assert removed["data"]["removeSensitiveWord"]["__typename"] == "RemoveSensitiveWordSuccess"
    assert await SensitiveWord.all().count() == 0
    actions = await AuditLogEntry.filter(target_type="SENSITIVE_WORD").values_list(
        "action", flat=True
    )
    assert sorted(map(str, actions)) == ["SENSITIVE_WORD_ADDED", "SENSITIVE_WORD_REMOVED"]
    allowed = await submit(
        gql, await token_for(collaborators, author), "招聘刷单兼职", "日结工资，详情见群公告"
    )
    assert allowed["__typename"] == "SubmitPostSuccess"


async def test_an_upload_is_stored_with_its_perceptual_hash(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    sent = await post_file(client, await bearer(c), picture(10), "a.png", "image/png")
    assert sent.status_code == 201, sent.text
    row = await Image.get()
    stored = (c.settings.media_root / row.storage_key).read_bytes()
    assert row.dhash is not None and row.dhash == dhash(stored)
    assert distance(row.dhash, dhash(picture(10))) <= 2


async def test_a_name_registered_is_checked_like_a_profile_change_and_nothing_is_stored(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await words(
        collaborators,
        ("违禁药品", WordCategory.BLOCK),
        ("代购", WordCategory.REVIEW),
        ("傻瓜", WordCategory.REPLACE),
    )
    estate = await make_estate()
    before = await Member.all().count()
    blocked = await register(gql, estate.id, displayName="违.禁藥品")
    assert blocked["__typename"] == "ContentBlocked" and "违禁" not in str(blocked["message"])
    for held in ("代购小王", "加微信abc12345"):
        refused = await register(gql, estate.id, displayName=held)
        assert refused["__typename"] == "InvalidInput", held
        assert [e["field"] for e in refused["fieldErrors"]] == ["displayName"]
    assert await Member.all().count() == before
    masked = await register(gql, estate.id, displayName="傻瓜小王")
    assert masked["__typename"] == "AuthSuccess"
    assert masked["viewer"]["displayName"] == "＊＊小王"


async def test_held_comments_are_listed_for_staff_with_their_flag_and_a_decision_is_audited(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    await words(c, ("代购", WordCategory.REVIEW))
    author = await trusted_author(c)
    post = await Post.filter(author_id=author.id).first()
    assert post is not None
    token = await token_for(c, author)
    for body in ("帮忙代购奶粉", "加微信 abc123456", "楼主说得对"):
        sent = await gql(op("AddComment"), {"postId": pid(post), "body": body}, token)
        assert sent["data"]["addComment"]["__typename"] == "AddCommentSuccess", sent
    assert (await Post.get(id=post.id)).comment_count == 1
    resident = await gql(op("HeldComments"), {"first": 10}, token)
    assert resident["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = await token_for(c, await make_member(roles=(Role.RESIDENT, Role.MODERATOR)))
    held = (await gql(op("HeldComments"), {"first": 10}, staff))["data"]["heldComments"]
    assert [(h["body"], h["safetyFlag"], h["hidden"]) for h in held] == [
        ("帮忙代购奶粉", "敏感词（需审核）", True),
        ("加微信 abc123456", "含微信号", True),
    ]
    shown, kept = held[0]["id"], held[1]["id"]
    refused = await gql(op("ReviewComment"), {"commentId": shown, "decision": "APPROVE"}, token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for _ in range(2):  # a double click changes nothing more
        done = await gql(op("ReviewComment"), {"commentId": shown, "decision": "APPROVE"}, staff)
        decided = done["data"]["reviewComment"]["comment"]
        assert decided["hidden"] is False and decided["reviewedAt"] is not None
    rejected = await gql(op("ReviewComment"), {"commentId": kept, "decision": "REJECT"}, staff)
    assert rejected["data"]["reviewComment"]["comment"]["hidden"] is True
    flip = await gql(op("ReviewComment"), {"commentId": kept, "decision": "APPROVE"}, staff)
    assert flip["data"]["reviewComment"]["__typename"] == "InvalidTransition"
    plain = await Comment.get(body="楼主说得对")
    unheld = await gql(
        op("ReviewComment"),
        {"commentId": encode_id("Comment", plain.id), "decision": "REJECT"},
        staff,
    )
    assert unheld["data"]["reviewComment"]["__typename"] == "NotFound"
    assert (await Post.get(id=post.id)).comment_count == 2
    assert (await gql(op("HeldComments"), {"first": 10}, staff))["data"]["heldComments"] == []
    actions = await AuditLogEntry.filter(target_type="COMMENT").values_list("action", flat=True)
    assert sorted(map(str, actions)) == ["COMMENT_APPROVE", "COMMENT_REJECT"]


async def test_a_held_campaign_entry_shows_why_to_moderators_only(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    await words(c, ("代购", WordCategory.REVIEW))
    now = c.clock.now()
    admin_token = await token_for(c, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    campaign = {
        "kind": "NAMING",
        "title": "新豆命名大赛",
        "description": "给新豆起名",
        "proposalEndsAt": (now + timedelta(days=2)).isoformat(),
        "votingStartsAt": (now + timedelta(days=3)).isoformat(),
        "votingEndsAt": (now + timedelta(days=6)).isoformat(),
    }
    made = await gql(op("CreateCampaign"), {"input": campaign}, admin_token)
    campaign_id = made["data"]["createCampaign"]["campaign"]["id"]
    member_token = await token_for(c, await voter(c))
    for title in ("代购豆", "晨雾"):
        proposed = await gql(
            op("ProposeEntry"), {"input": {"campaignId": campaign_id, "title": title}}, member_token
        )
        assert proposed["data"]["proposeEntry"]["entry"]["status"] == "PENDING"
    moderator_token = await token_for(c, await make_member(roles=(Role.RESIDENT, Role.MODERATOR)))
    seen = {}
    for token in (moderator_token, member_token):
        read = await gql(op("CampaignEntriesSafety"), {"id": campaign_id, "first": 10}, token)
        edges = read["data"]["campaign"]["entries"]["edges"]
        seen[token] = {e["node"]["title"]: e["node"]["safetyFlag"] for e in edges}
    assert seen[moderator_token] == {"代购豆": "敏感词（需审核）", "晨雾": None}
    assert seen[member_token] == {"代购豆": None, "晨雾": None}
    assert await CampaignEntry.filter(safety_flag="敏感词（需审核）").count() == 1


class PictureModeration(NoCloudModeration):
    """A cloud provider's stand-in: an image whose top-right corner is red is risky."""

    def __init__(self) -> None:
        self.images = 0

    async def check_text(self, text: str) -> str | None:
        return None

    async def check_image(self, data: bytes) -> str | None:
        self.images += 1
        red = PILImage.open(io.BytesIO(data)).convert("RGB").getpixel((63, 0))
        return "疑似违规图片" if isinstance(red, tuple) and red[0] > 128 else None


async def test_an_image_the_cloud_provider_finds_risky_at_upload_holds_the_post_using_it(
    gql: GraphQLClient,
    client: httpx.AsyncClient,
    collaborators: Collaborators,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = collaborators
    provider = PictureModeration()
    monkeypatch.setattr(c.safety, "provider", provider)
    author = await trusted_author(c)
    token = await token_for(c, author)
    uploaded = {}
    for name, data in (("plain", picture(10)), ("risky", other_picture())):
        sent = await post_file(
            client, {"Authorization": f"Bearer {token}"}, data, f"{name}.png", "image/png"
        )
        assert sent.status_code == 201, sent.text
        uploaded[name] = sent.json()["id"]
    assert provider.images == 2
    assert await Image.filter(cloud_flag="疑似违规图片").count() == 1
    for title, name in (("今天的晚霞", "plain"), ("另一张照片", "risky")):
        story = {
            "kind": "STORY",
            "title": title,
            "body": "看看这张照片拍得怎么样",
            "imageIds": [uploaded[name]],
        }
        done = await gql(op("SubmitPost"), {"input": story}, token)
        assert done["data"]["submitPost"]["__typename"] == "SubmitPostSuccess", done
    held = await Post.get(title="另一张照片")
    assert (held.status, held.safety_flag) == (PostStatus.PENDING, "云端审核提示图片风险")
    assert (await Post.get(title="今天的晚霞")).status == PostStatus.PUBLISHED
