"""What makes the portal feel like residents' phone apps: a progress bar while htmx works,
skeleton cards while the next page loads, back to top, empty states that say what to do next,
and the installable web app's manifest and icons."""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.programme import brand
from tests.factories import make_member
from tests.portal.test_points_pages import log_in
from tests.portal.test_posts_pages import published, veteran


async def test_every_page_has_the_progress_bar_back_to_top_and_the_script_once(
    client: httpx.AsyncClient,
) -> None:
    await log_in(client, await make_member())

    for path in ("/", "/groups", "/share", "/me", "/notifications"):
        page = (await client.get(path)).text
        assert re.search(r'<body [^>]*hx-indicator="#progress"', page), path
        assert 'class="progress" id="progress"' in page, path
        assert 'id="to-top" href="#" hidden>回到顶部</a>' in page, path
        assert page.count("/static/linli.js") == 1, path


async def test_the_feed_shows_skeleton_cards_while_its_next_page_loads(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    for n in range(13):
        await published(collaborators, await veteran(collaborators), title=f"第{n}篇阳台日记")

    page = (await client.get("/")).text

    more = page.split('class="more feed-more"')[1].split("</section>")[0]
    assert 'hx-indicator="this"' in more.split(">")[0]
    assert more.count('class="skeleton"') == 2 and 'aria-hidden="true"' in more


def empty_state(html: str) -> str:
    """The text and links of the page's (first) empty state."""
    found = re.search(r'<(p|li) class="empty"[^>]*>(.*?)</\1>', html, re.S)
    assert found, html[-2000:]
    return found.group(2)


async def test_each_empty_list_says_what_to_do_next_and_links_to_it(
    client: httpx.AsyncClient,
) -> None:
    await log_in(client, await make_member(roles=(Role.RESIDENT, Role.MODERATOR, Role.HOST)))
    expected = {
        "/?kind=RECIPE": ('href="/share?kind=RECIPE"', "来发第一篇吧"),
        "/groups": ('href="/"', "还没有兴趣小组"),
        "/events": ('href="/groups"', "加入小组"),
        "/mall": ('href="/points"', "签到"),
        "/my/posts": ('href="/share"', "你还没有"),
        "/notifications": ('href="/share"', "还没有"),
        "/moderation": ('href="/"', "没有待审核的内容"),
        "/host": ('href="/groups"', "你还没有主理的小组"),
        "/host/events": ('href="/host/events/new"', "策划第一场"),
    }

    for path, (link, words) in expected.items():
        page = await client.get(path)
        assert page.status_code == 200, path
        shown = empty_state(page.text)
        assert link in shown and words in shown, (path, shown)


# The installable web app --------------------------------------------------------------------


async def test_the_manifest_names_the_brand_and_opens_standalone_at_home(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    before = await client.get("/manifest.webmanifest")
    await brand.update_brand(collaborators, await make_member(roles=(Role.ADMIN,)), "青禾", "")
    await brand.forget_current_brand(collaborators)

    after = await client.get("/manifest.webmanifest")

    assert before.json()["name"] == "邻里"
    assert after.headers["content-type"] == "application/manifest+json"
    shown = after.json()
    assert shown["name"] == "青禾" and shown["start_url"] == "/"
    assert shown["display"] == "standalone" and shown["theme_color"] == "#2f7d4f"
    assert {(i["src"], i["sizes"]) for i in shown["icons"]} == {
        ("/icons/icon-192.png", "192x192"),
        ("/icons/icon-512.png", "512x512"),
    }


async def test_the_icons_are_square_pngs_of_their_size_and_pages_link_them(
    client: httpx.AsyncClient,
) -> None:
    for size in (180, 192, 512):
        response = await client.get(f"/icons/icon-{size}.png")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as icon:
            assert (icon.format, icon.size) == ("PNG", (size, size))
            assert icon.getpixel((1, 1)) == (47, 125, 79)  # the theme colour at the edge
    assert (await client.get("/icons/icon-64.png")).status_code == 404

    page = (await client.get("/groups")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<link rel="apple-touch-icon" href="/icons/icon-180.png">' in page
