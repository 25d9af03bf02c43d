"""The writes on the compiled path (api/compiled/writes.py): the mutation is counted against the
member's limit once whichever path answers, a GET never changes anything, and the statements
are pinned."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from redis.asyncio import Redis

from domain.groups.models import InterestGroup
from domain.identity.models import Member
from domain.points import leaderboard as points_board
from domain.posts.models import Post, PostStatus
from settings import Settings
from tests.api.compiled_world import Paths
from tests.api.test_compiled_equivalence import world_for
from tests.api.test_identity_api import op
from tests.sqlcount import count_sql
from tests.stores import ON_POSTGRES
from web.ids import encode_id, pk_of


def _like(post: Post) -> dict[str, Any]:
    return {"query": op("LikePost"), "variables": {"postId": encode_id("Post", post.id)}}


async def _published(archived: bool) -> Post:
    groups = InterestGroup.filter(archived_at__isnull=not archived).values_list("id", flat=True)
    found = await Post.filter(status=PostStatus.PUBLISHED, group_id__in=await groups).first()
    assert found is not None
    return found


async def _counted(redis: Redis, member_id: int) -> int:
    return int(await redis.get(f"rl:mutations:{member_id}") or 0)


async def test_a_refusal_after_the_count_is_counted_once(settings: Settings, redis: Redis) -> None:
    """The plan counts the like, the service refuses it (an archived group), the general path
    answers the typed refusal with that same count."""
    c, world = await world_for("writes", settings, redis)
    paths, member = Paths(c), world.members["resident"]
    await redis.delete(f"rl:mutations:{member.id}")
    served = paths.executor.served
    response = await paths.post(
        paths.compiled_app, _like(await _published(archived=True)), world.tokens["resident"]
    )
    assert response.json()["data"]["likePost"]["__typename"] == "GroupArchived"
    assert paths.executor.served == served
    assert await _counted(redis, member.id) == 1


async def test_past_the_limit_the_refusal_is_the_general_paths(
    settings: Settings, redis: Redis
) -> None:
    limited = settings.with_overrides(mutations_per_minute=2)
    c, world = await world_for("writes limited", limited, redis)
    paths, member = Paths(c), world.members["resident"]
    await redis.delete(f"rl:mutations:{member.id}")
    body, token = _like(await _published(archived=False)), world.tokens["resident"]
    answers = [await paths.post(paths.compiled_app, body, token) for _ in range(3)]
    assert [a.json().get("errors") is None for a in answers] == [True, True, False]
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert await _counted(redis, member.id) == 3


async def test_a_get_is_never_served(settings: Settings, redis: Redis) -> None:
    """A GET changes nothing: the plan leaves it to the general path, which refuses it."""
    c, world = await world_for("writes get", settings, redis)
    paths, post = Paths(c), await _published(archived=False)
    body = _like(post)
    params = {"query": body["query"], "variables": orjson.dumps(body["variables"]).decode()}
    headers = {"Authorization": f"Bearer {world.tokens['resident']}"}
    served = paths.executor.served
    answers = []
    for app in (paths.compiled_app, paths.general_app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answers.append(await http.get("/graphql", params=params, headers=headers))
    compiled, general = answers
    assert (compiled.status_code, compiled.content) == (general.status_code, general.content)
    assert compiled.status_code >= 400
    assert paths.executor.served == served
    assert (await Post.get(id=post.id)).like_count == post.like_count


async def test_a_like_sends_the_pinned_statements(settings: Settings, redis: Redis) -> None:
    """Token with member; the post with its group (open for likes); the like; the counter's
    update; the payload's post with only the columns asked for and the viewer's flag. The
    general path reads the whole card and its images instead: one more. On PostgreSQL the
    post's read, the like and the counter are one statement: two fewer on both paths. (The
    first like is a milestone, but the host likes their own post: an actor is not told, and
    nothing is read for it.)"""
    c, world = await world_for("writes pins", settings, redis)
    paths, token = Paths(c), world.tokens["host"]
    counts = []
    for app in (paths.compiled_app, paths.general_app):
        post = await _published(archived=False)
        await Post.filter(id=post.id).update(like_count=post.like_count)  # nothing else
        served = paths.executor.served
        with count_sql() as seen:
            response = await paths.post(app, _like(post), token)
        assert response.json()["data"]["likePost"]["__typename"] == "LikePostSuccess"
        assert paths.executor.served == served + (app is paths.compiled_app)
        counts.append(len(seen))
        await paths.post(app, {**_like(post), "query": op("UnlikePost")}, token)
    assert counts == ([3, 4] if ON_POSTGRES else [5, 6])


async def test_a_new_name_is_on_the_board_at_once(settings: Settings, redis: Redis) -> None:
    """The board's members are cards kept in Redis; a profile change drops the member's card,
    so the next board shows the new name on both paths."""
    c, world = await world_for("cards", settings, redis)
    paths, token = Paths(c), world.tokens["resident"]
    await points_board.rebuild(c.redis, c.clock.now())
    board = {"query": op("Leaderboard"), "variables": {"kind": "POINTS", "first": 50}}
    before = await paths.post(paths.compiled_app, board, token)
    entries = before.json()["data"]["leaderboard"]["entries"]
    assert entries, "the world has a board"
    first = entries[0]["member"]
    owner = await Member.get(id=pk_of(first["id"], "Member"))
    owner_token = next(t for n, t in world.tokens.items() if world.members.get(n) == owner)
    rename = {"query": op("UpdateProfile"), "variables": {"input": {"displayName": "新名字"}}}
    renamed = await paths.post(paths.compiled_app, rename, owner_token)
    assert renamed.json()["data"]["updateProfile"]["__typename"] == "UpdateProfileSuccess"
    served = paths.executor.served
    after = await paths.post(paths.compiled_app, board, token)
    assert paths.executor.served == served + 1
    assert after.json()["data"]["leaderboard"]["entries"][0]["member"]["displayName"] == "新名字"
    general = await paths.post(paths.general_app, board, token)
    assert after.content == general.content
