"""Limits at the GraphQL edge: 30 mutations a minute per member on every mutation, counted in
Redis across app instances; persisted-query registration only of small, valid documents within
a per-IP rate; the allow-list mode that serves only the contract's operations."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest_asyncio
from redis.asyncio import Redis

from api.persisted import KEY_PREFIX, contract_documents
from asgi import create_app
from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.posts.models import Comment, Post, PostLike
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.api.test_posts_api import make_post
from tests.conftest import GraphQLClient
from tests.domain.test_posts import veteran
from tests.factories import make_member
from web.ids import encode_id


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def app_client(collaborators: Collaborators, **settings: Any) -> httpx.AsyncClient:
    """Another app instance on the same database and Redis, with its own settings."""
    changed = replace(collaborators, settings=replace(collaborators.settings, **settings))
    app = create_app(changed.settings, changed, manage_stores=False)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest_asyncio.fixture
async def two_instances(
    collaborators: Collaborators,
) -> AsyncIterator[tuple[GraphQLClient, GraphQLClient]]:
    async with app_client(collaborators) as first, app_client(collaborators) as second:
        yield GraphQLClient(first), GraphQLClient(second)


async def test_the_31st_mutation_in_a_minute_is_rate_limited_across_two_instances(
    two_instances: tuple[GraphQLClient, GraphQLClient], collaborators: Collaborators
) -> None:
    post = await make_post(collaborators, await veteran(collaborators))
    member = await make_member()
    token = await token_for(collaborators, member)
    variables = {"postId": encode_id("Post", post.id)}
    for n in range(30):  # like, unlike, like, … alternating between the two instances
        gql = two_instances[n % 2]
        name = "LikePost" if n % 2 == 0 else "UnlikePost"
        body = await gql(op(name), variables, token)
        assert "errors" not in body, (n, body)
    refused = await two_instances[0](op("LikePost"), variables, token)
    assert refused["data"] is None
    error = refused["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 60
    assert await PostLike.filter(member_id=member.id).count() == 0
    assert (await Post.get(id=post.id)).like_count == 0
    # a mutation whose result has a RateLimited member answers with it, and changes nothing
    typed = await two_instances[1](op("AddComment"), {**variables, "body": "看起来真不错"}, token)
    answer = typed["data"]["addComment"]
    assert answer["__typename"] == "RateLimited" and answer["code"] == "RATE_LIMITED"
    assert await Comment.all().count() == 0


async def test_another_member_is_not_slowed_by_a_neighbours_mutations(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    post = await make_post(collaborators, await veteran(collaborators))
    variables = {"postId": encode_id("Post", post.id)}
    busy = await token_for(collaborators, await make_member())
    for n in range(31):
        await gql(op("LikePost" if n % 2 == 0 else "UnlikePost"), variables, busy)
    calm = await make_member()
    body = await gql(op("LikePost"), variables, await token_for(collaborators, calm))
    assert body["data"]["likePost"]["__typename"] == "LikePostSuccess"
    assert await PostLike.filter(member_id=calm.id).count() == 1


async def test_a_mutation_that_counts_the_limit_itself_is_counted_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    """updateProfile counts the member's mutations in its service: the edge leaves it alone,
    so 29 likes and one profile change are 30, and the next profile change is refused."""
    post = await make_post(collaborators, await veteran(collaborators))
    member = await make_member(display_name="邻居")
    token = await token_for(collaborators, member)
    for n in range(29):
        await gql(
            op("LikePost" if n % 2 == 0 else "UnlikePost"),
            {"postId": encode_id("Post", post.id)},
            token,
        )
    first = await gql(op("UpdateProfile"), {"input": {"displayName": "老王"}}, token)
    assert first["data"]["updateProfile"]["__typename"] == "UpdateProfileSuccess", first
    second = await gql(op("UpdateProfile"), {"input": {"displayName": "小王"}}, token)
    assert second["data"]["updateProfile"]["__typename"] == "RateLimited"
    assert (await Member.get(id=member.id)).display_name == "老王"


async def post_json(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"variables": {"kind": "POINTS", "first": 5}, **body}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def apq(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def test_only_documents_that_parse_and_validate_are_registered(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    for junk in ("x" * 30_000, "{ notAField }", "query { leaderboard("):
        answer = await post_json(client, query=junk, extensions=apq(sha(junk)))
        assert answer["data"] is None and answer["errors"], junk[:20]
        assert await redis.get(KEY_PREFIX + sha(junk)) is None
    assert await redis.keys(KEY_PREFIX + "*") == []


async def test_a_persisted_document_over_the_size_cap_is_refused_and_not_stored(
    collaborators: Collaborators, redis: Redis
) -> None:
    padded = op("Leaderboard") + "\n# " + "填充" * 600
    async with app_client(collaborators, persisted_query_max_bytes=2048) as client:
        answer = await post_json(client, query=padded, extensions=apq(sha(padded)))
    assert answer["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_TOO_LARGE"
    assert await redis.get(KEY_PREFIX + sha(padded)) is None


async def test_registrations_are_rate_limited_per_ip_with_a_typed_error(
    collaborators: Collaborators, redis: Redis
) -> None:
    documents = [
        f"query Board{n}($kind: LeaderboardKind!, $first: Int!) "
        "{ leaderboard(kind: $kind, first: $first) { entries { rank } } }"
        for n in range(3)
    ]
    async with app_client(collaborators, persisted_registrations_per_minute=2) as client:
        answers = [await post_json(client, query=d, extensions=apq(sha(d))) for d in documents]
    assert all("errors" not in a for a in answers[:2]), answers
    refused = answers[2]["errors"][0]
    assert (
        refused["extensions"]["code"] == "RATE_LIMITED" and refused["extensions"]["retryAfter"] >= 1
    )
    assert [await redis.get(KEY_PREFIX + sha(d)) for d in documents] == [*documents[:2], None]


async def test_the_allowlist_mode_serves_only_the_contracts_operations(
    collaborators: Collaborators, redis: Redis
) -> None:
    board = contract_documents()["Leaderboard"]
    assert board == op("Leaderboard")  # the hash is of the text the clients send
    other = "query Mine { estates { id } }"
    async with app_client(collaborators, persisted_queries="allowlist") as client:
        by_hash = await post_json(client, extensions=apq(sha(board)))
        by_text = await post_json(client, query=board)
        refused_text = await post_json(client, query=other)
        refused_registration = await post_json(client, query=other, extensions=apq(sha(other)))
    assert by_hash == by_text == {"data": {"leaderboard": {"entries": [], "viewerEntry": None}}}
    for refused in (refused_text, refused_registration):
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    assert await redis.keys(KEY_PREFIX + "*") == []
