"""Portal: each safety verdict through the share form and the comment form (block is a 422 with
a message naming no word, review holds the post with the reason in the moderator's queue,
replace stores the word masked, contact details and a rejected image's look-alike are held),
and /admin/safety, the word list, for admins only."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from domain.campaigns.models import Campaign, CampaignEntry, EntryStatus
from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.media.models import Image
from domain.posts.models import AuditLogEntry, Comment, Post, PostStatus
from domain.safety import services
from domain.safety.imagehash import dhash
from domain.safety.models import SensitiveWord
from domain.safety.rules import WordCategory
from tests.api.test_media_check import media_event, push, with_openid
from tests.api.test_posts_api import attach_image, make_post
from tests.api.test_safety_api import PictureModeration, other_picture, picture
from tests.api.test_uploads import post_file
from tests.domain.campaign_helpers import voter, voting_campaign
from tests.factories import make_estate, make_member
from tests.portal.test_identity_pages import HTMX, csrf_of, register_form
from tests.portal.test_points_pages import htmx, log_in
from tests.portal.test_posts_pages import moderator, veteran
from web.ids import encode_id, pk_of


async def trusted(c: Collaborators) -> Member:
    author = await veteran(c)
    for n in range(3):
        await make_post(c, author, f"以前的帖子{n}号")
    return author


async def words(c: Collaborators, *entries: tuple[str, WordCategory]) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    for text, category in entries:
        await services.add_word(c, admin, text, category)


def story(csrf: str, title: str, body: str, *image_ids: int) -> dict[str, object]:
    return {
        "csrf_token": csrf,
        "kind": "STORY",
        "title": title,
        "body": body,
        "imageIds": [encode_id("Image", i) for i in image_ids],
    }


async def test_a_blocked_post_or_comment_is_a_422_naming_no_word_and_nothing_is_stored(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("违禁药品", WordCategory.BLOCK))
    author = await trusted(collaborators)
    csrf = await log_in(client, author)
    refused = await client.post("/share", data=story(csrf, "邻居们好呀", "出售 違禁 藥品 便宜"))
    assert refused.status_code == 422 and "内容包含不适宜发布的信息" in refused.text
    assert await Post.all().count() == 3
    post = await Post.filter(author_id=author.id).first()
    assert post is not None
    comment = await client.post(
        f"/posts/{post.id}/comments", data={"body": "违-禁-药-品"}, headers=htmx(csrf)
    )
    assert comment.status_code == 422 and "内容包含不适宜发布的信息" in comment.text
    assert await Comment.all().count() == 0


async def test_review_words_and_contact_details_hold_the_post_with_the_reason_in_the_queue(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("代购", WordCategory.REVIEW))
    author = await trusted(collaborators)
    csrf = await log_in(client, author)
    drafts = {
        "海外代购奶粉": ("帮忙代購，需要的邻居说一声", "敏感词（需审核）"),
        "闲置转让啦": ("有意者打电话 139 8765 4321 联系", "含电话号码"),
        "新店开张优惠": ("详情看 www.haohuo.top 全场五折", "含链接"),
    }
    for title, (body, _) in drafts.items():
        response = await client.post("/share", data=story(csrf, title, body))
        assert response.status_code == 303
        assert response.headers["location"] == "/my/posts?notice=pending"
    for title, (_, flag) in drafts.items():
        post = await Post.get(title=title)
        assert (post.status, post.safety_flag) == (PostStatus.PENDING, flag)
    await log_in(client, await moderator())
    queue = (await client.get("/moderation")).text
    for title, (_, flag) in drafts.items():
        assert title in queue and f"内容安全检查送审原因： {flag}" in queue


async def test_replace_words_are_stored_and_shown_masked(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("笨蛋", WordCategory.REPLACE))
    author = await trusted(collaborators)
    csrf = await log_in(client, author)
    response = await client.post(
        "/share", data=story(csrf, "楼下停车的人", "又把车停在消防通道，真是笨 蛋。")
    )
    assert response.status_code == 303
    post = await Post.get(title="楼下停车的人")
    assert post.status == PostStatus.PUBLISHED and post.body == "又把车停在消防通道，真是＊ ＊。"
    shown = await client.get(f"/posts/{post.id}")
    assert "真是＊ ＊" in shown.text and "笨" not in shown.text


async def test_an_image_like_one_a_moderator_rejected_is_held(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await trusted(collaborators)
    spam = await make_post(collaborators, author, "旧的广告帖", status=PostStatus.PENDING)
    image = await attach_image(collaborators, spam, 0)
    await Image.filter(id=image.id).update(dhash=dhash(picture(10)))
    csrf = await log_in(client, await moderator())
    rejected = await client.post(
        f"/moderation/posts/{spam.id}/reject", data={"reason": "广告"}, headers=htmx(csrf)
    )
    assert rejected.status_code == 200
    now = collaborators.clock.now()
    uploads = [
        await Image.create(
            owner=author,
            storage_key=f"u{n}.png",
            content_type="image/png",
            width=64,
            height=64,
            size_bytes=1,
            created_at=now,
            dhash=dhash(data),
        )
        for n, data in enumerate((picture(14), other_picture()))
    ]
    csrf = await log_in(client, author)
    for title, upload in zip(("又来了一张图", "另一张照片"), uploads, strict=True):
        body = "看看这张照片拍得怎么样"
        sent = await client.post("/share", data=story(csrf, title, body, upload.id))
        assert sent.status_code == 303, sent.text
    held = await Post.get(title="又来了一张图")
    assert (held.status, held.safety_flag) == (PostStatus.PENDING, "图片与曾被拒绝的图片相似")
    assert (await Post.get(title="另一张照片")).status == PostStatus.PUBLISHED


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.HOST, Role.MODERATOR])
async def test_the_word_list_is_refused_to_every_role_but_admin(
    client: httpx.AsyncClient, collaborators: Collaborators, role: Role
) -> None:
    await words(collaborators, ("刷单", WordCategory.BLOCK))
    word = await SensitiveWord.get()
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, role)))
    assert (await client.get("/admin/safety")).status_code == 403
    added = await client.post(
        "/admin/safety", data={"text": "赌博", "category": "BLOCK"}, headers=htmx(csrf)
    )
    removed = await client.post(f"/admin/safety/{word.id}/remove", headers=htmx(csrf))
    assert (added.status_code, removed.status_code) == (403, 403)
    assert [w.text for w in await SensitiveWord.all()] == ["刷单"]


async def test_an_admin_adds_and_removes_words_and_a_bad_one_is_a_422_fragment(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    csrf = await log_in(client, await make_member(roles=(Role.RESIDENT, Role.ADMIN)))
    page = await client.get("/admin/safety")
    assert page.status_code == 200 and "敏感词库" in page.text and "词库还是空的" in page.text
    added = await client.post(
        "/admin/safety", data={"text": "刷单", "category": "REVIEW"}, headers=htmx(csrf)
    )
    assert added.status_code == 200 and added.text.lstrip().startswith('<form id="add-word-form"')
    assert 'id="sensitive-words" hx-swap-oob="true"' in added.text and "刷单" in added.text
    twice = await client.post(
        "/admin/safety", data={"text": "刷单", "category": "BLOCK"}, headers=htmx(csrf)
    )
    assert twice.status_code == 422 and "该词已在词库中" in twice.text
    nothing = await client.post(
        "/admin/safety", data={"text": "赌博", "category": "SOMETIMES"}, headers=htmx(csrf)
    )
    assert nothing.status_code == 422 and "请选择处理方式" in nothing.text
    word = await SensitiveWord.get()
    assert word.category == WordCategory.REVIEW
    removed = await client.post(f"/admin/safety/{word.id}/remove", headers=htmx(csrf))
    assert removed.status_code == 200 and "已从词库移除" in removed.text
    assert await SensitiveWord.all().count() == 0
    assert await AuditLogEntry.filter(target_type="SENSITIVE_WORD").count() == 2
    gone = await client.post(f"/admin/safety/{word.id}/remove", headers=htmx(csrf))
    assert gone.status_code == 422 and "没有找到" in gone.text


async def test_a_name_registered_is_checked_and_a_refusal_rerenders_the_form_at_422(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await words(collaborators, ("违禁药品", WordCategory.BLOCK), ("傻瓜", WordCategory.REPLACE))
    estate = await make_estate()
    before = await Member.all().count()
    csrf = await csrf_of(client)
    headers = HTMX | {"X-CSRF-Token": csrf}
    for name, message in (
        ("违禁药品", "内容包含不适宜发布的信息"),
        ("电话13912345678", "名称不能包含联系方式"),
    ):
        form = register_form(csrf, estate.id, displayName=name)
        response = await client.post("/register", data=form, headers=headers)
        assert response.status_code == 422, name
        assert response.text.lstrip().startswith('<form id="register-form"')
        assert message in response.text and "违禁" not in response.text.replace(name, "")
    assert await Member.all().count() == before
    form = register_form(csrf, estate.id, displayName="傻瓜小王")
    response = await client.post("/register", data=form, headers=headers)
    assert response.status_code in (200, 303), response.text[:300]
    assert await Member.filter(display_name="＊＊小王").exists()


async def test_held_comments_wait_in_the_queue_with_their_flag_and_a_decision_shows_or_keeps_them(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    await words(c, ("代购", WordCategory.REVIEW))
    author = await trusted(c)
    post = await Post.filter(author_id=author.id).first()
    assert post is not None
    csrf = await log_in(client, author)
    for body in ("帮忙代購奶粉", "打电话 139 8765 4321", "楼主说得对"):
        sent = await client.post(
            f"/posts/{post.id}/comments", data={"body": body}, headers=htmx(csrf)
        )
        assert sent.status_code == 200, sent.text[:300]
    held = {c.body: c for c in await Comment.filter(hidden=True)}
    assert set(held) == {"帮忙代購奶粉", "打电话 139 8765 4321"}
    assert (await Post.get(id=post.id)).comment_count == 1  # held ones do not count yet
    assert "帮忙代購" not in (await client.get(f"/posts/{post.id}")).text
    csrf = await log_in(client, await moderator())
    queue = (await client.get("/moderation")).text
    assert "内容安全检查送审原因： 敏感词（需审核）" in queue and "帮忙代購奶粉" in queue
    assert "内容安全检查送审原因： 含电话号码" in queue
    shown, kept = held["帮忙代購奶粉"], held["打电话 139 8765 4321"]
    approve = await client.post(f"/moderation/comments/{shown.id}/approve", headers=htmx(csrf))
    assert approve.status_code == 200 and "帮忙代購奶粉" in approve.text
    again = await client.post(f"/moderation/comments/{shown.id}/approve", headers=htmx(csrf))
    assert again.status_code == 200
    reject = await client.post(f"/moderation/comments/{kept.id}/reject", headers=htmx(csrf))
    assert reject.status_code == 200
    after = {c.id: c for c in await Comment.all()}
    assert not after[shown.id].hidden and after[kept.id].hidden
    assert after[kept.id].safety_flag == "含电话号码" and after[kept.id].reviewed_at is not None
    assert (await Post.get(id=post.id)).comment_count == 2
    queue = (await client.get("/moderation")).text
    assert "帮忙代購奶粉" not in queue and "139 8765 4321" not in queue
    assert "帮忙代購奶粉" in (await client.get(f"/posts/{post.id}")).text
    actions = await AuditLogEntry.filter(target_type="COMMENT").values_list("action", flat=True)
    assert sorted(map(str, actions)) == ["COMMENT_APPROVE", "COMMENT_REJECT"]
    resident_csrf = await log_in(client, await make_member())
    refused = await client.post(
        f"/moderation/comments/{kept.id}/approve", headers=htmx(resident_csrf)
    )
    assert refused.status_code == 403
    assert (await Comment.get(id=kept.id)).hidden


async def test_a_held_campaign_name_shows_why_in_the_entry_review_queue(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    await words(c, ("代购", WordCategory.REVIEW))
    campaign, _ = await voting_campaign(c)
    now = c.clock.now()
    await Campaign.filter(id=campaign.id).update(
        voting_starts_at=now + timedelta(days=1), voting_ends_at=now + timedelta(days=2)
    )
    csrf = await log_in(client, await voter(c))
    for title in ("代购豆", "晨光"):
        sent = await client.post(
            f"/campaigns/{campaign.id}/propose", data={"title": title}, headers=htmx(csrf)
        )
        assert sent.status_code == 200, sent.text[:300]
    held, plain = await CampaignEntry.get(title="代购豆"), await CampaignEntry.get(title="晨光")
    assert (held.status, held.safety_flag) == (EntryStatus.PENDING, "敏感词（需审核）")
    await log_in(client, await moderator())
    queue = (await client.get("/admin/campaigns")).text
    start = queue.index(f'id="pending-{held.id}"')
    card = queue[start : queue.index("</article>", start)]
    assert "内容安全检查送审原因： 敏感词（需审核）" in card
    start = queue.index(f'id="pending-{plain.id}"')
    assert "内容安全检查" not in queue[start : queue.index("</article>", start)]


async def test_an_image_the_cloud_provider_finds_risky_holds_the_shared_post_with_the_reason(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = collaborators
    monkeypatch.setattr(c.safety, "provider", PictureModeration())
    author = await trusted(c)
    csrf = await log_in(client, author)
    uploaded = {}
    for name, data in (("plain", picture(10)), ("risky", other_picture())):
        sent = await post_file(client, {"X-CSRF-Token": csrf}, data, f"{name}.png", "image/png")
        assert sent.status_code == 201, sent.text
        uploaded[name] = pk_of(sent.json()["id"], "Image")
    for title, name in (("今天的晚霞", "plain"), ("另一张照片", "risky")):
        image_id = uploaded[name]
        assert image_id is not None
        sent = await client.post(
            "/share", data=story(csrf, title, "看看这张照片拍得怎么样", image_id)
        )
        assert sent.status_code == 303, sent.text
    held = await Post.get(title="另一张照片")
    assert (held.status, held.safety_flag) == (PostStatus.PENDING, "云端审核提示图片风险")
    assert (await Post.get(title="今天的晚霞")).status == PostStatus.PUBLISHED
    await log_in(client, await moderator())
    queue = (await client.get("/moderation")).text
    assert "另一张照片" in queue and "内容安全检查送审原因： 云端审核提示图片风险" in queue


async def test_a_shared_post_whose_image_wechat_later_finds_risky_leaves_the_site_for_the_queue(
    client: httpx.AsyncClient, wechat_checks: Collaborators
) -> None:
    c = wechat_checks
    author = await trusted(c)
    await with_openid(c, author, "o-author")
    csrf = await log_in(client, author)
    sent = await post_file(client, {"X-CSRF-Token": csrf}, other_picture(), "p.png", "image/png")
    assert sent.status_code == 201, sent.text
    image_id = pk_of(sent.json()["id"], "Image")
    assert image_id is not None
    shared = await client.post(
        "/share", data=story(csrf, "今天的晚霞", "看看这张照片拍得怎么样", image_id)
    )
    assert shared.status_code == 303, shared.text
    post = await Post.get(title="今天的晚霞")
    await log_in(client, await make_member(display_name="邻居"))
    assert (await client.get(f"/posts/{post.id}")).status_code == 200

    answered = await push(client, media_event("trace-1", "risky", 20002))
    assert answered.text == "success"
    assert (await client.get(f"/posts/{post.id}")).status_code == 404
    await log_in(client, await moderator())
    queue = (await client.get("/moderation")).text
    assert "今天的晚霞" in queue and "云端审核提示图片风险（色情）" in queue
