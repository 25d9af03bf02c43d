"""The feed, a post page, sharing, my posts, groups and moderation: pages, fragments, 422s, the
database afterwards, and members' text that must never become markup."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import httpx

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.groups.models import GroupHost, GroupMembership, InterestGroup
from domain.identity.models import Member, Role
from domain.posts import services
from domain.posts.models import Comment, Post, PostKind, PostLike, PostStatus, Report
from domain.posts.recipes import RecipeDraft
from tests.factories import make_member
from tests.portal.test_points_pages import HTMX, balance, htmx, log_in

EVIL = '<script>alert(1)</script> <img src=x onerror=alert(1)> <div hx-get="/logout">点我</div>'
RECIPE = RecipeDraft(
    2, 15, [("番茄", "2 个"), ("鸡蛋", "3 个")], ["番茄切块，鸡蛋打散", "先炒蛋再炒番茄"]
)


async def veteran(c: Collaborators, **values: object) -> Member:
    """A member old enough for the regular posting limits."""
    member = await make_member(**values)  # type: ignore[arg-type]
    await Member.filter(id=member.id).update(created_at=c.clock.now() - timedelta(days=30))
    return await Member.get(id=member.id)


async def moderator() -> Member:
    return await make_member(display_name="审核员", roles=(Role.RESIDENT, Role.MODERATOR))


async def make_group(c: Collaborators, host: Member, name: str = "阳台种菜") -> InterestGroup:
    group = await InterestGroup.create(
        name=name,
        slug=f"g{host.id}",
        description="一起在阳台种点什么",
        host=host,
        created_at=c.clock.now(),
    )
    await GroupHost.create(group=group, member=host, appointed_at=group.created_at)
    return group


async def published(
    c: Collaborators,
    author: Member,
    title: str = "阳台番茄大丰收",
    body: str = "今年第一次在阳台种番茄，收获满满。",
    group: InterestGroup | None = None,
    kind: PostKind = PostKind.STORY,
) -> Post:
    draft = services.PostDraft(kind, title, body, group.id if group else None)
    if kind == PostKind.RECIPE:
        draft = services.PostDraft(kind, title, body, draft.group_id, recipe=RECIPE)
    post = await services.submit_post(c, author, draft)
    return await services.moderate_post(c, await moderator(), post.id, "APPROVE")


class _Attributes(HTMLParser):
    """Every element's attributes as the browser reads them (escaped text in a value is text)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[list[tuple[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(attrs)


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    parser = _Attributes()
    parser.feed(html)
    assert parser.seen
    for attrs in parser.seen:
        assert "onerror" not in {name for name, _ in attrs}
        assert ("hx-get", "/logout") not in attrs


def recipe_form(csrf: str, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": csrf,
        "kind": "RECIPE",
        "title": "番茄炒蛋",
        "body": "家常味道，十分钟就好。",
        "servings": "2",
        "minutes": "15",
        "ingredientName": ["番茄", "鸡蛋"],
        "ingredientAmount": ["2 个", "3 个"],
        "step": ["番茄切块，鸡蛋打散", "先炒蛋再炒番茄"],
    }
    form.update(changes)
    return form


# The feed -------------------------------------------------------------------------------------


async def test_the_home_feed_shows_published_posts_with_counts_and_the_featured_badge(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators, display_name="番茄阿姨")
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(collaborators, host)
    post = await published(collaborators, author, group=group)
    await services.moderate_post(collaborators, await moderator(), post.id, "FEATURE")
    await services.submit_post(
        collaborators,
        author,
        services.PostDraft(PostKind.TIP, "还在审核中", "这条还没有通过审核。"),
    )

    page = await client.get("/")

    assert page.status_code == 200
    card = page.text.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    assert "阳台番茄大丰收" in card and "番茄阿姨" in card and "阳台种菜" in card
    assert "精选" in card and "赞 0" in card and "评论 0" in card
    assert "还在审核中" not in page.text


