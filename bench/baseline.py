"""The baseline: the least a server can do to answer the contract's ``Feed``, ``PostDetail`` and
``Points`` operations (told apart by the operation's name in the document; a hash-only request
is the Feed).

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
LIMIT {limit}"""
_LIKED = "EXISTS (SELECT 1 FROM post_like pl WHERE pl.post_id = p.id AND pl.member_id = $1)"
# The product's keyset condition: same featured and older (bounded, so the index scan starts at
# the cursor), and after a featured row any row not featured. Written for the cursor's featured
# flag, as the product writes it: with the flag bound, the statement's generic plan (which
# PostgreSQL takes once the page's size is in the text) scans the index from the top.
_AFTER = """AND (p.featured = $2 AND p.published_at <= $3 AND (p.published_at < $3
    OR (p.published_at = $3 AND p.id < $4)))"""
_AFTER_FEATURED = """AND ((p.featured = $2 AND p.published_at <= $3 AND (p.published_at < $3
    OR (p.published_at = $3 AND p.id < $4))) OR NOT p.featured)"""
COVERS_SQL = """SELECT pi.post_id, i.storage_key, i.width, i.height FROM post_image pi
JOIN image i ON i.id = pi.image_id WHERE pi.post_id = ANY($1::int[])
ORDER BY pi.post_id, pi.position"""

statements = 0  # sent so far by this process (the bench reads it in-process)


def _page_sql(viewer: bool, after: bool, limit: int, featured: bool = False) -> str:
    """The page's statement; its size is written into the text, as the product writes it (with
    a bound LIMIT, PostgreSQL plans the statement afresh on every execution)."""
    liked = _LIKED if viewer else "false"
    keyset = (_AFTER_FEATURED if featured else _AFTER) if after else ""
    if after and not viewer:
        keyset = keyset.replace("$2", "$1").replace("$3", "$2").replace("$4", "$3")
    return _PAGE.format(liked=liked, after=keyset, limit=int(limit))


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


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _viewer(conn: asyncpg.Connection, request: Request) -> int | None:
    token = _bearer(request)
    if token is None:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows = await _fetch(conn, AUTH_SQL, digest, datetime.now(UTC))
    return int(rows[0]["id"]) if rows else None


async def graphql(request: Request) -> Response:
    body = orjson.loads(await request.body())
    query = body.get("query") or ""
    if "query PostDetail" in query:
        return await post_detail(request, body)
    if "query Points" in query:
        return await points(request, body)
    return await feed(request, body)


def id_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([pk])).decode().rstrip("=")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _card(r: asyncpg.Record, cover: Any) -> dict[str, Any]:
    """The contract's PostCard of a page row."""
    return {
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
        "publishedAt": _iso(r["published_at"]),
    }


_POST = """SELECT p.id, p.kind, p.status, p.title, p.excerpt, p.body_html, p.like_count,
    p.comment_count, p.featured, p.published_at, a.id AS author_id, a.display_name, a.avatar_url,
    a.tier, g.id AS group_id, g.name AS group_name, {liked} AS viewer_liked
FROM post p
JOIN member a ON a.id = p.author_id
LEFT JOIN interest_group g ON g.id = p.group_id
WHERE p.id = $1 AND p.status = 'PUBLISHED'"""
IMAGES_SQL = """SELECT i.storage_key, i.width, i.height FROM post_image pi
JOIN image i ON i.id = pi.image_id WHERE pi.post_id = $1 ORDER BY pi.position"""
RECIPE_SQL = "SELECT servings, minutes FROM recipe_details WHERE post_id = $1"
INGREDIENTS_SQL = "SELECT name, amount FROM recipe_ingredient WHERE post_id = $1 ORDER BY position"
STEPS_SQL = "SELECT text FROM recipe_step WHERE post_id = $1 ORDER BY position"
COMMENTS_SQL = """SELECT c.id, c.body_html, c.created_at, a.id AS author_id, a.display_name,
    a.avatar_url FROM comment c JOIN member a ON a.id = c.author_id
WHERE c.post_id = $1 AND NOT c.hidden ORDER BY c.id LIMIT $2"""


