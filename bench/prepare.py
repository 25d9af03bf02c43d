"""After the rows: access tokens minted by the product's token service, this month's leaderboard
rebuilt in Redis, and the files the wrk scripts draw from (bench/data/, not committed)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from tortoise import Tortoise

DATA = Path(__file__).parent / "data"


def data_dir(database_url: str) -> Path:
    """The files of one dataset: bench/data/<database name>/."""
    return DATA / database_url.rpartition("/")[2]


async def prepare(database_url: str, redis_url: str, viewers: int, seed: int) -> None:
    from api.posts.queries import _feed_cursor
    from domain.clock import Clock
    from domain.columns import column
    from domain.identity.models import Member, TokenKind
    from domain.identity.tokens import issue_token
    from domain.points import leaderboard
    from domain.posts.models import Post, PostStatus
    from domain.posts.queries import PostCard
    from domain.stores import open_redis
    from portal.forms.posts import feed_cursor
    from settings import maintenance_limits, tortoise_config
    from web.ids import encode_id

    rng = random.Random(seed)
    config = tortoise_config(database_url, maintenance_limits())
    await Tortoise.init(config=config)
    redis = open_redis(redis_url)
    try:
        data = data_dir(database_url)
        data.mkdir(parents=True, exist_ok=True)
        now = Clock().now()
        total = await Member.all().count()
        ids = sorted(rng.sample(range(1, total + 1), min(viewers, total)))
        members = await Member.filter(id__in=ids)
        tokens = [
            await issue_token(m, TokenKind.ACCESS, timedelta(days=30), now, f"bench{m.id}")
            for m in members
        ]
        (data / "tokens.txt").write_text("\n".join(tokens) + "\n")
        board = await leaderboard.rebuild(redis, now)
        # Deep cursors: the sort keys of rows far down the feed (a window over the index order).
        published = await Post.filter(status=PostStatus.PUBLISHED).count()
        depths = sorted(rng.sample(range(20, published - 20), min(200, published - 40)))
        rows = await column(
            Post.filter(status=PostStatus.PUBLISHED)
            .order_by("-featured", "-published_at", "-id")
            .offset(0)
            .limit(1),
            "id",
        )
        keys = []
        conn = Tortoise.get_connection("default")
        found = await conn.execute_query_dict(
            "SELECT featured, published_at, id FROM (SELECT featured, published_at, id, "
            "row_number() OVER (ORDER BY featured DESC, published_at DESC, id DESC) AS n "
            "FROM post WHERE status = 'PUBLISHED') r WHERE n = ANY($1::int[])",
            [depths],
        )
        for row in found:
            keys.append((row["featured"], row["published_at"], row["id"]))
        cards = []
        for featured, published_at, pk in keys:
            card = PostCard(
                post=Post(id=pk, featured=featured, published_at=published_at),
                cover=None,
                viewer_has_liked=False,
                viewer_in_group=False,
            )
            cards.append(card)
        (data / "cursors.txt").write_text("\n".join(_feed_cursor(c) for c in cards) + "\n")
        (data / "portal_cursors.txt").write_text(
            "\n".join(str(feed_cursor(c.feed_key)) for c in cards) + "\n"
        )
        post_ids = [encode_id("Post", k[2]) for k in keys]
        (data / "post_ids.txt").write_text("\n".join(post_ids) + "\n")
        print(
            f"prepared: {len(tokens)} tokens, leaderboard of {board} members, "
            f"{len(keys)} deep cursors (first row {rows[0] if rows else None})"
        )
    finally:
        await redis.aclose()
        await Tortoise.close_connections()
