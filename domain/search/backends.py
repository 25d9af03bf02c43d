"""The two indexes behind one interface, chosen from the database in use: PostgreSQL's tsvector
with its GIN index, SQLite's FTS5 table (migration 0016 builds either).

Both read visibility from the post and its group in the same statement: published posts only,
a group's estate-only posts only for members of that estate, a private group's only for its
members (domain/posts/visibility.py). Order: relevance (the words
found in the title), featured lifted, then newest; the page key is (score, published_at, id).

Names (members of the searcher's estate, groups they can see) by any fragment: PostgreSQL's
ILIKE served by trigram GIN indexes (0016, 0019), ordered by similarity; SQLite's LIKE."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from tortoise import connections

from domain.posts.models import Post, PostKind, PostStatus
from domain.posts.visibility import visible_sql
from domain.search.models import SearchDocument

SearchKey = tuple[int, datetime, int]  # (score, published_at, post id)
_PUBLISHED_AT = Post._meta.fields_map["published_at"]  # binds a key's time as the ORM stores it
_NO_ESTATE = -1  # what a viewer without an estate is compared with: no estate-only group has it
# PostgreSQL: posts of a band read newest first before the band's own word index is asked.
WALK = 1000


@dataclass(frozen=True)
class SearchRequest:
    words: list[str]
    estate_id: int | None
    kind: PostKind | None
    group_id: int | None
    after: SearchKey | None
    first: int
    viewer_id: int | None = None  # a private group's posts are found by its members only


@dataclass(frozen=True)
class NameRequest:
    """Members (``table="member"``) of ``estate_id`` or groups (``"group"``) the estate's
    members can see, whose name holds every one of ``terms``."""

    table: str
    terms: list[str]
    estate_id: int | None
    first: int


# The table and name column of each kind of name.
NAME_SOURCES = {"member": ("member", "display_name"), "group": ("interest_group", "name")}


_INITIALS = re.compile(r"[A-Za-z]{2,}")  # a term that may be a name's pinyin initials


def like_pattern(term: str) -> str:
    """``term`` anywhere in a name, its LIKE wildcards and the escape character taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Found:
    post_id: int
    key: SearchKey


class SearchIndex(Protocol):
    async def find(self, request: SearchRequest) -> list[Found]:
        """``request.first + 1`` matches at most, best first."""
        ...

    def statement(self, request: SearchRequest) -> tuple[str, list[Any]]: ...

    async def find_names(self, request: NameRequest) -> list[int]:
        """The ids of ``request.first`` names at most, closest first."""
        ...

    def name_statement(self, request: NameRequest) -> tuple[str, list[Any]]: ...


