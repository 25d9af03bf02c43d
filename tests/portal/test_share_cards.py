"""A link pasted into WeChat shows a card: every shared page's head carries Open Graph and
``itemprop`` tags with absolute addresses, a plain excerpt and a picture; a post that is not
published gives nothing away, whoever opens it."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.groups.models import InterestGroup
from domain.identity.models import Member
from domain.media.models import Image
from domain.posts import services
from domain.posts.models import PostKind
from tests.domain.campaign_helpers import voting_campaign
from tests.domain.events_helpers import make_event, make_group, make_host
from tests.factories import make_image, make_member
from tests.portal.test_points_pages import log_in
from tests.portal.test_posts_pages import moderator, veteran

TAGS = (
    ("name", "description"),
    ("property", "og:type"),
    ("property", "og:title"),
    ("property", "og:description"),
    ("property", "og:image"),
    ("property", "og:url"),
    ("itemprop", "name"),
    ("itemprop", "description"),
    ("itemprop", "image"),
)
BODY = "阳台上的番茄终于红了，**加点糖** & 盐拌一拌 <i>就很好吃</i>。" * 8


class _HeadMeta(HTMLParser):
    """The ``<meta>`` tags of ``<head>``, keyed by (attribute, name): several of a key are kept."""

    def __init__(self) -> None:
        super().__init__()
        self.in_head = False
        self.tags: dict[tuple[str, str], list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head:
            for key in ("name", "property", "itemprop"):
                if values.get(key):
                    self.tags.setdefault((key, values[key] or ""), []).append(
                        values.get("content") or ""
                    )

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def head_meta(html: str) -> dict[tuple[str, str], str]:
    parser = _HeadMeta()
    parser.feed(html)
    assert all(len(v) == 1 for v in parser.tags.values()), parser.tags
    return {key: values[0] for key, values in parser.tags.items()}


def assert_card(html: str, title: str, url: str, image: str) -> dict[tuple[str, str], str]:
    meta = head_meta(html)
    assert all(key in meta for key in TAGS), set(TAGS) - set(meta)
    assert meta["property", "og:title"] == meta["itemprop", "name"] == title
    assert meta["property", "og:url"] == url
    assert meta["property", "og:image"] == meta["itemprop", "image"] == image
    description = meta["name", "description"]
    assert meta["property", "og:description"] == meta["itemprop", "description"] == description
    assert 0 < len(description) <= 120
    return meta


async def post_with_photo(c: Collaborators, **draft: object) -> tuple[int, Image]:
    author = await veteran(c, display_name="小王")
    image = await make_image(author)
    await Image.filter(id=image.id).update(rendition_widths=[360, 720, 1440])
    post = await services.submit_post(
        c,
        author,
        services.PostDraft(PostKind.STORY, "阳台番茄大丰收", BODY, image_ids=[image.id], **draft),  # type: ignore[arg-type]
    )
    return post.id, image


async def test_a_published_posts_page_carries_its_card_with_the_720_jpeg(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post_id, image = await post_with_photo(collaborators)
    await services.moderate_post(collaborators, await moderator(), post_id, "APPROVE")
    response = await client.get(f"/posts/{post_id}")
    assert response.status_code == 200
    stem = image.storage_key.rsplit(".", 1)[0]
    meta = assert_card(
        response.text,
        "阳台番茄大丰收",
        f"http://testserver/posts/{post_id}",
        f"http://testserver/media/{stem}-720.jpg",
    )
    assert meta["property", "og:type"] == "article"
    description = meta["name", "description"]
    assert description.startswith("阳台上的番茄终于红了，加点糖 & 盐拌一拌 <i>就很好吃</i>。")
    assert 110 < len(description) <= 120 and description.endswith("…") and "*" not in description
    head = response.text.split("</head>")[0]
    assert "<i>" not in head and "&amp; 盐拌一拌 &lt;i&gt;" in head  # plain text, escaped


async def test_a_card_uses_the_public_url_when_it_is_set(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id, image = await post_with_photo(collaborators)
    await services.moderate_post(collaborators, await moderator(), post_id, "APPROVE")
    await Image.filter(id=image.id).update(rendition_widths=[360, 500])
    settings = collaborators.settings.with_overrides(public_url="https://linli.example.cn/")
    monkeypatch.setattr(collaborators, "settings", settings)
    meta = head_meta((await client.get(f"/posts/{post_id}")).text)
    assert meta["property", "og:url"] == f"https://linli.example.cn/posts/{post_id}"
    # Without a 720 px rendition the card shows the upload itself.
    assert meta["property", "og:image"] == f"https://linli.example.cn/media/{image.storage_key}"


# What every page's head carries, whatever it shows: none of it describes the post.
PAGE_META = {
    ("name", "viewport"),
    ("name", "htmx-config"),
    ("name", "theme-color"),
    ("name", "apple-mobile-web-app-capable"),
}


async def test_a_pending_post_shows_no_card_to_its_author_or_anyone_else(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post_id, _ = await post_with_photo(collaborators)
    anonymous = await client.get(f"/posts/{post_id}")
    assert anonymous.status_code == 404 and "阳台番茄大丰收" not in anonymous.text
    assert head_meta(anonymous.text).keys() <= PAGE_META
    await log_in(client, await Member.get(display_name="小王"))
    own = await client.get(f"/posts/{post_id}")
    assert own.status_code == 200 and "阳台番茄大丰收" in own.text  # the author reads it
    assert head_meta(own.text).keys() <= PAGE_META
    assert "og:" not in own.text.split("</head>")[0]


async def test_a_campaigns_page_carries_its_card_with_the_brand_picture(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, _ = await voting_campaign(collaborators)
    response = await client.get(f"/campaigns/{campaign.id}")
    meta = assert_card(
        response.text,
        "咖啡豆命名大赛",
        f"http://testserver/campaigns/{campaign.id}",
        "http://testserver/static/share.png",
    )
    assert meta["name", "description"] == "给新豆子起个好名字"
    picture = await client.get("/static/share.png")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"


async def test_an_events_page_carries_its_card_with_its_groups_cover(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    group = await make_group(await make_host())
    await InterestGroup.filter(id=group.id).update(cover_url="/media/" + "c" * 32 + ".jpg")
    event = await make_event(collaborators, await InterestGroup.get(id=group.id))
    response = await client.get(f"/events/{event.id}")
    meta = assert_card(
        response.text,
        "咖啡品鉴会",
        f"http://testserver/events/{event.id}",
        "http://testserver/media/" + "c" * 32 + ".jpg",
    )
    assert meta["name", "description"] == "三款单一产地豆盲品"


async def test_the_invite_page_carries_a_card_for_the_invite_link(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    member = await make_member(display_name="小王")
    await log_in(client, member)
    response = await client.get("/invite")
    assert_card(
        response.text,
        "一起来做好邻居",
        f"http://testserver/register?invite={member.invite_code}",
        "http://testserver/static/share.png",
    )


async def test_the_invite_link_itself_opens_a_page_with_the_same_card(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    response = await client.get("/register?invite=5KCAWUM4")
    assert_card(
        response.text,
        "一起来做好邻居",
        "http://testserver/register?invite=5KCAWUM4",
        "http://testserver/static/share.png",
    )
    odd = await client.get("/register", params={"invite": '"><b>x</b>'})
    assert head_meta(odd.text)["property", "og:url"] == "http://testserver/register"


async def test_a_groups_page_carries_its_card(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    group = await make_group(await make_host())
    response = await client.get(f"/groups/{group.slug}")
    meta = assert_card(
        response.text,
        "手冲咖啡",
        f"http://testserver/groups/{group.slug}",
        "http://testserver/static/share.png",
    )
    assert meta["name", "description"] == "一起喝咖啡"
