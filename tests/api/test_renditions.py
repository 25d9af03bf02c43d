"""Renditions: an upload is also stored 360, 720 and 1440 px wide, as WebP and JPEG, without
metadata, with its average colour; the pages draw uploads from them (srcset, lazy, the colour
while loading), older uploads get theirs from ``linli make-renditions``, and unused uploads go
with all their files."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import httpx
from PIL import Image

from domain.collaborators import Collaborators
from domain.identity.models import Role
from domain.media.images import JPEG, WEBP
from domain.media.models import Image as ImageRow
from domain.media.retention import purge_unused_uploads
from domain.media.services import make_missing_renditions
from domain.media.storage import rendition_key
from domain.posts.models import PostImage
from domain.rewards.models import Reward
from tests.api.test_posts_api import make_post
from tests.api.test_uploads import bearer, media_root, post_file
from tests.domain.test_images import exif_with_gps
from tests.factories import make_member
from tests.portal.test_points_pages import log_in

__all__ = ["media_root"]  # the uploads tests' fixture, used here too


def files_of(folder: Path, key: str) -> list[Path]:
    """An upload's stored files: the picture and its renditions."""
    return sorted(p for p in folder.iterdir() if p.name.startswith(key[:32]))


def photo(size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A camera-sized JPEG with GPS in its EXIF: left half red, right half blue."""
    picture = Image.new("RGB", size, (220, 40, 40))
    picture.paste((40, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif_with_gps(), quality=90)
    return out.getvalue()


async def test_a_4000_px_photo_gets_three_widths_in_webp_and_jpeg_without_metadata(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    sent = await post_file(client, await bearer(collaborators), photo())
    assert sent.status_code == 201, sent.text
    row = await ImageRow.get()
    assert (row.width, row.rendition_widths) == (2048, [360, 720, 1440])
    assert row.average_color is not None and re.fullmatch(r"#[0-9a-f]{6}", row.average_color)
    red, green, blue = (int(row.average_color[i : i + 2], 16) for i in (1, 3, 5))
    assert 100 < red < 160 and green < 70 and 100 < blue < 160  # half red, half blue
    for width in (360, 720, 1440):
        for fmt, pillow_name in ((WEBP, "WEBP"), (JPEG, "JPEG")):
            served = await client.get(f"/media/{rendition_key(row.storage_key, width, fmt)}")
            assert served.status_code == 200, (width, fmt)
            assert served.headers["content-type"] == fmt.content_type
            opened = Image.open(io.BytesIO(served.content))
            assert (opened.format, opened.size) == (pillow_name, (width, width * 3 // 4))
            assert dict(opened.getexif()) == {} and b"PhoneMaker" not in served.content
            assert "icc_profile" not in opened.info


async def test_a_small_picture_is_never_enlarged(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    sent = await post_file(client, await bearer(collaborators), photo((500, 400)))
    assert sent.status_code == 201
    assert (await ImageRow.get()).rendition_widths == [360, 500]


async def test_pages_draw_uploads_from_their_renditions_with_the_colour_while_loading(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    c = collaborators
    author = await make_member(display_name="拍照的邻居")
    await post_file(client, await bearer(c), photo())
    image = await ImageRow.get()
    post = await make_post(c, author, "阳台番茄大丰收")
    await PostImage.create(post=post, image=image, position=0)
    await log_in(client, await make_member())

    feed = (await client.get("/")).text
    card = feed.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    stem = image.storage_key.rsplit(".", 1)[0]
    webp = (
        f"/media/{stem}-360.webp 360w, /media/{stem}-720.webp 720w, /media/{stem}-1440.webp 1440w"
    )
    assert f'<source type="image/webp" srcset="{webp}"' in card
    assert f'src="/media/{stem}-720.jpg"' in card and 'loading="lazy"' in card
    assert f'fill="{image.average_color}"' in card
    assert f"/media/{image.storage_key}" not in card  # the 2,048 px original is not sent

    page = (await client.get(f"/posts/{post.id}")).text
    assert 'class="gallery post-images"' in page and 'href="#photo-1"' in page
    assert 'id="photo-1" role="dialog"' in page and f"/media/{stem}-1440.webp 1440w" in page


async def test_the_mall_shows_each_rewards_photo_and_an_admin_adds_one_on_creation(
    client: httpx.AsyncClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    csrf = await log_in(client, admin)
    sent = await post_file(client, {"X-CSRF-Token": csrf}, photo())
    assert sent.status_code == 201
    form = {
        "csrf_token": csrf,
        "name": "有机小番茄",
        "description": "崇明农场直送，一份 500 克",
        "costPoints": "30",
        "stock": "5",
        "imageId": sent.json()["id"],
    }
    created = await client.post("/admin/rewards", data=form)
    assert created.status_code == 303, created.text
    image = await ImageRow.get()
    reward = await Reward.get(name="有机小番茄")
    assert reward.image_url == f"/media/{image.storage_key}"
    garbled = await client.post("/admin/rewards", data={**form, "imageId": "not-an-id"})
    assert garbled.status_code == 422 and await Reward.all().count() == 1

    mall = (await client.get("/mall")).text
    card = mall.split(f'id="reward-{reward.id}"')[1].split("</article>")[0]
    stem = image.storage_key.rsplit(".", 1)[0]
    assert f"/media/{stem}-360.webp 360w" in card and 'alt="有机小番茄"' in card


async def test_older_uploads_get_renditions_and_unused_ones_go_with_every_file(
    client: httpx.AsyncClient, collaborators: Collaborators, media_root: Path
) -> None:
    c = collaborators
    await post_file(client, await bearer(c), photo((1600, 1200)))
    image = await ImageRow.get()
    made = files_of(media_root, image.storage_key)
    assert len(made) == 1 + 2 * 3
    for path in made:
        if path.name != image.storage_key:
            path.unlink()
    await ImageRow.filter(id=image.id).update(rendition_widths=None, average_color=None)

    seen: list[tuple[int, int]] = []
    assert await make_missing_renditions(c.images, lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]
    image = await ImageRow.get()
    assert image.rendition_widths == [360, 720, 1440] and image.average_color
    assert media_root / rendition_key(image.storage_key, 1440, WEBP) in files_of(
        media_root, image.storage_key
    )
    assert await make_missing_renditions(c.images) == 0  # done once

    await ImageRow.filter(id=image.id).update(created_at=c.clock.now() - timedelta(days=2))
    assert await purge_unused_uploads(c, c.clock.now()) == 1
    assert files_of(media_root, image.storage_key) == []
