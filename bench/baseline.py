"""The baseline: the least a server can do to answer the contract's ``Feed`` operation.

Starlette + asyncpg + orjson, no GraphQL engine and no ORM: it authenticates the bearer token
(one statement: token joined to member), reads the page with the product's page statement (posts
joined to author, group and host, ordered by (featured, published_at, id) DESC, the viewer's
liked flag as an EXISTS column) and the covers of the page (one statement), and returns the JSON
that ``Feed`` returns. It reads only the columns the answer needs, so the ratio to it is what the
product's GraphQL engine, ORM and middleware cost on top of the same SQL.

Serve: ``BENCH_DATABASE_URL=postgres://… uvicorn bench.baseline:app``.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

AUTH_SQL = """SELECT m.id FROM auth_token t JOIN member m ON m.id = t.member_id
WHERE t.token_hash = $1 AND t.kind = 'access' AND t.revoked_at IS NULL AND t.expires_at > $2
AND NOT m.suspended"""
_PAGE = """SELECT p.id, p.kind, p.status, p.title, p.excerpt, p.like_count, p.comment_count,
    p.featured, p.published_at, a.id AS author_id, a.display_name, a.avatar_url, a.tier,
    g.id AS group_id, g.name AS group_name,
    {liked} AS viewer_liked
FROM post p
JOIN member a ON a.id = p.author_id
LEFT JOIN interest_group g ON g.id = p.group_id
LEFT JOIN member h ON h.id = g.host_id
WHERE p.status = 'PUBLISHED' {after}
ORDER BY p.featured DESC, p.published_at DESC, p.id DESC
LIMIT $1"""
_LIKED = "EXISTS (SELECT 1 FROM post_like pl WHERE pl.post_id = p.id AND pl.member_id = $2)"
# The product's keyset condition: same featured and older (bounded, so the index scan starts at
# the cursor), or (after a featured row) any not featured.
_AFTER = """AND ((p.featured = $3 AND p.published_at <= $4 AND (p.published_at < $4
    OR (p.published_at = $4 AND p.id < $5))) OR ($3 AND NOT p.featured))"""
COVERS_SQL = """SELECT pi.post_id, i.storage_key, i.width, i.height FROM post_image pi
JOIN image i ON i.id = pi.image_id WHERE pi.post_id = ANY($1::int[])
ORDER BY pi.post_id, pi.position"""

statements = 0  # sent so far by this process (the bench reads it in-process)


def _page_sql(viewer: bool, after: bool) -> str:
    liked = _LIKED if viewer else "false"
    keyset = _AFTER if after else ""
    if after and not viewer:
        keyset = keyset.replace("$3", "$2").replace("$4", "$3").replace("$5", "$4")
    return _PAGE.format(liked=liked, after=keyset)


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def cursor(featured: bool, published_at: datetime, pk: int) -> str:
    raw = orjson.dumps([featured, published_at.isoformat(), pk])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_cursor(raw: str) -> tuple[bool, datetime, int]:
    featured, published_at, pk = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(featured), datetime.fromisoformat(published_at), int(pk)


def error(message: str) -> Response:
    return Response(
        orjson.dumps({"data": None, "errors": [{"message": message}]}),
        media_type="application/json",
    )


async def _fetch(conn: asyncpg.Connection, sql: str, *args: Any) -> list[asyncpg.Record]:
    global statements
    statements += 1
    rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
    return rows


async def feed(request: Request) -> Response:
    body = orjson.loads(await request.body())
    variables = body.get("variables") or {}
    first = variables.get("first")
    if not isinstance(first, int) or not 1 <= first <= 50:
        return error("first must be 1–50")
    after = variables.get("after")
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        viewer = None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            digest = hashlib.sha256(token.strip().encode()).hexdigest()
            rows = await _fetch(conn, AUTH_SQL, digest, datetime.now(UTC))
            viewer = rows[0]["id"] if rows else None
        args: list[Any] = [first + 1]
        if viewer is not None:
            args.append(viewer)
        if after:
            args.extend(parse_cursor(after))
        rows = await _fetch(conn, _page_sql(viewer is not None, bool(after)), *args)
        page = rows[:first]
        covers: dict[int, asyncpg.Record] = {}
        if page:
            for row in await _fetch(conn, COVERS_SQL, [r["id"] for r in page]):
                covers.setdefault(row["post_id"], row)
    edges = []
    for r in page:
        cover = covers.get(r["id"])
        edges.append(
            {
                "cursor": cursor(r["featured"], r["published_at"], r["id"]),
                "node": {
                    "id": gid("Post", r["id"]),
                    "kind": r["kind"],
                    "status": r["status"],
                    "title": r["title"],
                    "excerpt": r["excerpt"],
                    "coverImage": {
                        "url": f"/media/{cover['storage_key']}",
                        "width": cover["width"],
                        "height": cover["height"],
                    }
                    if cover
                    else None,
                    "author": {
                        "id": gid("Member", r["author_id"]),
                        "displayName": r["display_name"],
                        "avatarUrl": r["avatar_url"],
                        "tier": r["tier"],
                    },
                    "group": {"id": gid("InterestGroup", r["group_id"]), "name": r["group_name"]}
                    if r["group_id"] is not None
                    else None,
                    "likeCount": r["like_count"],
                    "commentCount": r["comment_count"],
                    "viewerHasLiked": r["viewer_liked"],
                    "featured": r["featured"],
                    "publishedAt": r["published_at"].isoformat(),
                },
            }
        )
    data = {
        "feed": {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": len(rows) > first,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }
    }
    return Response(orjson.dumps({"data": data}), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"]
    app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", feed, methods=["POST"])], lifespan=lifespan)
