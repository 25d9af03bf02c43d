"""分享海报 on the portal: a published post's and a campaign's poster PNG shows the title, the
cover and a QR code of the absolute link; only signed-in residents get one, and a post that is
not published has none."""

from __future__ import annotations

import io

import httpx
import pytest
import zxingcpp
from PIL import Image as Picture

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.media.models import Image
from domain.media.posters import cjk_font
from domain.posts import services
from domain.posts.models import PostKind
from tests.domain.campaign_helpers import voting_campaign
from tests.factories import make_image, make_member
from tests.portal.test_points_pages import log_in
from tests.portal.test_posts_pages import moderator, veteran
from tests.unit.test_posters import assert_shows_title, opened

RED = (200, 30, 40)


async def post_with_cover(c: Collaborators, *, publish: bool = True) -> int:
    """A post whose cover is a red picture actually in the store."""
    author = await veteran(c, display_name="小李")
    image = await make_image(author)
    buffer = io.BytesIO()
    Picture.new("RGB", (64, 64), RED).save(buffer, "PNG")
    await c.images.save(image.storage_key, buffer.getvalue(), "image/png")
    draft = services.PostDraft(
        PostKind.PHOTO, "阳台番茄大丰收", "今年第一次在阳台种番茄。", image_ids=[image.id]
    )
    post = await services.submit_post(c, author, draft)
    if publish:
        await services.moderate_post(c, await moderator(), post.id, "APPROVE")
    return post.id


def qr_texts(poster: Picture.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(poster)]


async def test_a_posts_poster_shows_its_title_cover_and_a_qr_code_of_its_link(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post_id = await post_with_cover(collaborators)
    await log_in(client, await make_member(display_name="小王"))
    response = await client.get(f"/posts/{post_id}/poster.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"].startswith("private")
    poster = opened(response.content)
    assert poster.size == (750, 1334)
    assert qr_texts(poster) == [f"http://testserver/posts/{post_id}"]
    assert_shows_title(poster, "阳台番茄大丰收", cjk_font(None))
    assert poster.getpixel((375, 320)) == RED  # the cover fills the top


async def test_a_posters_qr_code_opens_the_public_address_when_it_is_set(
    client: httpx.AsyncClient, collaborators: Collaborators, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id = await post_with_cover(collaborators)
    settings = collaborators.settings.with_overrides(public_url="https://linli.example.cn")
    monkeypatch.setattr(collaborators, "settings", settings)
    await log_in(client, await make_member())
    response = await client.get(f"/posts/{post_id}/poster.png")
    assert qr_texts(opened(response.content)) == [f"https://linli.example.cn/posts/{post_id}"]


async def test_a_campaigns_poster_shows_its_title_and_a_qr_code_of_its_link(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    campaign, _ = await voting_campaign(collaborators)
    await log_in(client, await make_member(display_name="小王"))
    page = await client.get(f"/campaigns/{campaign.id}")
    assert f'href="/campaigns/{campaign.id}/poster"' in page.text and "分享海报" in page.text
    response = await client.get(f"/campaigns/{campaign.id}/poster.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    poster = opened(response.content)
    assert qr_texts(poster) == [f"http://testserver/campaigns/{campaign.id}"]
    assert_shows_title(poster, "咖啡豆命名大赛", cjk_font(None))
    missing = await client.get(f"/campaigns/{campaign.id + 1000}/poster.png")
    assert missing.status_code == 404


async def test_the_poster_page_shows_the_picture_with_how_to_save_it(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post_id = await post_with_cover(collaborators)
    await log_in(client, await make_member())
    post_page = await client.get(f"/posts/{post_id}")
    assert f'href="/posts/{post_id}/poster"' in post_page.text
    response = await client.get(f"/posts/{post_id}/poster")
    assert response.status_code == 200
    assert f'src="/posts/{post_id}/poster.png"' in response.text and "长按保存图片" in response.text


async def test_a_pending_post_has_no_poster_not_even_for_its_author(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post_id = await post_with_cover(collaborators, publish=False)
    await log_in(client, await Member.get(display_name="小李"))
    assert (await client.get(f"/posts/{post_id}")).status_code == 200  # the author reads it
    for path in (f"/posts/{post_id}/poster.png", f"/posts/{post_id}/poster"):
        response = await client.get(path)
        assert response.status_code == 404 and response.headers["content-type"] != "image/png"
    assert "分享海报" not in (await client.get(f"/posts/{post_id}")).text


async def test_a_signed_out_visitor_is_sent_to_log_in_for_a_poster(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    post_id = await post_with_cover(collaborators)
    campaign, _ = await voting_campaign(collaborators)
    for path in (f"/posts/{post_id}/poster.png", f"/campaigns/{campaign.id}/poster.png"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "分享海报" not in (await client.get(f"/posts/{post_id}")).text
    assert await Image.filter().count() == 1  # nothing was made or stored
