"""Name search, shared by GraphQL and the portal: neighbours (members of the searcher's own
estate) and the groups the searcher can see, found by any fragment of their name, the fragment
marked in the escaped name. Only what a public profile shows is returned: never a phone."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import InvalidInputError
from domain.groups.models import InterestGroup
from domain.identity.models import Member
from domain.search.backends import NameRequest, search_index
from domain.search.queries import highlight
from domain.search.segment import QUERY_MAX

NAMES_MAX = 5  # of each kind


@dataclass(frozen=True)
class FoundMember:
    member_id: int
    display_name: str
    avatar_url: str | None
    name_html: str  # escaped, the terms found in <mark>


@dataclass(frozen=True)
class FoundGroup:
    group: InterestGroup  # its host loaded
    name_html: str


@dataclass(frozen=True)
class FoundNames:
    members: list[FoundMember]
    groups: list[FoundGroup]


def name_terms(query: str) -> list[str]:
    """The fragments a name must hold, as typed (no segmenting: a name is found by any part of
    it), or a typed refusal for an empty or too long query."""
    query = query.strip()
    if len(query) > QUERY_MAX:
        raise InvalidInputError.single("query", f"搜索词最多 {QUERY_MAX} 个字")
    terms = list(dict.fromkeys(query.split()))
    if not terms:
        raise InvalidInputError.single("query", "请输入要搜索的内容")
    return terms


def _first(first: int) -> int:
    if not 1 <= first <= NAMES_MAX:
        raise InvalidInputError.single("first", f"每类最多 {NAMES_MAX} 个")
    return first


async def search_members(
    viewer: Member | None, query: str, first: int = NAMES_MAX
) -> list[FoundMember]:
    """Members of the viewer's estate whose name holds every fragment of ``query``, closest
    first; nobody for a viewer without an estate (a neighbour is someone of your estate)."""
    terms, first = name_terms(query), _first(first)
    if viewer is None or viewer.estate_id is None:
        return []
    request = NameRequest("member", terms, viewer.estate_id, first)
    ids = await search_index().find_names(request)
    members = {
        m["id"]: m
        for m in await Member.filter(id__in=ids).values("id", "display_name", "avatar_url")
    }
    return [
        FoundMember(
            member_id=i,
            display_name=members[i]["display_name"],
            avatar_url=members[i]["avatar_url"],
            name_html=highlight(members[i]["display_name"], terms),
        )
        for i in ids
        if i in members
    ]


async def search_groups(
    viewer: Member | None, query: str, first: int = NAMES_MAX
) -> list[FoundGroup]:
    """Groups the viewer can see (not archived; open to every estate or of the viewer's) whose
    name holds every fragment of ``query``, closest first."""
    terms, first = name_terms(query), _first(first)
    request = NameRequest("group", terms, viewer.estate_id if viewer else None, first)
    ids = await search_index().find_names(request)
    groups = {g.id: g for g in await InterestGroup.filter(id__in=ids).select_related("host")}
    return [FoundGroup(groups[i], highlight(groups[i].name, terms)) for i in ids if i in groups]


async def search_names(viewer: Member | None, query: str, first: int = NAMES_MAX) -> FoundNames:
    """Both at once, ``first`` of each (1–5)."""
    return FoundNames(
        members=await search_members(viewer, query, first),
        groups=await search_groups(viewer, query, first),
    )
