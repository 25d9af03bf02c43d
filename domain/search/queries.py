"""Search shared by GraphQL and the portal: the words of a query found in the posts the searcher
may read, with the matched words marked in the title and an excerpt of the text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from tortoise.expressions import Q

from domain.collaborators import Collaborators
from domain.errors import InvalidInputError
from domain.groups.models import InterestGroup
from domain.identity.models import Member
from domain.posts.models import PostKind
from domain.posts.queries import PostCard, post_cards_by_id
from domain.search.backends import SearchKey, SearchRequest, search_index
from domain.search.hot import count_search
from domain.search.segment import QUERY_MAX, query_words

SNIPPET = 80  # characters of the text shown around the first match


@dataclass(frozen=True)
class SearchHit:
    card: PostCard
    key: SearchKey
    title_html: str  # escaped, the matched words in <mark>
    snippet_html: str


def parse_query(query: str) -> list[str]:
    """The words to find, or a typed refusal for an empty or too long query."""
    query = query.strip()
    if len(query) > QUERY_MAX:
        raise InvalidInputError.single("query", f"搜索词最多 {QUERY_MAX} 个字")
    words = query_words(query)
    if not words:
        raise InvalidInputError.single("query", "请输入要搜索的内容")
    return words


def _pattern(words: list[str]) -> re.Pattern[str]:
    escaped = sorted({html.escape(w) for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in escaped), re.IGNORECASE)


def highlight(text: str, words: list[str]) -> str:
    """``text`` escaped, then each matched word wrapped in <mark> (markup only this adds)."""
    return _pattern(words).sub(lambda m: f"<mark>{m.group(0)}</mark>", html.escape(text))


def snippet(text: str, words: list[str]) -> str:
    """Up to ``SNIPPET`` characters of ``text`` around the first word found, highlighted."""
    lowered = text.lower()
    found = [i for i in (lowered.find(w) for w in words) if i >= 0]
    start = max(0, min(found) - SNIPPET // 4) if found else 0
    part = text[start : start + SNIPPET]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET < len(text) else ""
    return prefix + highlight(part, words) + suffix


async def search_posts(
    c: Collaborators,
    viewer: Member | None,
    query: str,
    kind: PostKind | None = None,
    group_id: int | None = None,
    after: SearchKey | None = None,
    first: int = 20,
    *,
    counted: bool = True,
) -> list[SearchHit]:
    """Posts the viewer may read that hold every word of ``query``, best first; ``first + 1``
    hits (the extra says more). A first page counts the query among the week's searches unless
    ``counted`` is False (results as you type: each keystroke is not a search)."""
    words = parse_query(query)
    request = SearchRequest(
        words=words,
        estate_id=viewer.estate_id if viewer else None,
        kind=kind,
        group_id=group_id,
        after=after,
        first=first,
        viewer_id=viewer.id if viewer else None,
    )
    found = await search_index().find(request)
    if after is None and counted:
        await count_search(c, " ".join(query.split()))
    cards = await post_cards_by_id(viewer.id if viewer else None, [f.post_id for f in found])
    return [
        SearchHit(
            card=cards[f.post_id],
            key=f.key,
            title_html=highlight(cards[f.post_id].post.title, words),
            snippet_html=snippet(cards[f.post_id].post.body, words),
        )
        for f in found
        if f.post_id in cards
    ]


async def searchable_groups(viewer: Member | None) -> list[InterestGroup]:
    """The open groups a search may be narrowed to: those open to every estate, and the
    viewer's estate's own."""
    estate = Q(estate_id__isnull=True)
    if viewer is not None and viewer.estate_id is not None:
        estate |= Q(estate_id=viewer.estate_id)
    return list(await InterestGroup.filter(estate, archived_at__isnull=True).order_by("id"))
