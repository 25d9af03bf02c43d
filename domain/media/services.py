"""Uploading an image: counted against the member's allowance, read within the size limit,
re-encoded without metadata, stored under a random key and recorded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from domain import ratelimit
from domain.collaborators import Collaborators
from domain.errors import NotFoundError
from domain.identity.models import Member
from domain.media import images
from domain.media.models import CloudCheck, Image
from domain.media.storage import ImageStorage, new_key, rendition_key
from domain.safety import media_check
from domain.safety.imagehash import dhash

UPLOADS = ratelimit.Limit("uploads", count=30, window_seconds=10 * 60)

# Reads the uploaded file, raising UploadTooLargeError past the byte limit it is given.
FileReader = Callable[[int], Awaitable[bytes]]


async def upload_image(
    c: Collaborators, storage: ImageStorage, owner: Member, read_file: FileReader
) -> Image:
    """The allowance is counted before the body is read, so a flood costs us no bandwidth."""
    await ratelimit.hit(c.redis, UPLOADS, str(owner.id))
    data = await read_file(images.MAX_UPLOAD_BYTES)
    processed = await asyncio.to_thread(images.process_image, data)
    key = new_key(processed.format)
    image_hash = await asyncio.to_thread(dhash, processed.data)
    cloud_flag = await c.safety.provider.check_image(processed.data)
    later = media_check.asks_later(c)
    await storage.save(key, processed.data, processed.format.content_type)
    widths, colour = await _save_renditions(storage, key, processed)
    image = await Image.create(
        owner=owner,
        storage_key=key,
        content_type=processed.format.content_type,
        width=processed.width,
        height=processed.height,
        size_bytes=len(processed.data),
        dhash=image_hash,
        cloud_flag=cloud_flag[:200] if cloud_flag else None,
        cloud_check=CloudCheck.DUE if later else None,
        rendition_widths=widths,
        average_color=colour,
        created_at=c.clock.now(),
    )
    if later:
        await media_check.kick_submissions(c)
    return image


async def _save_renditions(
    storage: ImageStorage, key: str, processed: images.ProcessedImage
) -> tuple[list[int], str]:
    """Made once, at upload (a thread: resizing is CPU work); the widths made and the colour."""
    made, colour = await asyncio.to_thread(images.make_renditions, processed)
    for rendition in made:
        name = rendition_key(key, rendition.width, rendition.format)
        await storage.save(name, rendition.data, rendition.format.content_type)
    return sorted({r.width for r in made}), colour


async def make_missing_renditions(
    storage: ImageStorage, progress: Callable[[int, int], None] | None = None
) -> int:
    """Renditions for uploads made before they existed (``linli make-renditions``); returns how
    many uploads got theirs. An upload whose file is gone is skipped."""
    todo = await Image.filter(rendition_widths__isnull=True).count()
    done = seen = 0
    last_id = 0
    while True:
        missing = Image.filter(rendition_widths__isnull=True, id__gt=last_id)
        batch = await missing.order_by("id").limit(100)
        if not batch:
            return done
        for image in batch:
            last_id, seen = image.id, seen + 1
            try:
                stored = await storage.open(image.storage_key)
            except NotFoundError:
                continue
            fmt = next(f for f in images.FORMATS if f.content_type == stored.content_type)
            processed = images.ProcessedImage(stored.data, fmt, image.width, image.height)
            widths, colour = await _save_renditions(storage, image.storage_key, processed)
            await Image.filter(id=image.id).update(rendition_widths=widths, average_color=colour)
            done += 1
            if progress is not None:
                progress(seen, todo)


async def images_at(storage: ImageStorage, urls: list[str]) -> dict[str, Image]:
    """The uploads behind these addresses (a reward's picture, an avatar), in one statement;
    an address that is no upload of ours is left out."""
    keys = {storage.url(key): key for key in (url.rsplit("/", 1)[-1] for url in urls if url)}
    wanted = {key for url, key in keys.items() if url in urls}
    if not wanted:
        return {}
    return {
        storage.url(image.storage_key): image
        for image in await Image.filter(storage_key__in=list(wanted))
    }


async def find_own_image_url(c: Collaborators, owner: Member, image_id: int) -> str | None:
    """The public address of an image ``owner`` uploaded (re-encoded, metadata stripped), or
    None: someone else's image looks like a missing one."""
    image = await Image.get_or_none(id=image_id, owner_id=owner.id)
    if image is None:
        return None
    return c.images.url(image.storage_key)


async def own_images_by_id(owner: Member, image_ids: list[int]) -> dict[int, Image]:
    """The images of ``image_ids`` that ``owner`` uploaded; others' are left out (one statement)."""
    return {image.id: image for image in await Image.filter(id__in=image_ids, owner_id=owner.id)}
