"""The name search of the contract as the clients send it: neighbours of the viewer's estate and
the groups they can see, marked, never with a phone."""

from __future__ import annotations

from typing import Any

from domain.collaborators import Collaborators
from domain.groups import services as groups
from domain.honours import rules
from domain.honours.models import BadgeAward
from tests.api.test_groups_api import token_for
from tests.api.test_identity_api import op
from tests.conftest import GraphQLClient
from tests.domain.test_groups import make_group
from tests.factories import make_estate, make_member
from tests.sqlcount import count_sql
from web.ids import encode_id


def names(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    assert "errors" not in body, body
    found = body["data"]["searchNames"]
    return (
        [p["member"]["displayName"] for p in found["people"]],
        [g["group"]["name"] for g in found["groups"]],
    )


async def test_neighbours_and_groups_are_found_by_part_of_their_name(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    searcher = await make_member(estate=home, display_name="张阿姨")
    wang = await make_member(estate=home, display_name="邻居小王", phone="13811112222")
    await make_member(estate=other, display_name="小王同学", phone="13833334444")
    host = await make_member(estate=home)
    garden = await make_group(collaborators, host, "小王的阳台")
    await make_group(collaborators, host, "小王在绿地", estate=other)
    archived = await make_group(collaborators, host, "小王旧群")
    archived.archived_at = collaborators.clock.now()
    await archived.save(update_fields=["archived_at"])
    await groups.join_group(collaborators, searcher, garden.id)
    token = await token_for(collaborators, searcher)
    body = await gql(op("SearchNames"), {"query": "小王"}, token)
    assert names(body) == (["邻居小王"], ["小王的阳台"])
    person = body["data"]["searchNames"]["people"][0]
    assert person["nameHtml"] == "邻居<mark>小王</mark>"
    assert person["member"]["id"] == encode_id("Member", wang.id)
    group = body["data"]["searchNames"]["groups"][0]
    assert group["nameHtml"] == "<mark>小王</mark>的阳台"
    assert group["group"]["viewerIsMember"] is True
    assert "1381111" not in str(body) and "1383333" not in str(body)
    # Signed out: groups open to everyone only, nobody's name.
    assert names(await gql(op("SearchNames"), {"query": "小王"})) == ([], ["小王的阳台"])
    # Pinyin initials find the name too.
    assert names(await gql(op("SearchNames"), {"query": "xwdyt"}, token)) == ([], ["小王的阳台"])
    # A phone's digits find nobody.
    assert names(await gql(op("SearchNames"), {"query": "1381111"}, token)) == ([], [])


async def test_wildcards_match_themselves_and_markup_is_escaped(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    home = await make_estate()
    searcher = await make_member(estate=home)
    for name in ("100%<b>满意</b>", "100满意", "王_二", "王大二"):
        await make_member(estate=home, display_name=name)
    token = await token_for(collaborators, searcher)
    body = await gql(op("SearchNames"), {"query": "%"}, token)
    assert names(body) == (["100%<b>满意</b>"], [])
    assert body["data"]["searchNames"]["people"][0]["nameHtml"] == (
        "100<mark>%</mark>&lt;b&gt;满意&lt;/b&gt;"
    )
    assert names(await gql(op("SearchNames"), {"query": "王_"}, token)) == (["王_二"], [])


async def test_bad_queries_are_the_clients_error(gql: GraphQLClient) -> None:
    for variables in ({"query": "   "}, {"query": "王" * 41}, {"query": "王", "first": 6}):
        body = await gql(op("SearchNames"), variables)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


async def test_the_statements_do_not_grow_with_the_people_found(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    """Each person's profile and badges are read for all of them at once, not one by one."""
    counts = []
    for n in (1, 5):
        home = await make_estate(f"小区{n}")
        searcher = await make_member(estate=home)
        for i in range(n):
            neighbour = await make_member(estate=home, display_name=f"老李{n}号{i}")
            await BadgeAward.create(
                member=neighbour,
                code=rules.FIRST_RECIPE,
                awarded_at=collaborators.clock.now(),
                reason="第一篇菜谱",
            )
        token = await token_for(collaborators, searcher)
        with count_sql() as statements:
            body = await gql(op("SearchNames"), {"query": f"老李{n}号"}, token)
        assert len(body["data"]["searchNames"]["people"]) == n, body
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
