"""分享海报: a published post's or a campaign's poster for a signed-in resident to save and send
into WeChat, as a page (the picture with "long-press to save") and as the PNG itself. The drawing
is ``domain.media.posters``; this reads what it shows, as the post and campaign pages do."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from domain.campaigns.queries import get_campaign
from domain.identity.models import Member
from domain.media.errors import ImageNotFoundError
from domain.media.models import Image
from domain.media.posters import Poster, cjk_font, render_poster
from domain.posts.models import PostStatus
from domain.posts.queries import post_detail
from portal import sharing
from portal.auth import collaborators, redirect
from portal.outcomes import logged_in, page

CACHE_CONTROL = "private, max-age=600"


def _brand_name(request: Request) -> str:
    brand = getattr(request.state, "brand", None)
    return str(getattr(brand, "name", "") or "邻里")


async def _picture(request: Request, image: Image | None) -> bytes | None:
    if image is None:
        return None
    try:
        return (await collaborators(request).images.open(sharing.image_key(image))).data
    except ImageNotFoundError:
        return None


async def _png(request: Request, poster: Poster, picture: bytes | None) -> Response:
    font_path = cjk_font(collaborators(request).settings.poster_font)
    data = await asyncio.to_thread(render_poster, poster, picture, font_path)
    return Response(data, media_type="image/png", headers={"Cache-Control": CACHE_CONTROL})


async def _post_poster(request: Request, member: Member) -> tuple[Poster, Image | None] | None:
    """A post the member may read and that is published: its poster and its cover."""
    detail = await post_detail(member, request.path_params["post_id"])
    if detail is None or detail.card.post.status != PostStatus.PUBLISHED:
        return None
    post = detail.card.post
    link = sharing.absolute(request, request.url_for("post", post_id=post.id).path)
    poster = Poster(post.title, member.display_name, _brand_name(request), link)
    return poster, (detail.images[0] if detail.images else None)


async def _campaign_poster(request: Request, member: Member) -> Poster | None:
    campaign = await get_campaign(request.path_params["campaign_id"])
    if campaign is None:
        return None
    link = sharing.absolute(request, request.url_for("campaign", campaign_id=campaign.id).path)
    return Poster(campaign.title, member.display_name, _brand_name(request), link)


def _missing(request: Request) -> Response:
    return page(request, "errors/missing.html", {}, status_code=404)


async def post_poster_png(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    found = await _post_poster(request, member)
    if found is None:
        return _missing(request)
    poster, cover = found
    return await _png(request, poster, await _picture(request, cover))


async def campaign_poster_png(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    poster = await _campaign_poster(request, member)
    if poster is None:
        return _missing(request)
    return await _png(request, poster, None)


async def post_poster_page(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    found = await _post_poster(request, member)
    if found is None:
        return _missing(request)
    return _poster_page(request, found[0].title, f"/posts/{request.path_params['post_id']}")


async def campaign_poster_page(request: Request) -> Response:
    member = await logged_in(request)
    if member is None:
        return redirect(request, "log_in")
    poster = await _campaign_poster(request, member)
    if poster is None:
        return _missing(request)
    return _poster_page(request, poster.title, f"/campaigns/{request.path_params['campaign_id']}")


def _poster_page(request: Request, title: str, shared: str) -> Response:
    """The page showing the poster of what lives at ``shared`` (long-press to save)."""
    context = {"title": title, "png": f"{shared}/poster.png", "back": shared}
    return page(request, "sharing/poster.html", context)