async def test_the_feed_scrolls_by_keyset_pages_and_filters_by_kind(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    posts = [
        await published(collaborators, await veteran(collaborators), title=f"第{n}篇阳台日记")
        for n in range(12)
    ]
    recipe = await published(
        collaborators, await veteran(collaborators), title="番茄炒蛋", kind=PostKind.RECIPE
    )

    first = await client.get("/")
    next_url = re.search(r'hx-get="(/feed\?after=[^"]+)" hx-trigger="revealed"', first.text)
    assert next_url, first.text[-1500:]
    second = await client.get(next_url.group(1).replace("&amp;", "&"), headers=HTMX)
    recipes = await client.get("/?kind=RECIPE")

    shown = re.findall(r'id="post-(\d+)"', first.text) + re.findall(r'id="post-(\d+)"', second.text)
    assert second.status_code == 200 and "<html" not in second.text
    assert sorted(map(int, shown)) == sorted([p.id for p in posts] + [recipe.id])
    assert len(set(shown)) == len(shown) and 'hx-trigger="revealed"' not in second.text
    assert "番茄炒蛋" in recipes.text and "第0篇阳台日记" not in recipes.text


# A post ---------------------------------------------------------------------------------------


async def test_a_recipe_page_shows_body_ingredients_steps_and_comments(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    post = await published(
        collaborators, author, title="番茄炒蛋", body="**家常**味道。", kind=PostKind.RECIPE
    )

    page = await client.get(f"/posts/{post.id}")

    assert page.status_code == 200
    assert "<strong>家常</strong>" in page.text
    assert "2 人份" in page.text and "15 分钟" in page.text
    assert '<span>番茄</span> <span class="amount-text">2 个</span>' in page.text
    assert "<li>先炒蛋再炒番茄</li>" in page.text
    assert (await client.get("/posts/999999")).status_code == 404


async def test_liking_twice_counts_once_and_unliking_takes_it_back(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    csrf = await log_in(client, await veteran(collaborators))

    await client.post(f"/posts/{post.id}/like", headers=htmx(csrf))
    liked = await client.post(f"/posts/{post.id}/like", headers=htmx(csrf))

    assert liked.status_code == 200 and liked.text.lstrip().startswith('<div class="like"')
    assert f'id="like-count-{post.id}">1<' in liked.text and "已赞" in liked.text
    assert (await Post.get(id=post.id)).like_count == 1 and await PostLike.all().count() == 1
    unliked = await client.post(f"/posts/{post.id}/unlike", headers=htmx(csrf))
    assert f'id="like-count-{post.id}">0<' in unliked.text
    assert (await Post.get(id=post.id)).like_count == 0


async def test_a_comment_is_added_in_place_and_an_empty_one_is_a_422_fragment(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    csrf = await log_in(client, await veteran(collaborators, display_name="楼下邻居"))

    added = await client.post(
        f"/posts/{post.id}/comments", data={"body": "看着就好吃"}, headers=htmx(csrf)
    )
    empty = await client.post(f"/posts/{post.id}/comments", data={"body": "  "}, headers=htmx(csrf))

    assert added.status_code == 200 and added.text.lstrip().startswith('<form id="comment-form"')
    assert 'hx-swap-oob="beforeend:#comment-list"' in added.text and "看着就好吃" in added.text
    assert '<span id="comment-count" hx-swap-oob="true">1</span>' in added.text
    assert empty.status_code == 422 and empty.text.lstrip().startswith('<form id="comment-form"')
    assert (await Post.get(id=post.id)).comment_count == 1 and await Comment.all().count() == 1
    page = await client.get(f"/posts/{post.id}")
    assert "看着就好吃" in page.text and "楼下邻居" in page.text


async def test_a_too_long_comment_comes_back_with_its_text(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    csrf = await log_in(client, await veteran(collaborators))

    response = await client.post(
        f"/posts/{post.id}/comments", data={"body": "长" * 1001}, headers=htmx(csrf)
    )

    assert response.status_code == 422 and "长" * 1001 in response.text
    assert await Comment.all().count() == 0


async def test_reporting_twice_is_a_422_fragment_and_counts_once(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    csrf = await log_in(client, await veteran(collaborators))

    first = await client.post(
        f"/posts/{post.id}/report", data={"reason": "SPAM"}, headers=htmx(csrf)
    )
    again = await client.post(
        f"/posts/{post.id}/report", data={"reason": "SPAM"}, headers=htmx(csrf)
    )

    assert first.status_code == 200 and "感谢举报" in first.text
    assert again.status_code == 422 and "你已经举报过" in again.text
    assert await Report.all().count() == 1


async def test_comments_past_the_first_hundred_load_on_request(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    neighbour = await veteran(collaborators)
    comments = [
        await Comment.create(
            post=post,
            author=neighbour,
            body=f"第{n}条",
            body_html=f"<p>第{n}条</p>",
            created_at=collaborators.clock.now(),
        )
        for n in range(105)
    ]

    first = await client.get(f"/posts/{post.id}")
    more = await client.get(
        f"/posts/{post.id}?comments_after={comments[99].id}", headers={"HX-Request": "true"}
    )

    assert first.text.count('class="comment"') == 100 and "第99条" in first.text
    assert f"comments_after={comments[99].id}" in first.text and "更多评论" in first.text
    assert more.text.count('class="comment"') == 5 and "第104条" in more.text
    assert "第99条" not in more.text and "更多评论" not in more.text
    assert 'id="comments-more"' in more.text and "<html" not in more.text


async def test_a_report_without_a_known_reason_says_so_and_changes_nothing(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    csrf = await log_in(client, await veteran(collaborators))

    response = await client.post(
        f"/posts/{post.id}/report", data={"reason": "BORING"}, headers=htmx(csrf)
    )

    assert response.status_code == 422 and "请选择举报原因" in response.text
    assert await Report.all().count() == 0


# Share ----------------------------------------------------------------------------------------


async def test_sharing_a_recipe_queues_it_and_my_posts_says_it_waits(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    csrf = await log_in(client, author)

    form = await client.get("/share")
    response = await client.post("/share", data=recipe_form(csrf))

    assert form.status_code == 200 and 'id="share-form"' in form.text
    assert (
        response.status_code == 303 and response.headers["location"] == "/my/posts?notice=pending"
    )
    post = await Post.get(author_id=author.id)
    assert post.status == PostStatus.PENDING and post.kind == PostKind.RECIPE
    mine = await client.get(response.headers["location"])
    assert "已提交，等待审核" in mine.text and "番茄炒蛋" in mine.text and "待审核" in mine.text


async def test_a_refused_draft_comes_back_whole_with_the_message_next_to_its_step(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    csrf = await log_in(client, await veteran(collaborators))

    response = await client.post(
        "/share", data=recipe_form(csrf, step=["番茄切块，鸡蛋打散", "炒", "出锅装盘"])
    )

    assert response.status_code == 422
    assert 'value="番茄炒蛋"' in response.text and "家常味道，十分钟就好。" in response.text
    assert 'value="鸡蛋"' in response.text and 'value="3 个"' in response.text
    rows = re.findall(r'<div class="row step-row[^"]*">(.*?)</div>', response.text, re.S)
    assert len(rows) == 3 and "每个步骤 2–500 字" in rows[1] and "每个步骤" not in rows[0]
    assert ">出锅装盘</textarea>" in rows[2]
    assert await Post.all().count() == 0


async def test_share_rows_are_fragments(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    await log_in(client, await veteran(collaborators))

    step = await client.get("/share/rows/step", headers=HTMX)
    ingredient = await client.get("/share/rows/ingredient", headers=HTMX)

    assert step.status_code == 200 and step.text.lstrip().startswith('<div class="row step-row')
    assert ingredient.text.lstrip().startswith('<div class="row ingredient-row')
    assert (await client.get("/share/removed", headers=HTMX)).text == ""


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    for path in ("/share", "/my/posts", "/moderation", "/moderation/audit"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login", path


# Groups ---------------------------------------------------------------------------------------


async def test_joining_and_leaving_a_group_swaps_the_button_and_the_count(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    group = await make_group(collaborators, host)
    post = await published(
        collaborators, await veteran(collaborators), title="种葱心得", group=group
    )
    member = await veteran(collaborators)
    csrf = await log_in(client, member)

    listing = await client.get("/groups")
    page = await client.get(f"/groups/{group.slug}")
    joined = await client.post(f"/groups/{group.id}/join", headers=htmx(csrf))

    assert (
        "阳台种菜" in listing.text
        and "种葱心得" in page.text
        and f'id="post-{post.id}"' in page.text
    )
    assert joined.status_code == 200 and joined.text.lstrip().startswith('<div class="membership"')
    assert "1 位成员" in joined.text and "退出小组" in joined.text
    assert await GroupMembership.filter(member_id=member.id).exists()
    left = await client.post(f"/groups/{group.id}/leave", headers=htmx(csrf))
    assert "0 位成员" in left.text and "加入小组" in left.text
    assert (await InterestGroup.get(id=group.id)).member_count == 0


# Moderation -----------------------------------------------------------------------------------


async def test_a_resident_may_not_moderate(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post = await services.submit_post(
        collaborators,
        await veteran(collaborators),
        services.PostDraft(PostKind.STORY, "等待审核的帖子", "这条还没有通过审核。"),
    )
    csrf = await log_in(client, await veteran(collaborators))

    assert (await client.get("/moderation")).status_code == 403
    assert (await client.get("/moderation/audit")).status_code == 403
    response = await client.post(f"/moderation/posts/{post.id}/approve", headers=htmx(csrf))
    assert response.status_code == 403
    assert (await Post.get(id=post.id)).status == PostStatus.PENDING


async def test_a_host_sees_and_moderates_only_their_groups_queue(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    other_host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    mine = await make_group(collaborators, host, "阳台种菜")
    theirs = await make_group(collaborators, other_host, "手冲咖啡")
    author = await veteran(collaborators)
    ours = await services.submit_post(
        collaborators,
        author,
        services.PostDraft(PostKind.STORY, "种葱的第一周", "葱长得很快，一周就冒芽。", mine.id),
    )
    other = await services.submit_post(
        collaborators,
        author,
        services.PostDraft(PostKind.STORY, "手冲的水温", "九十二度最好，闷蒸三十秒。", theirs.id),
    )
    csrf = await log_in(client, host)

    queue = await client.get("/moderation")
    refused = await client.post(f"/moderation/posts/{other.id}/approve", headers=htmx(csrf))

    assert queue.status_code == 200 and f'id="mod-{ours.id}"' in queue.text
    assert "手冲的水温" not in queue.text and "手冲的水温" not in refused.text
    assert refused.status_code == 422
    assert (await Post.get(id=other.id)).status == PostStatus.PENDING


async def test_approving_moves_the_post_to_the_feed_and_the_author_earns_points(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    post = await services.submit_post(
        collaborators,
        author,
        services.PostDraft(PostKind.RECIPE, "番茄炒蛋", "家常味道，十分钟。", recipe=RECIPE),
    )
    csrf = await log_in(client, await moderator())
    assert "番茄炒蛋" not in (await client.get("/")).text

    approved = await client.post(f"/moderation/posts/{post.id}/approve", headers=htmx(csrf))

    assert approved.status_code == 200 and approved.text.lstrip().startswith(
        '<article class="card mod-card'
    )
    assert "已发布" in approved.text and "设为精选" in approved.text
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED
    assert await balance(author) == 20
    assert f'id="post-{post.id}"' in (await client.get("/")).text
    audit = await client.get("/moderation/audit")
    assert audit.status_code == 200 and f"#{post.id}" in audit.text and "通过" in audit.text


async def test_rejecting_without_a_reason_is_a_422_fragment_and_with_one_tells_the_author(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    post = await services.submit_post(
        collaborators,
        author,
        services.PostDraft(PostKind.STORY, "等待审核的帖子", "这条还没有通过审核。"),
    )
    csrf = await log_in(client, await moderator())

    empty = await client.post(
        f"/moderation/posts/{post.id}/reject", data={"reason": " "}, headers=htmx(csrf)
    )
    rejected = await client.post(
        f"/moderation/posts/{post.id}/reject", data={"reason": "图片与内容不符"}, headers=htmx(csrf)
    )

    assert empty.status_code == 422 and "请写明不通过的原因" in empty.text
    assert rejected.status_code == 200 and "未通过" in rejected.text
    stored = await Post.get(id=post.id)
    assert stored.status == PostStatus.REJECTED and stored.moderation_note == "图片与内容不符"
    await log_in(client, author)
    mine = await client.get("/my/posts")
    assert "未通过" in mine.text and "图片与内容不符" in mine.text


# Members' text stays text ---------------------------------------------------------------------


async def test_markup_in_a_post_renders_inert_on_feed_post_page_my_posts_and_queue(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    author = await veteran(collaborators)
    shown = await published(collaborators, author, title="<b>标题</b>测试", body=EVIL)
    waiting = await services.submit_post(
        collaborators, author, services.PostDraft(PostKind.STORY, "待审的恶意内容", EVIL)
    )
    await log_in(client, author)

    pages = [
        await client.get("/"),
        await client.get(f"/posts/{shown.id}"),
        await client.get("/my/posts"),
    ]
    await log_in(client, await moderator())
    pages.append(await client.get("/moderation"))

    for page in pages:
        assert page.status_code == 200
        assert_inert(page.text)
    assert "<b>标题</b>" not in pages[0].text and "&lt;b&gt;标题&lt;/b&gt;测试" in pages[0].text
    assert f'id="mod-{waiting.id}"' in pages[3].text


async def test_the_feed_and_the_post_page_say_how_long_ago_by_the_apps_clock(
    client: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    post = await published(collaborators, await veteran(collaborators))
    at = post.published_at
    assert at is not None

    assert f'<time datetime="{at.isoformat()}"' in (await client.get("/")).text
    assert ">刚刚</time>" in (await client.get("/")).text
    clock.advance(minutes=5)
    card = (await client.get("/")).text.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    assert ">5分钟前</time>" in card
    await services.add_comment(collaborators, await veteran(collaborators), post.id, "看着真好")
    clock.advance(days=1)  # the clock starts at 10:00 in Shanghai

    page = (await client.get(f"/posts/{post.id}")).text
    assert 'title="2026-11-21 10:00">昨天 10:00</time>' in page
    assert ">昨天 10:05</time>" in page.split("看着真好")[0].rsplit('class="comment"', 1)[1]
    clock.advance(days=1)
    assert ">11月21日</time>" in (await client.get(f"/posts/{post.id}")).text