async def post_detail(request: Request, body: dict[str, Any]) -> Response:
    """PostDetail of a published post: the post joined to author and group with the viewer's
    liked flag, its images, the recipe of a RECIPE, a page of comments with their authors."""
    variables = body.get("variables") or {}
    first = variables.get("commentsFirst")
    if not isinstance(first, int) or not 1 <= first <= 50:
        return error("commentsFirst must be 1–50")
    raw = base64.b64decode(str(variables.get("id", ""))).decode()
    post_id = int(raw.partition(":")[2])
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        viewer = await _viewer(conn, request)
        liked = _LIKED.replace("$1", "$2") if viewer is not None else "false"  # post $1, viewer $2
        args: list[Any] = [post_id] + ([viewer] if viewer is not None else [])
        rows = await _fetch(conn, _POST.format(liked=liked), *args)
        if not rows:
            return Response(orjson.dumps({"data": {"post": None}}), media_type="application/json")
        r = rows[0]
        images = await _fetch(conn, IMAGES_SQL, post_id)
        recipe = None
        if r["kind"] == "RECIPE":
            details = await _fetch(conn, RECIPE_SQL, post_id)
            if details:
                ingredients = await _fetch(conn, INGREDIENTS_SQL, post_id)
                steps = await _fetch(conn, STEPS_SQL, post_id)
                recipe = {
                    "servings": details[0]["servings"],
                    "minutes": details[0]["minutes"],
                    "ingredients": [
                        {"name": i["name"], "amount": i["amount"]} for i in ingredients
                    ],
                    "steps": [s["text"] for s in steps],
                }
        comments = await _fetch(conn, COMMENTS_SQL, post_id, first + 1)
    image_list = [
        {"url": f"/media/{i['storage_key']}", "width": i["width"], "height": i["height"]}
        for i in images
    ]
    edges = [
        {
            "node": {
                "id": gid("Comment", c["id"]),
                "bodyHtml": c["body_html"],
                "createdAt": c["created_at"].isoformat(),
                "author": {
                    "id": gid("Member", c["author_id"]),
                    "displayName": c["display_name"],
                    "avatarUrl": c["avatar_url"],
                },
            }
        }
        for c in comments[:first]
    ]
    post = {
        **_card(r, images[0] if images else None),
        "bodyHtml": r["body_html"],
        "images": image_list,
        "recipe": recipe,
        "comments": {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": len(comments) > first,
                "endCursor": id_cursor(comments[:first][-1]["id"]) if edges else None,
            },
        },
    }
    return Response(orjson.dumps({"data": {"post": post}}), media_type="application/json")


# The product's summary statement (domain/points/queries.py): balances and next expiry in one.
SUMMARY_SQL = """SELECT a.balance, a.pending, s.expires_at, s.total FROM (SELECT 1 AS one) o
LEFT JOIN points_account a ON a.member_id = $1
LEFT JOIN (SELECT expires_at, sum(remaining) AS total FROM points_lot
    WHERE member_id = $1 AND released AND remaining > 0
    GROUP BY expires_at ORDER BY expires_at LIMIT 1) s ON 1 = 1"""
LEDGER_SQL = """SELECT id, amount, balance_after, reason, description, created_at, expires_at
FROM ledger_entry WHERE member_id = $1 ORDER BY id DESC LIMIT $2"""


async def points(request: Request, body: dict[str, Any]) -> Response:
    """Points, first page: the account, the next expiry with its amount, the ledger page."""
    variables = body.get("variables") or {}
    first = variables.get("first")
    if not isinstance(first, int) or not 1 <= first <= 50:
        return error("first must be 1–50")
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        viewer = await _viewer(conn, request)
        if viewer is None:
            return error("请先登录")
        (summary,) = await _fetch(conn, SUMMARY_SQL, viewer)
        ledger = await _fetch(conn, LEDGER_SQL, viewer, first + 1)
    edges = [
        {
            "node": {
                "id": gid("LedgerEntry", e["id"]),
                "amount": e["amount"],
                "balanceAfter": e["balance_after"],
                "reason": e["reason"],
                "description": e["description"],
                "createdAt": e["created_at"].isoformat(),
                "expiresAt": _iso(e["expires_at"]),
            }
        }
        for e in ledger[:first]
    ]
    data = {
        "viewer": {
            "id": gid("Member", viewer),
            "points": {
                "balance": summary["balance"] or 0,
                "pending": summary["pending"] or 0,
                "nextExpiry": {
                    "amount": int(summary["total"]),
                    "expiresAt": summary["expires_at"].isoformat(),
                }
                if summary["expires_at"] is not None
                else None,
                "ledger": {
                    "edges": edges,
                    "pageInfo": {
                        "hasNextPage": len(ledger) > first,
                        "endCursor": id_cursor(ledger[:first][-1]["id"]) if edges else None,
                    },
                },
            },
        }
    }
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def feed(request: Request, body: dict[str, Any]) -> Response:
    variables = body.get("variables") or {}
    first = variables.get("first")
    if not isinstance(first, int) or not 1 <= first <= 50:
        return error("first must be 1–50")
    after = variables.get("after")
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        viewer = await _viewer(conn, request)
        args: list[Any] = []
        if viewer is not None:
            args.append(viewer)
        key = parse_cursor(after) if after else None
        if key is not None:
            args.extend(key)
        sql = _page_sql(viewer is not None, key is not None, first + 1, bool(key and key[0]))
        rows = await _fetch(conn, sql, *args)
        page = rows[:first]
        covers: dict[int, asyncpg.Record] = {}
        if page:
            for row in await _fetch(conn, COVERS_SQL, [r["id"] for r in page]):
                covers.setdefault(row["post_id"], row)
    edges = [
        {
            "cursor": cursor(r["featured"], r["published_at"], r["id"]),
            "node": _card(r, covers.get(r["id"])),
        }
        for r in page
    ]
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


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)