class _Sql(ABC):
    """The statement both share; each backend says how words match and how parameters look."""

    dialect: str

    @abstractmethod
    def mark(self, n: int) -> str:
        """The placeholder of the ``n``-th bound value."""

    source: str  # the FROM clause: the index joined to the post as ``p``

    @abstractmethod
    def match(self, bind: Callable[[Any], str], words: list[str]) -> str:
        """The condition that the post holds every word."""

    @abstractmethod
    def title_hit(self, bind: Callable[[Any], str], words: list[str]) -> str:
        """The condition that its title holds every word."""

    like = "LIKE"

    @abstractmethod
    def name_order(self, column: str, bind: Callable[[Any], str], terms: list[str]) -> str:
        """The ORDER BY of a name search, closest first (the id breaks ties after it)."""

    async def find_names(self, request: NameRequest) -> list[int]:
        sql, params = self.name_statement(request)
        rows = await connections.get("default").execute_query_dict(sql, params)
        return [int(r["id"]) for r in rows]

    def name_statement(self, request: NameRequest) -> tuple[str, list[Any]]:
        """A term of two or more Latin letters also matches the name's pinyin initials.
        Wildcards in the terms are escaped (``ESCAPE '\\'``): ``%`` and ``_`` match themselves.
        Members: of the searcher's estate only; groups: not archived, open to every estate or
        of the searcher's (the post search's rule)."""
        params: list[Any] = []

        def bind(value: Any) -> str:
            params.append(value)
            return self.mark(len(params))

        table, column = NAME_SOURCES[request.table]
        where = []
        for term in request.terms:
            match = f"n.{column} {self.like} {bind(like_pattern(term))} ESCAPE '\\'"
            if _INITIALS.fullmatch(term):  # ljxw: the pinyin initials of 邻居小王
                match = f"({match} OR n.name_initials LIKE {bind(like_pattern(term.lower()))})"
            where.append(match)
        estate = request.estate_id if request.estate_id is not None else _NO_ESTATE
        if request.table == "member":
            where.append(f"n.estate_id = {bind(estate)}")
        else:
            where.append("n.archived_at IS NULL")
            where.append(f"(n.estate_id IS NULL OR n.estate_id = {bind(estate)})")
        order = self.name_order(f"n.{column}", bind, request.terms)
        sql = (
            f"SELECT n.id AS id FROM {table} n WHERE {' AND '.join(where)} "  # noqa: S608 (bound)
            f"ORDER BY {order}, n.id LIMIT {bind(request.first)}"
        )
        return sql, params

    async def find(self, request: SearchRequest) -> list[Found]:
        sql, params = self.statement(request)
        rows = await connections.get("default").execute_query_dict(sql, params)
        return [
            Found(int(r["post_id"]), (int(r["score"]), _when(r["published_at"]), int(r["post_id"])))
            for r in rows
        ]

    def statement(self, request: SearchRequest) -> tuple[str, list[Any]]:
        """The one statement of a search page and its parameters (bench/ explains it).

        The score takes four values (a title hit counts 2, featured 1), so the page is the
        union of four bands, one per score, each the newest ``first + 1`` of its own (``band``
        says how a backend finds them); only the bands' heads are sorted together. A cursor
        in one band skips the bands above it and reads its own past the cursor."""
        params: list[Any] = []

        def bind(value: Any) -> str:
            params.append(value)
            return self.mark(len(params))

        bands = [
            f"SELECT * FROM ({self.band(bind, request, score)}) b{score}"  # noqa: S608 (bound)
            for score in (3, 2, 1, 0)
            if request.after is None or score <= request.after[0]
        ]
        page = (
            f"SELECT post_id, published_at, score FROM ({' UNION ALL '.join(bands)}) s "  # noqa: S608
            f"ORDER BY score DESC, published_at DESC, post_id DESC LIMIT {bind(request.first + 1)}"
        )
        return page, params

    def post_filters(self, bind: Callable[[Any], str], request: SearchRequest, score: int) -> str:
        """What the band's posts must be, read from the post ``p`` itself: published, featured
        or not, of the kind and group asked, past the cursor in the cursor's band."""
        where = [
            f"p.status = {bind(PostStatus.PUBLISHED.value)}",
            f"p.featured = {bind(score % 2 == 1)}",
        ]
        viewer = None if request.viewer_id is None else bind(request.viewer_id)
        where.append(visible_sql("p", viewer))
        if request.kind is not None:
            where.append(f"p.kind = {bind(request.kind.value)}")
        if request.group_id is not None:
            where.append(f"p.group_id = {bind(request.group_id)}")
        if request.after is not None and score == request.after[0]:
            _, when, post_id = request.after
            published_at = _PUBLISHED_AT.to_db_value(when, Post)
            where.append(
                f"(p.published_at < {bind(published_at)} OR "
                f"(p.published_at = {bind(published_at)} AND p.id < {bind(post_id)}))"
            )
        return " AND ".join(where)

    def visible(self, bind: Callable[[Any], str], request: SearchRequest) -> str:
        """Who may read it, from the post's group ``g``: open to every estate or the reader's."""
        return f"(g.estate_id IS NULL OR g.estate_id = {bind(request.estate_id or _NO_ESTATE)})"

    def band(self, bind: Callable[[Any], str], request: SearchRequest, score: int) -> str:
        """The band's newest ``first + 1`` matches: every match of the band sorted (the
        simple shape, for a small index)."""
        title = score >= 2
        return (
            f"SELECT p.id AS post_id, p.published_at AS published_at, "  # noqa: S608 (bound)
            f"{score} AS score FROM {self.source} "
            f"LEFT JOIN interest_group g ON g.id = p.group_id "
            f"WHERE {self.match(bind, request.words)} "
            f"AND {'' if title else 'NOT '}{self.title_hit(bind, request.words)} "
            f"AND {self.post_filters(bind, request, score)} AND {self.visible(bind, request)} "
            f"ORDER BY p.published_at DESC, p.id DESC LIMIT {bind(request.first + 1)}"
        )


def _when(value: Any) -> datetime:
    when = _PUBLISHED_AT.to_python_value(value)
    assert isinstance(when, datetime)  # published posts only
    return when


