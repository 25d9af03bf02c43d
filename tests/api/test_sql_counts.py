"""SQL statements per contract query, pinned and constant in page size, for the served queries
whose own tests do not pin them already (Groups, Feed, PostDetail, Rewards, MyRedemptions and
Leaderboard are pinned beside their behaviour). Each row grows the data from one item to twenty
and asks for a page of the same size: the statement count must not move."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from domain.collaborators import Collaborators
from domain.identity.models import Member, MemberInterestTag, Role
from domain.points.services import award_points
from domain.posts.models import (
    AuditLogEntry,
    PostKind,
    PostStatus,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
)
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.api.test_posts_api import attach_image, make_post
from tests.conftest import GraphQLClient
from tests.domain.test_groups import make_group
from tests.factories import CLOCK_START, make_estate, make_member, make_tag
from tests.sqlcount import count_sql
from web.ids import encode_id

Grow = Callable[[Collaborators, Member, int], Awaitable[dict[str, Any]]]


async def estates(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    for i in range(n):
        await make_estate(name=f"小区{n}-{i}")
    return {}


async def interest_tags(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    for i in range(n):
        await make_tag(f"标签{n}-{i}")
    return {}


async def viewer_with_tags_and_points(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    for i in range(min(n, 5)):
        tag = await make_tag(f"兴趣{n}-{i}")
        await MemberInterestTag.create(member=viewer, tag=tag, created_at=CLOCK_START)
    for i in range(n):
        await award_points(c, viewer.id, "referral", f"viewer-{n}-{i}")
    return {}


async def my_posts(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    group = await make_group(c, viewer, f"小组{n}")
    for i in range(n):
        status = PostStatus.REJECTED if i % 2 else PostStatus.PUBLISHED
        await make_post(c, viewer, f"我的第{n}-{i}篇", status=status, group=group, age_minutes=i)
    return {"first": n}


async def points(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    for i in range(n):
        await award_points(c, viewer.id, "referral", f"points-{n}-{i}")
    return {"first": n}


async def moderation_queue(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    author = await make_member()
    group = await make_group(c, author, f"待审{n}")
    for i in range(n):
        await make_post(c, author, f"待审第{n}-{i}篇", status=PostStatus.PENDING, group=group)
    return {"first": n}


async def audit_log(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    for i in range(n):
        await AuditLogEntry.create(
            actor=viewer,
            action="APPROVE",
            target_type="post",
            target_id=i + 1,
            reason=None,
            created_at=c.clock.now(),
        )
    return {"first": n}


async def feed_of_a_group_and_kind(c: Collaborators, viewer: Member, n: int) -> dict[str, Any]:
    group = await make_group(c, viewer, f"食谱{n}")
    for i in range(n):
        await make_post(c, viewer, f"食谱{n}-{i}", group=group, kind=PostKind.RECIPE, age_minutes=i)
    return {"first": n, "groupId": encode_id("InterestGroup", group.id), "kind": "RECIPE"}


@dataclass(frozen=True)
class Case:
    operation: str
    grow: Grow
    statements: int
    why: str


# One of every count is the bearer token joined to its member.
CASES = [
    Case("Estates", estates, 2, "the estates"),
    Case("InterestTags", interest_tags, 2, "the tags"),
    Case(
        "Viewer",
        viewer_with_tags_and_points,
        5,
        "streak and today's check-in, tags, the account with the next expiry and its amount",
    ),
    Case("MyPosts", my_posts, 3, "the page joined to author, group and host; the covers"),
    Case("Points", points, 3, "the account with the next expiry and its amount; the ledger page"),
    Case("ModerationQueue", moderation_queue, 3, "the page joined; the covers"),
    Case("AuditLog", audit_log, 2, "the page joined to actors"),
    Case("Feed", feed_of_a_group_and_kind, 3, "the page joined; the covers"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.operation for c in CASES])
async def test_statements_are_pinned_and_constant_in_page_size(
    case: Case, gql: GraphQLClient, collaborators: Collaborators
) -> None:
    viewer = await make_member(roles=(Role.RESIDENT, Role.MODERATOR))
    token = await token_for(collaborators, viewer)
    counts = []
    for n in (1, 20):
        variables = await case.grow(collaborators, viewer, n)
        with count_sql() as seen:
            body = await gql(op(case.operation), variables, token)
        assert "errors" not in body, body
        if "first" in variables:
            (connection,) = _connections(body["data"])
            assert len(connection["edges"]) == n
        counts.append(len(seen))
    print(f"{case.operation}: {counts} ({case.why})")
    assert counts == [case.statements, case.statements]


def _connections(data: Any) -> list[dict[str, Any]]:
    """Every object with ``edges`` in the answer."""
    if isinstance(data, dict):
        if "edges" in data:
            return [data]
        return [c for value in data.values() for c in _connections(value)]
    return []


# A document no client registered: the general GraphQL path answers it, field by field.
FEED_WITH_PICTURES_AND_RECIPES = """
query FeedCards($first: Int!) {
  feed(first: $first) {
    edges { node { id kind images { url width } recipe { servings ingredients { name } steps } } }
  }
}
"""


async def test_the_general_paths_feed_reads_images_and_recipes_for_the_page_at_once(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    c = collaborators
    viewer = await make_member()
    token = await token_for(c, viewer)
    counts = []
    for n in (1, 12):
        for i in range(n):
            kind = PostKind.RECIPE if i % 2 == 0 else PostKind.PHOTO
            post = await make_post(c, viewer, f"第{n}-{i}篇", kind=kind, age_minutes=i)
            await attach_image(c, post, 0)
            await attach_image(c, post, 1)
            if kind == PostKind.RECIPE:
                await RecipeDetails.create(post=post, servings=2, minutes=20)
                await RecipeIngredient.create(post=post, position=0, name="番茄", amount="2个")
                await RecipeStep.create(post=post, position=0, text="切块")
        with count_sql() as seen:
            body = await gql(FEED_WITH_PICTURES_AND_RECIPES, {"first": n}, token)
        assert "errors" not in body, body
        nodes = [edge["node"] for edge in body["data"]["feed"]["edges"]]
        assert len(nodes) == n and all(len(node["images"]) == 2 for node in nodes)
        assert all((node["recipe"] is not None) == (node["kind"] == "RECIPE") for node in nodes)
        recipes = [node["recipe"] for node in nodes if node["recipe"]]
        assert recipes[0] == {
            "servings": 2,
            "ingredients": [{"name": "番茄"}],
            "steps": ["切块"],
        }
        counts.append(len(seen))
    # auth, the page, the covers, the images, the recipes' details, ingredients and steps
    assert counts == [7, 7]
