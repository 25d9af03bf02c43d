"""Hostile input at the GraphQL edge: bodies that are not GraphQL requests, ids that are not the
server's, strings with control characters or no end, instants without a zone or past the
calendar. Each is a 400 or a typed error; nothing changes and nothing is masked."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import httpx
import pytest

from domain.collaborators import Collaborators
from domain.events.models import Event
from domain.identity.models import Role
from domain.posts.models import Post, PostLike
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.api.test_posts_api import make_post
from tests.conftest import GraphQLClient
from tests.domain.test_posts import veteran
from tests.factories import make_member
from web.ids import encode_id, parse_global_id


def raw_id(text: str) -> str:
    """A global id spelled by hand, as a hostile client would."""
    return base64.b64encode(text.encode()).decode()


def is_masked(body: dict[str, Any]) -> bool:
    return any(e["message"] == "Unexpected error." for e in body.get("errors", []))


@pytest.mark.parametrize(
    "body",
    [
        b'"hello"',
        b"123",
        b"null",
        b'{"query": "{ estates { id } }\xff"}',
        b"[" * 1100 + b"]" * 1100,
    ],
    ids=["string", "number", "null", "invalid-utf8", "nested-1100"],
)
async def test_a_body_that_is_not_a_graphql_request_is_a_400_with_a_graphql_error_body(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"]
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_REQUEST" and errors[0]["message"]


@pytest.mark.parametrize(
    "spelling",
    ["Post: 1", "Post:١", "Post:+1", "Post:01", "Post:1 ", "Post:2147483648", "Post:99999999999"],
)
async def test_ids_that_are_not_the_servers_own_spelling_are_refused_as_invalid_input(
    gql: GraphQLClient, collaborators: Collaborators, spelling: str
) -> None:
    post = await make_post(collaborators, await veteran(collaborators))
    assert post.id == 1  # every spelling above would otherwise reach post 1 (or overflow int4)
    token = await token_for(collaborators, await make_member())
    liked = await gql(op("LikePost"), {"postId": raw_id(spelling)}, token)
    assert liked["data"]["likePost"]["code"] == "INVALID_INPUT", liked
    assert await PostLike.all().count() == 0
    assert (await Post.get(id=post.id)).like_count == 0


async def test_node_post_and_campaign_refuse_out_of_range_ids_without_a_masked_error(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    await make_post(collaborators, await veteran(collaborators))
    huge = raw_id("Post:2147483648")
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": huge})
    assert node["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and not is_masked(node)
    spaced = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": raw_id("Post: 1")})
    assert spaced["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    post = await gql(op("PostDetail"), {"id": huge, "commentsFirst": 5})
    assert post == {"data": {"post": None}}
    campaign = await gql(op("Campaign"), {"id": raw_id("Campaign:4294967296")})
    assert campaign["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert not is_masked(campaign)
    # the server's own spelling still works
    found = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": encode_id("Post", 1)})
    assert found == {"data": {"node": {"id": encode_id("Post", 1)}}}


def test_the_one_decoder_accepts_only_canonical_ascii_ids_in_int32_range() -> None:
    assert parse_global_id(encode_id("Post", 2**31 - 1)) == ("Post", 2**31 - 1)
    for bad in ("Post:0", "Post:-1", "Post:²", "Post:1\n", ":1", "Post"):
        assert parse_global_id(raw_id(bad)) is None, bad
    assert parse_global_id(encode_id("Post", 10).rstrip("=")) is None  # one spelling only
    assert parse_global_id(" " + encode_id("Post", 1)) is None


@pytest.mark.parametrize(
    "title",
    ["番茄\x00大丰收", "番茄\x1b[31m", "番茄\x7f", "番茄\x85", "a" * 20_001],
    ids=["nul", "escape", "del", "c1", "over-long"],
)
async def test_strings_with_control_characters_or_no_end_are_refused_before_the_database(
    gql: GraphQLClient, collaborators: Collaborators, title: str
) -> None:
    token = await token_for(collaborators, await veteran(collaborators))
    body = await gql(
        op("SubmitPost"),
        {"input": {"kind": "STORY", "title": title, "body": "今年第一次在阳台种番茄，收获满满。"}},
        token,
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert await Post.all().count() == 0


async def test_line_breaks_and_tabs_in_long_texts_pass_the_edge(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await veteran(collaborators))
    body = await gql(
        op("SubmitPost"),
        {"input": {"kind": "STORY", "title": "番茄大丰收", "body": "第一行\n第二行\t缩进\r\n"}},
        token,
    )
    assert "errors" not in body, body
    assert await Post.all().count() == 1


async def test_a_control_character_escaped_in_the_documents_own_literal_is_refused(
    gql: GraphQLClient,
) -> None:
    body = await gql('{ post(id: "\\u0000") { id } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and not is_masked(body)


@pytest.mark.parametrize(
    "starts_at",
    [
        "2026-12-01T10:00:00",  # no time zone
        "9999-12-31T23:59:59-12:00",  # past year 9999 in UTC
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "0001-01-01T00:00:00+00:00",  # a window in year 1
    ],
)
async def test_instants_without_a_zone_or_past_the_calendar_are_refused_without_overflow(
    gql: GraphQLClient, collaborators: Collaborators, starts_at: str
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    ends_at = "0001-01-01T02:00:00+00:00" if starts_at.startswith("0001") else None
    later = (collaborators.clock.now() + timedelta(days=10)).isoformat()
    body = await gql(
        op("CreateEvent"),
        {
            "input": {
                "title": "周末跳蚤市场",
                "description": "闲置物品交换",
                "location": "小区中心广场",
                "startsAt": starts_at,
                "endsAt": ends_at or later,
                "capacity": 20,
            }
        },
        await token_for(collaborators, admin),
    )
    assert body["data"] is None and not is_masked(body), body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await Event.all().count() == 0
