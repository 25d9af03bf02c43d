"""Name search on a real database (SQLite's LIKE by default, PostgreSQL's trigram-served ILIKE
under TEST_DATABASE_URL): neighbours and groups found by a fragment of their name, and only those
the searcher may see."""

from __future__ import annotations

import pytest

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.groups import admin
from domain.identity import services as identity
from domain.identity.models import Member
from domain.identity.services import ProfileChanges
from domain.pinyin import initials
from domain.search.backends import NameRequest, search_index
from domain.search.names import search_groups, search_members, search_names
from tests.domain.test_groups import make_group
from tests.domain.test_groups_admin import an_admin, group_input
from tests.factories import make_estate, make_member


async def people(viewer: Member | None, query: str) -> list[str]:
    return [m.display_name for m in await search_members(viewer, query)]


async def group_names(viewer: Member | None, query: str) -> list[str]:
    return [g.group.name for g in await search_groups(viewer, query)]


async def test_a_neighbour_is_found_by_part_of_their_name(collaborators: Collaborators) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    searcher = await make_member(estate=home, display_name="张阿姨")
    wang = await make_member(estate=home, display_name="邻居小王")
    await make_member(estate=home, display_name="小王")
    await make_member(estate=home, display_name="老李")
    await make_member(estate=other, display_name="小王同学")  # another estate: never found
    assert await people(searcher, "小王") == ["小王", "邻居小王"]  # the closer name first
    assert await people(searcher, "邻居 小王") == ["邻居小王"]  # every fragment must be found
    assert await people(searcher, "同学") == []
    found = await search_members(searcher, "小王")
    assert found[1].member_id == wang.id
    assert found[1].name_html == "邻居<mark>小王</mark>"
    # Someone of no estate has no neighbours; nor has the signed-out visitor.
    assert await people(await make_member(display_name="路人"), "小王") == []
    assert await people(None, "小王") == []


async def test_another_estates_member_is_never_found_nor_a_phone(
    collaborators: Collaborators,
) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    searcher = await make_member(estate=home)
    await make_member(estate=other, display_name="王阿姨", phone="13812345678")
    await make_member(estate=home, display_name="王叔叔", phone="13887654321")
    assert await people(searcher, "王") == ["王叔叔"]
    assert await people(searcher, "1388765") == []  # a phone is never searched
    answer = await search_names(searcher, "王")
    assert "1388" not in repr(answer) and "1381" not in repr(answer)


async def test_an_archived_or_other_estates_group_is_never_found(
    collaborators: Collaborators,
) -> None:
    home, other = await make_estate("翠湖花园"), await make_estate("绿地小区")
    host = await make_member(estate=home)
    await make_group(collaborators, host, "阳台种菜")
    await make_group(collaborators, host, "翠湖种菜班", estate=home)
    await make_group(collaborators, host, "绿地种菜班", estate=other)
    archived = await make_group(collaborators, host, "种菜老群")
    archived.archived_at = collaborators.clock.now()
    await archived.save(update_fields=["archived_at"])
    searcher = await make_member(estate=home)
    assert await group_names(searcher, "种菜") == ["阳台种菜", "翠湖种菜班"]
    assert await group_names(await make_member(estate=other), "种菜") == ["阳台种菜", "绿地种菜班"]
    assert await group_names(None, "种菜") == ["阳台种菜"]
    found = await search_groups(None, "种菜")
    assert found[0].name_html == "阳台<mark>种菜</mark>"
    assert found[0].group.host.id == host.id  # loaded with the group


async def test_wildcards_in_a_query_match_themselves(collaborators: Collaborators) -> None:
    home = await make_estate()
    searcher = await make_member(estate=home)
    for name in ("100%邻居", "100邻居", "王_二", "王大二", "a\\b", "ab"):
        await make_member(estate=home, display_name=name)
    assert await people(searcher, "%") == ["100%邻居"]
    assert await people(searcher, "0%邻") == ["100%邻居"]
    assert await people(searcher, "_") == ["王_二"]
    assert await people(searcher, "王_") == ["王_二"]
    assert await people(searcher, "\\") == ["a\\b"]
    assert await people(searcher, "a\\b") == ["a\\b"]


async def test_at_most_the_asked_number_are_found(collaborators: Collaborators) -> None:
    home = await make_estate()
    searcher = await make_member(estate=home)
    for n in range(7):
        await make_member(estate=home, display_name=f"邻居{n}")
    assert len(await people(searcher, "邻居")) == 5
    assert len(await search_members(searcher, "邻居", first=2)) == 2


async def test_bad_queries_are_refused(collaborators: Collaborators) -> None:
    for query in ("", "   ", "王" * 41):
        with pytest.raises(InvalidInputError):
            await search_names(None, query)
    for first in (0, 6):
        with pytest.raises(InvalidInputError):
            await search_members(None, "王", first=first)


def test_the_statement_binds_every_value() -> None:
    sql, params = search_index().name_statement(NameRequest("member", ["x'; --"], 3, 5))
    assert "x'" not in sql and "%x'; --%" in params


def test_initials_are_each_characters_first_letter() -> None:
    assert initials("邻居小王") == "ljxw"
    assert initials("Tom王") == "tomw"
    assert initials("100%满意") == "100my"
    assert initials("王_二") == "we"


async def test_names_are_found_by_their_pinyin_initials_kept_in_step_with_the_name(
    collaborators: Collaborators,
) -> None:
    home = await make_estate()
    searcher = await make_member(estate=home)
    wang = await make_member(estate=home, display_name="邻居小王")
    await make_member(estate=home, display_name="小李")
    assert await people(searcher, "xw") == ["邻居小王"]
    assert await people(searcher, "LJXW") == ["邻居小王"]
    assert await people(searcher, "x") == []  # one letter is no initials
    found = await search_members(searcher, "xw")
    assert found[0].name_html == "邻居小王"  # nothing of the name itself to mark
    await identity.update_profile(collaborators, wang, ProfileChanges(display_name="老周"))
    assert await people(searcher, "xw") == []
    assert await people(searcher, "lz") == ["老周"]
    boss = await an_admin()
    group = await admin.create_group(collaborators, boss, group_input(name="阳台种菜"), [boss.id])
    assert await group_names(searcher, "ytzc") == ["阳台种菜"]
    await admin.update_group(collaborators, boss, group.id, group_input(name="亲子烘焙"))
    assert await group_names(searcher, "ytzc") == []
    assert await group_names(searcher, "qzhb") == ["亲子烘焙"]
