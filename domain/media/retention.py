"""Uploads never used: an image uploaded for a post, a reward, an avatar, a group cover or the
brand's logo that nothing took within a day is deleted with its file by the due jobs."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Subquery

from domain.collaborators import Collaborators
from domain.columns import column
from domain.groups.models import InterestGroup
from domain.identity.models import Member
from domain.media.images import JPEG, WEBP
from domain.media.models import Image
from domain.media.storage import rendition_key
from domain.posts.models import PostImage
from domain.products.models import Product
from domain.programme.models import BrandProfile
from domain.rewards.models import Reward

UNUSED_RETENTION = timedelta(hours=24)
BATCH = 500


async def purge_unused_uploads(c: Collaborators, now: datetime) -> int:
    """Delete images older than a day that no post or product holds and whose address no reward,
    avatar, group cover or logo uses; returns how many. At most ``BATCH`` per run (the next run
    takes the rest)."""
    held = Subquery(PostImage.all().values("image_id"))
    pictured = Subquery(Product.filter(image_id__isnull=False).values("image_id"))
    candidates = (
        await Image.filter(created_at__lt=now - UNUSED_RETENTION)
        .exclude(id__in=held)
        .exclude(id__in=pictured)
        .order_by("id")
        .limit(BATCH)
        .values_list("id", "storage_key")
    )
    if not candidates:
        return 0
    urls = {c.images.url(key): image_id for image_id, key in candidates}
    used: set[str] = set()
    for model, field in (
        (Reward, "image_url"),
        (Member, "avatar_url"),
        (InterestGroup, "cover_url"),
        (BrandProfile, "logo_url"),
    ):
        used.update(await column(model.filter(**{f"{field}__in": list(urls)}), field))
    unused = {image_id: key for image_id, key in candidates if c.images.url(key) not in used}
    if not unused:
        return 0
    widths = dict(
        await Image.filter(id__in=list(unused)).values_list("storage_key", "rendition_widths")
    )
    await Image.filter(id__in=list(unused)).delete()
    for key in unused.values():
        await c.images.delete(key)
        for width in widths.get(key) or []:
            for fmt in (JPEG, WEBP):
                await c.images.delete(rendition_key(key, width, fmt))
    return len(unused)