class PostgresIndex(_Sql):
    dialect = "postgres"
    like = "ILIKE"  # served by the names' trigram GIN indexes

    def name_order(self, column: str, bind: Callable[[Any], str], terms: list[str]) -> str:
        return f"similarity({column}, {bind(' '.join(terms))}) DESC"

    def mark(self, n: int) -> str:
        return f"${n}"

    source = "search_document d JOIN post p ON p.id = d.post_id"

    def statement(self, request: SearchRequest) -> tuple[str, list[Any]]:
        """The bands of ``_Sql.statement`` as named parts of one WITH, so that a band is read
        only while the bands above it hold fewer than ``first + 1`` matches: a common word fills
        the page from its title hits and the three other bands cost nothing."""
        params: list[Any] = []

        def bind(value: Any) -> str:
            params.append(value)
            return self.mark(len(params))

        scores = [s for s in (3, 2, 1, 0) if request.after is None or s <= request.after[0]]
        limit = bind(request.first + 1)
        parts: list[str] = []
        above: list[str] = []  # the count of each band read before
        for score in scores:
            need = f"{' + '.join(above)} < {limit}" if above else "TRUE"
            parts.append(self.band(bind, request, score, limit, need))
            above.append(f"(SELECT count(*) FROM r{score})")  # noqa: S608 (a number)
        union = " UNION ALL ".join(f"SELECT * FROM r{score}" for score in scores)  # noqa: S608
        page = (
            f"WITH {', '.join(parts)} SELECT post_id, published_at, score "  # noqa: S608
            f"FROM ({union}) s ORDER BY score DESC, published_at DESC, post_id DESC LIMIT {limit}"
        )
        return page, params

    def band(  # type: ignore[override]  # the PostgreSQL statement names its bands
        self, bind: Callable[[Any], str], request: SearchRequest, score: int, limit: str, need: str
    ) -> str:
        """The band's newest ``first + 1`` matches (``r`` + its score), read one of two ways,
        and only when ``need`` holds (the bands above are short of a page).
        First the newest ``WALK`` posts of the band (``c``, read newest first from the post's
        (status, featured, published_at, id) index), each checked against its document
        (``w``, a subquery per post, so no plan can turn it into a scan of the word index): a
        word in one post of ten stops after a few dozen. Only when those hold fewer
        than ``first + 1`` matches and the band has more posts than that is the index of the
        band's own words asked (``m``: the title's words for a title hit, the body's words
        not in the title otherwise) and its matches sorted: a word that rare has few. Either
        way the answer is exact; PostgreSQL evaluates only the branch whose condition holds."""
        words = bind(_tsquery(request.words))
        if score >= 2:
            match = f"d.title_vector @@ {words}::tsquery"
        else:
            some = bind(" | ".join(_lexeme(w) for w in request.words))
            match = f"d.body_only @@ {some}::tsquery AND d.words @@ {words}::tsquery"
        filters = self.post_filters(bind, request, score)
        visible = self.visible(bind, request)
        walk = bind(WALK)
        newest = "ORDER BY p.published_at DESC, p.id DESC"
        c, w, m = f"c{score}", f"w{score}", f"m{score}"
        return (
            f"{c} AS MATERIALIZED (SELECT p.id, p.published_at, p.group_id "  # noqa: S608
            f"FROM post p WHERE {need} AND {filters} {newest} LIMIT {walk}), "
            f"{w} AS MATERIALIZED (SELECT p.id AS post_id, p.published_at FROM {c} p "
            f"LEFT JOIN interest_group g ON g.id = p.group_id WHERE {visible} "
            f"AND (SELECT {match} FROM search_document d WHERE d.post_id = p.id) "
            f"{newest} LIMIT {limit}), "
            f"{m} AS MATERIALIZED (SELECT d.post_id FROM search_document d WHERE {match}), "
            f"r{score} AS MATERIALIZED (SELECT post_id, published_at, {score} AS score FROM {w} "
            f"WHERE (SELECT count(*) FROM {w}) >= {limit} OR (SELECT count(*) FROM {c}) < {walk} "
            f"UNION ALL (SELECT p.id, p.published_at, {score} FROM {m} "
            f"JOIN post p ON p.id = {m}.post_id LEFT JOIN interest_group g ON g.id = p.group_id "
            f"WHERE {filters} AND {visible} AND (SELECT count(*) FROM {w}) < {limit} "
            f"AND (SELECT count(*) FROM {c}) = {walk} {newest} LIMIT {limit}))"
        )

    def match(self, bind: Callable[[Any], str], words: list[str]) -> str:
        return f"d.words @@ {bind(_tsquery(words))}::tsquery"

    def title_hit(self, bind: Callable[[Any], str], words: list[str]) -> str:
        return f"d.title_vector @@ {bind(_tsquery(words))}::tsquery"


def _tsquery(words: list[str]) -> str:
    return " & ".join(_lexeme(w) for w in words)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class SqliteIndex(_Sql):
    dialect = "sqlite"

    def name_order(self, column: str, bind: Callable[[Any], str], terms: list[str]) -> str:
        return f"length({column})"  # no trigrams: the shorter name holds less besides the terms

    def mark(self, n: int) -> str:
        return "?"

    source = "search_fts JOIN post p ON p.id = search_fts.rowid"

    def match(self, bind: Callable[[Any], str], words: list[str]) -> str:
        return f"search_fts MATCH {bind(_phrases(words))}"

    def title_hit(self, bind: Callable[[Any], str], words: list[str]) -> str:
        column = f"title_words : ({_phrases(words)})"
        return f"p.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {bind(column)})"  # noqa: S608


def _phrases(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


@cache
def _index_for(dialect: str) -> SearchIndex:
    return PostgresIndex() if dialect == "postgres" else SqliteIndex()


def search_index() -> SearchIndex:
    """The index of the database in use (decided once per dialect, like the stores)."""
    return _index_for(SearchDocument._meta.db.capabilities.dialect)
