"""``python -m bench.feed_images``: the image bytes a phone downloads for the first 20 cards of the
feed, before renditions (every card's cover was the stored upload, up to 2,048 px) and now (the
``srcset`` candidate a browser picks at 390 px wide).

Twenty photo-like pictures (gradients under camera noise, 4,032 × 3,024 JPEG) are uploaded through
the product's upload service into a database and media folder of its own (SQLite, a temporary
folder), twenty posts use them as covers, and the feed's two pages are rendered by the app. For
each card the HTML's ``<source type="image/webp" srcset>`` and ``sizes`` are read and the
candidate chosen as Chromium does: the smallest width at least the slot's width × the device
pixel ratio, else the largest. Printed for DPR 2 and 3 with the ratio to the before figure."""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import fakeredis
import httpx
from PIL import Image, ImageFilter
from tortoise import Tortoise

from asgi import create_app
from domain.clock import Clock
from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.identity.wechat import WechatClient
from domain.media.services import upload_image
from domain.posts.models import Post, PostImage, PostKind, PostStatus
from domain.stores import apply_migrations
from settings import Settings, tortoise_config

VIEWPORT = 390
CARDS = 20
SLOT = re.compile(r"(\d+(?:\.\d+)?)vw\s*$")


def photo(rng: random.Random, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """A picture that compresses like a photo: a coloured gradient, blotches, sensor noise."""
    small = Image.new("RGB", (64, 48))
    base = [rng.randint(40, 220) for _ in range(3)]
    for x in range(64):
        for y in range(48):
            tint = x * 2 - y + rng.randint(-30, 30)
            small.putpixel((x, y), tuple(max(0, min(255, c + tint)) for c in base))
    picture = small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise(size, 28).convert("RGB")
    picture = Image.blend(picture, noise, 0.12)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


def chosen(srcset: str, sizes: str, dpr: float) -> str:
    """The candidate a browser takes for a slot ``sizes`` wide (its last, unconditioned entry)."""
    slot_vw = float(SLOT.search(sizes.split(",")[-1]).group(1))  # type: ignore[union-attr]
    needed = VIEWPORT * slot_vw / 100 * dpr
    candidates = sorted(
        (int(width[:-1]), url) for url, width in (part.split() for part in srcset.split(", "))
    )
    return next((url for width, url in candidates if width >= needed), candidates[-1][1])


async def measure(folder: Path, seed: int) -> list[str]:
    url = f"sqlite://{folder / 'bench.sqlite3'}"
    await apply_migrations(tortoise_config(url))
    await Tortoise.init(config=tortoise_config(url))
    settings = Settings(
        database_url=url,
        redis_url="memory://",
        secret_key="bench-only-not-a-secret",  # noqa: S106
        data_dir=folder,
        demo=False,
    )
    c = Collaborators(
        settings=settings,
        redis=fakeredis.FakeAsyncRedis(decode_responses=True),
        clock=Clock(),
        wechat=WechatClient(settings.wechat_base_url, "", ""),
    )
    now = datetime.now(UTC)
    # An admin exists, so the portal serves its pages rather than the first-run setup page.
    author = await Member.create(
        phone="13800000000",
        display_name="拍照的邻居",
        invite_code="BENCH001",
        roles=["RESIDENT", "ADMIN"],
        created_at=now,
    )
    rng = random.Random(seed)
    originals = 0
    for n in range(CARDS):
        data = photo(rng)

        async def read(limit: int, data: bytes = data) -> bytes:
            return data

        image = await upload_image(c, c.images, author, read)
        originals += image.size_bytes
        post = await Post.create(
            author=author,
            kind=PostKind.STORY,
            title=f"阳台一角 {n + 1}",
            body="今天的阳台。",
            body_html="<p>今天的阳台。</p>",
            excerpt="今天的阳台。",
            status=PostStatus.PUBLISHED,
            published_at=now,
            created_at=now,
        )
        await PostImage.create(post=post, image=image, position=0)
    app = create_app(settings, c, manage_stores=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        html = (await http.get("/")).text
        more = re.search(r'class="more feed-more" hx-get="([^"]+)"', html)
        if more:
            next_page = more.group(1).replace("&amp;", "&")
            html += (await http.get(next_page, headers={"HX-Request": "true"})).text
    sources = re.findall(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', html)
    if not sources:
        await Tortoise.close_connections()
        raise SystemExit(f"the feed showed no covers: {html[:400]}")
    lines = [
        f"{len(sources)} cards with a cover; before (the stored upload each): {originals:,} bytes"
    ]
    for dpr in (2.0, 3.0):
        total = 0
        for srcset, sizes in sources[:CARDS]:
            key = chosen(srcset, sizes, dpr).rsplit("/", 1)[-1]
            total += (await c.images.open(key)).data.__len__()
        lines.append(
            f"now at {VIEWPORT} px, DPR {dpr:g}: {total:,} bytes = {total / originals:.3f}× before"
        )
    await Tortoise.close_connections()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feed_images")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for line in asyncio.run(measure(Path(folder), args.seed)):
            print(line)


if __name__ == "__main__":
    main()
