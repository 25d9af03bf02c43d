"""The search operations of the contract as the clients send them."""

from __future__ import annotations

from typing import Any

from domain.collaborators import Collaborators
from domain.posts import services
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.domain.search_helpers import author, moderator, publish
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member
from web.ids import encode_id


def titles(body: dict[str, Any]) -> list[str]:
    return [e["node"]["post"]["title"] for e in body["data"]["search"]["edges"]]


async def test_a_dish_is_found_marked_and_paged(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    writer = await author(collaborators)
    await publish(collaborators, writer, "今天的晚饭", "今天做了番茄炒蛋，超下饭")
    await publish(collaborators, writer, "<b>番茄炒蛋</b>", "<script>x</script>番茄炒蛋")
    await publish(collaborators, writer, "周末去哪儿", "周末去公园散步了一圈")
    first = await gql(op("SearchPosts"), {"query": "番茄炒蛋", "first": 1})
    assert "errors" not in first, first
    assert titles(first) == ["<b>番茄炒蛋</b>"]
    node = first["data"]["search"]["edges"][0]["node"]
    assert node["titleHtml"] == "&lt;b&gt;<mark>番茄炒蛋</mark>&lt;/b&gt;"
    assert node["snippetHtml"] == "&lt;script&gt;x&lt;/script&gt;<mark>番茄炒蛋</mark>"
    page = first["data"]["search"]["pageInfo"]
    assert page["hasNextPage"]
    second = await gql(
        op("SearchPosts"), {"query": "番茄炒蛋", "first": 1, "after": page["endCursor"]}
    )
    assert titles(second) == ["今天的晚饭"]
    assert not second["data"]["search"]["pageInfo"]["hasNextPage"]
    hot = await gql(op("HotSearches"))
    assert hot["data"]["hotSearches"] == ["番茄炒蛋"]  # the second page is not another search


async def test_hidden_and_other_estates_posts_stay_out(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    private = await make_group(collaborators, await make_member(estate=home), estate=home)
    writer = await author(collaborators)
    await publish(collaborators, writer, "小区里的番茄", "今年的番茄都熟了", group=private)
    hidden = await publish(collaborators, writer, "被隐藏的番茄", "今年的番茄都熟了")
    await services.moderate_post(collaborators, await moderator(), hidden.id, "HIDE")
    neighbour, stranger = await make_member(estate=home), await make_member(estate=other)
    variables = {"query": "番茄", "groupId": encode_id("InterestGroup", private.id)}
    mine = await gql(op("SearchPosts"), variables, await token_for(collaborators, neighbour))
    theirs = await gql(op("SearchPosts"), variables, await token_for(collaborators, stranger))
    assert titles(mine) == ["小区里的番茄"]
    assert titles(theirs) == []
    everyone = await gql(op("SearchPosts"), {"query": "番茄"})
    assert titles(everyone) == []


async def test_bad_queries_and_cursors_are_the_clients_error(gql: GraphQLClient) -> None:
    for variables in (
        {"query": "   "},
        {"query": "番" * 41},
        {"query": "番茄", "after": "not-a-cursor"},
        {"query": "番茄", "first": 21},
    ):
        body = await gql(op("SearchPosts"), variables)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
