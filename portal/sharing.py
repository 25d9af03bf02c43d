"""What a link pasted into WeChat (or any messenger) shows as its card: title, a short plain-text
description, a picture and the page's address, all absolute (``base.html``'s ``share_meta``
block draws them as Open Graph and the ``itemprop`` tags WeChat's browser reads)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from domain.campaigns.models import Campaign
from domain.events.models import Event
from domain.groups.models import InterestGroup
from domain.media.images import JPEG
from domain.media.models import Image
from domain.media.storage import rendition_key
from domain.posts.models import Post, PostStatus
from domain.posts.rendering import excerpt
from portal.auth import collaborators
from settings import DEFAULT_PUBLIC_URL

DESCRIPTION_LIMIT = 120
CARD_WIDTH = 720  # the JPEG rendition a card shows, when the upload has one
DEFAULT_IMAGE = "/static/share.png"
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ShareCard:
    title: str
    description: str  # plain text; the template escapes it
    image: str
    url: str
    kind: str = "article"  # og:type


def site_url(request: Request) -> str:
    """This site's address: ``PUBLIC_URL`` when it is set, else the one the request came to."""
    configured = collaborators(request).settings.public_url.rstrip("/")
    if configured and configured != DEFAULT_PUBLIC_URL:
        return configured
    return str(request.base_url).rstrip("/")


def absolute(request: Request, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return site_url(request) + "/" + url.lstrip("/")


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Plain text on one line, at most ``limit`` characters, the last "…" when it was cut."""
    flat = _WHITESPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def image_key(image: Image) -> str:
    """The stored key a card shows: the 720 px JPEG when the upload has one, else the upload."""
    if CARD_WIDTH in (image.rendition_widths or []):
        return rendition_key(image.storage_key, CARD_WIDTH, JPEG)
    return image.storage_key


def default_image(request: Request) -> str:
    brand = getattr(request.state, "brand", None)
    logo = getattr(brand, "logo_url", None)
    return absolute(request, logo or DEFAULT_IMAGE)


def for_post(request: Request, post: Post, cover: Image | None) -> ShareCard | None:
    """A published post's card; none for any other status, whoever reads the page."""
    if post.status != PostStatus.PUBLISHED:
        return None
    image = collaborators(request).images.url(image_key(cover)) if cover else None
    return ShareCard(
        title=post.title,
        description=excerpt(post.body, DESCRIPTION_LIMIT),
        image=absolute(request, image) if image else default_image(request),
        url=absolute(request, request.url_for("post", post_id=post.id).path),
    )


def for_campaign(request: Request, campaign: Campaign) -> ShareCard:
    return ShareCard(
        title=campaign.title,
        description=shorten(campaign.description),
        image=default_image(request),
        url=absolute(request, request.url_for("campaign", campaign_id=campaign.id).path),
    )


def for_event(request: Request, event: Event) -> ShareCard:
    """An event's card, with its group's cover when it has one."""
    group: InterestGroup | None = event.group
    cover = group.cover_url if group is not None else None
    return ShareCard(
        title=event.title,
        description=shorten(event.description),
        image=absolute(request, cover) if cover else default_image(request),
        url=absolute(request, request.url_for("event", event_id=event.id).path),
    )


def for_group(request: Request, group: InterestGroup) -> ShareCard:
    return ShareCard(
        title=group.name,
        description=shorten(group.description or ""),
        image=absolute(request, group.cover_url) if group.cover_url else default_image(request),
        url=absolute(request, request.url_for("group", slug=group.slug).path),
    )


def invite_url(request: Request, code: str) -> str:
    """The absolute link that opens registration with ``code`` filled in (if there is one)."""
    path = request.url_for("register").path
    return absolute(request, f"{path}?{urlencode({'invite': code})}" if code else path)


def for_invite(request: Request, link: str) -> ShareCard:
    """The invite link's card; its words are the template's (they are translated there)."""
    return ShareCard(title="", description="", image=default_image(request), url=link)
