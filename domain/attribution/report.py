"""The attribution report over stored data: purchases in a period credited to the tagged posts
their buyers saw, by post, group, host or product (``domain/attribution/rules.py`` defines every
figure).

Memory stays bounded whatever the programme's size: members are read in chunks of
``MEMBER_CHUNK`` (their orders in the period and their sightings of tagged posts from ``WINDOW``
before it), lists of ids go to the database in slices of ``KEY_CHUNK`` (PostgreSQL's driver takes
at most 32,767 arguments a statement), and viewers are counted by the database, for the rows shown
only. What is held is the credit of credited posts, never the exposures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any

from tortoise import connections
from tortoise.expressions import Subquery

from domain.attribution.rules import WINDOW, Attribution, Order, PostCredit, Sighting, attribute
from domain.clock import SHANGHAI
from domain.columns import column
from domain.exposures.models import PostExposure
from domain.groups.models import GroupHost, InterestGroup
from domain.identity.models import Member
from domain.posts.models import Post, PostKind
from domain.products.models import PostProduct, Product
from domain.products.rules import clean_sku, looks_like_sku
from domain.purchases.models import Purchase

MEMBER_CHUNK = 1000
KEY_CHUNK = 1000


class Dimension(StrEnum):
    POST = "POST"
    GROUP = "GROUP"
    HOST = "HOST"
    PRODUCT = "PRODUCT"


@dataclass(frozen=True)
class AttributionRow:
    """One row of the report: GMV in fen under both models (a product's are equal by
    definition), orders and buyers under last-touch, viewers (who saw it from 7 days before the
    period to its end), and conversion = buyers ÷ viewers. ``key`` is the post's, group's or
    host's id, or the product's SKU; ``slug`` is the group's (for its link), empty otherwise."""

    dimension: Dimension
    key: int | str
    label: str
    gmv_last_touch_fen: int
    gmv_linear_fen: int
    orders: Fraction
    buyers: int
    viewers: int
    slug: str = ""

    @property
    def conversion_rate(self) -> float:
        return self.buyers / self.viewers if self.viewers else 0.0


@dataclass
class _Credit:
    """A row's credit before viewers and labels are read."""

    gmv_last_touch: Fraction
    gmv_linear: Fraction
    orders: Fraction
    buyers: set[int]


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The period's ends in UTC (stored times are UTC; SQLite compares them as text)."""
    start = datetime.combine(first, time.min, SHANGHAI).astimezone(UTC)
    return start, datetime.combine(last + timedelta(days=1), time.min, SHANGHAI).astimezone(UTC)


def _slices(keys: Sequence[Any], size: int = KEY_CHUNK) -> Iterable[list[Any]]:
    for at in range(0, len(keys), size):
        yield list(keys[at : at + size])


def _tagged_posts() -> Subquery:
    return Subquery(PostProduct.all().values("post_id"))


async def _tags() -> dict[int, frozenset[str]]:
    tags: dict[int, set[str]] = defaultdict(set)
    for post_id, sku in await PostProduct.all().values_list("post_id", "product__sku"):
        tags[int(post_id)].add(str(sku))
    return {post_id: frozenset(skus) for post_id, skus in tags.items()}


def _skus(items: list[str]) -> tuple[str, ...]:
    return tuple(clean_sku(item) if looks_like_sku(item) else item for item in items)


async def _attribute_chunk(
    members: list[int],
    start: datetime,
    end: datetime,
    tags: dict[int, frozenset[str]],
    into: Attribution,
) -> None:
    orders = [
        Order(int(pid), int(mid), at, int(amount), _skus(list(items or [])))
        for pid, mid, at, amount, items in await Purchase.filter(
            member_id__in=members, purchased_at__gte=start, purchased_at__lt=end
        ).values_list("id", "member_id", "purchased_at", "amount_cents", "items")
    ]
    if not orders:
        return
    sightings = [
        Sighting(int(mid), int(pid), at)
        for mid, pid, at in await PostExposure.filter(
            member_id__in=members,
            post_id__in=_tagged_posts(),
            seen_at__gte=start - WINDOW,
            seen_at__lt=end,
        ).values_list("member_id", "post_id", "seen_at")
    ]
    attribute(orders, sightings, tags, into=into, count_viewers=False)


async def _attribute(
    members: AsyncIterator[list[int]], start: datetime, end: datetime
) -> Attribution:
    result = Attribution()
    tags = await _tags()
    if not tags:
        return result
    async for chunk in members:
        await _attribute_chunk(chunk, start, end, tags, result)
    return result


async def _buyers(start: datetime, end: datetime) -> AsyncIterator[list[int]]:
    """The period's buyers in chunks, by member id (keyset: no list of every buyer is held)."""
    after = 0
    while True:
        query = (
            Purchase.filter(purchased_at__gte=start, purchased_at__lt=end, member_id__gt=after)
            .distinct()
            .order_by("member_id")
            .limit(MEMBER_CHUNK)
        )
        chunk = [int(member_id) for member_id in await column(query, "member_id")]
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


def _add(into: _Credit | None, last: PostCredit, linear: PostCredit) -> _Credit:
    if into is None:
        return _Credit(last.gmv_cents, linear.gmv_cents, last.orders, set(last.buyers))
    into.gmv_last_touch += last.gmv_cents
    into.gmv_linear += linear.gmv_cents
    into.orders += last.orders
    into.buyers |= last.buyers
    return into


def _credited_posts(result: Attribution) -> dict[int | str, _Credit]:
    posts: dict[int | str, _Credit] = {}
    for post_id in {*result.last_touch, *result.linear}:
        last, linear = result.last_touch[post_id], result.linear[post_id]
        if last.gmv_cents or linear.gmv_cents:
            posts[post_id] = _add(None, last, linear)
    return posts


async def _post_groups(post_ids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for part in _slices(post_ids):
        for post_id, group_id in await Post.filter(id__in=part, group_id__isnull=False).values_list(
            "id", "group_id"
        ):
            found[int(post_id)] = int(group_id)
    return found


async def _group_hosts(group_ids: Sequence[int]) -> dict[int, list[int]]:
    hosts: dict[int, list[int]] = defaultdict(list)
    for part in _slices(group_ids):
        for group_id, member_id in await GroupHost.filter(group_id__in=part).values_list(
            "group_id", "member_id"
        ):
            hosts[int(group_id)].append(int(member_id))
    return hosts


async def _of_kind(post_ids: Sequence[int], kind: PostKind) -> set[int]:
    found: set[int] = set()
    for part in _slices(post_ids):
        found |= {int(i) for i in await column(Post.filter(id__in=part, kind=kind), "id")}
    return found


async def _credits(
    result: Attribution, by: Dimension, kind: PostKind | None = None
) -> dict[int | str, _Credit]:
    posts = _credited_posts(result)
    if by is Dimension.POST:
        if kind is None:
            return posts
        keep = await _of_kind([int(post_id) for post_id in posts], kind)
        return {post_id: credit for post_id, credit in posts.items() if post_id in keep}
    if by is Dimension.PRODUCT:
        return {
            sku: _add(None, credit, credit)
            for sku, credit in result.products.items()
            if credit.gmv_cents
        }
    groups_of = await _post_groups([int(post_id) for post_id in posts])
    rows: dict[int | str, _Credit] = {}
    if by is Dimension.GROUP:
        for post_id, group_id in groups_of.items():
            rows[group_id] = _add(
                rows.get(group_id), result.last_touch[post_id], result.linear[post_id]
            )
        return rows
    hosts_of = await _group_hosts(sorted(set(groups_of.values())))
    for post_id, group_id in groups_of.items():
        for host_id in hosts_of.get(group_id, []):
            rows[host_id] = _add(
                rows.get(host_id), result.last_touch[post_id], result.linear[post_id]
            )
    return rows


# How a dimension's key is reached from an exposure ``e`` of a post ``p`` (tagged posts only).
_VIEWER_KEYS = {
    Dimension.POST: ('e."post_id"', ""),
    Dimension.GROUP: ('p."group_id"', ""),
    Dimension.HOST: ('h."member_id"', 'JOIN "group_host" h ON h."group_id" = p."group_id" '),
    Dimension.PRODUCT: (
        'pr."sku"',
        'JOIN "post_product" pp ON pp."post_id" = p."id" '
        'JOIN "product" pr ON pr."id" = pp."product_id" ',
    ),
}


async def _viewers(
    by: Dimension, keys: Sequence[int | str], start: datetime, end: datetime
) -> dict[int | str, int]:
    """Distinct members who saw a tagged post of each key from ``WINDOW`` before the period to
    its end (``rules.py``: the conversion rate's viewers): one statement per ``KEY_CHUNK`` keys."""
    client = connections.get("default")
    sqlite = client.capabilities.dialect == "sqlite"
    key, joins = _VIEWER_KEYS[by]
    seen_at = PostExposure._meta.fields_map["seen_at"]
    since = start - WINDOW  # as far back as a sighting can be credited (rules.py)
    span = [seen_at.to_db_value(since, PostExposure), seen_at.to_db_value(end, PostExposure)]
    counts: dict[int | str, int] = {}
    for part in _slices(keys):
        marks = [("?" if sqlite else f"${n}") for n in range(3, len(part) + 3)]
        sql = (
            f'SELECT {key} AS "key", COUNT(DISTINCT e."member_id") AS "viewers" '  # noqa: S608
            f'FROM "post_exposure" e JOIN "post" p ON p."id" = e."post_id" {joins}'
            f'WHERE e."seen_at" >= {"?" if sqlite else "$1"} '
            f'AND e."seen_at" < {"?" if sqlite else "$2"} '
            f"AND {key} IN ({', '.join(marks)}) "
            'AND EXISTS (SELECT 1 FROM "post_product" t WHERE t."post_id" = e."post_id") '
            f"GROUP BY {key}"
        )
        for row in await client.execute_query_dict(sql, [*span, *part]):
            counts[row["key"]] = int(row["viewers"])
    return counts


async def _labels(by: Dimension, keys: Sequence[int | str]) -> dict[int | str, tuple[str, str]]:
    """Each key's label and slug (groups only)."""
    found: dict[int | str, tuple[str, str]] = {}
    for part in _slices(keys):
        if by is Dimension.POST:
            rows = await Post.filter(id__in=part).values_list("id", "title")
            found |= {int(k): (str(label), "") for k, label in rows}
        elif by is Dimension.GROUP:
            groups = await InterestGroup.filter(id__in=part).values_list("id", "name", "slug")
            found |= {int(k): (str(label), str(slug)) for k, label, slug in groups}
        elif by is Dimension.HOST:
            rows = await Member.filter(id__in=part).values_list("id", "display_name")
            found |= {int(k): (str(label), "") for k, label in rows}
        else:
            rows = await Product.filter(sku__in=part).values_list("sku", "name")
            found |= {str(k): (str(label), "") for k, label in rows}
    return found


async def _rows(
    by: Dimension,
    credits: dict[int | str, _Credit],
    start: datetime,
    end: datetime,
    limit: int | None,
) -> list[AttributionRow]:
    ranked = sorted(
        credits.items(),
        key=lambda item: (
            -item[1].gmv_last_touch,
            -item[1].gmv_linear,
            item[0] if isinstance(item[0], int) else 0,
            str(item[0]),
        ),
    )
    if limit is not None:
        ranked = ranked[:limit]
    keys = [key for key, _ in ranked]
    viewers = await _viewers(by, keys, start, end) if keys else {}
    labels = await _labels(by, keys) if keys else {}
    return [
        AttributionRow(
            dimension=by,
            key=key,
            label=labels.get(key, ("", ""))[0],
            slug=labels.get(key, ("", ""))[1],
            gmv_last_touch_fen=round(credit.gmv_last_touch),
            gmv_linear_fen=round(credit.gmv_linear),
            orders=credit.orders,
            buyers=len(credit.buyers),
            viewers=viewers.get(key, 0),
        )
        for key, credit in ranked
    ]


async def attribution_report(
    first: date,
    last: date,
    by: Dimension = Dimension.POST,
    limit: int | None = 20,
    kind: PostKind | None = None,
) -> list[AttributionRow]:
    """Rows of ``by`` ranked by last-touch GMV of the period's purchases (days in Asia/Shanghai,
    both included), then linear GMV; rows credited nothing are left out. ``limit`` None gives
    every row (the CSV export). ``kind`` keeps the posts of one kind (recipes, say) and applies
    to post rows only: a post's credit does not depend on the other posts' kinds."""
    start, end = bounds(first, last)
    result = await _attribute(_buyers(start, end), start, end)
    return await _rows(by, await _credits(result, by, kind), start, end, limit)


async def attribution_by_post(
    first: date, last: date, limit: int = 20, kind: PostKind | None = None
) -> list[AttributionRow]:
    """The dashboard's 种草带货 list: the top posts (of ``kind``, when given)."""
    return await attribution_report(first, last, Dimension.POST, limit, kind)


async def _viewers_of_groups(
    group_ids: Sequence[int], start: datetime, end: datetime
) -> AsyncIterator[list[int]]:
    """Members who saw a tagged post of the groups between ``WINDOW`` before the period and its
    end: the only members whose orders can credit those groups."""
    after = 0
    while True:
        query = (
            PostExposure.filter(
                post_id__in=Subquery(
                    Post.filter(group_id__in=list(group_ids), id__in=_tagged_posts()).values("id")
                ),
                seen_at__gte=start - WINDOW,
                seen_at__lt=end,
                member_id__gt=after,
            )
            .distinct()
            .order_by("member_id")
            .limit(MEMBER_CHUNK)
        )
        chunk = [int(member_id) for member_id in await column(query, "member_id")]
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


async def groups_attributed_gmv(
    group_ids: Sequence[int], first: date, last: date
) -> dict[int, AttributionRow]:
    """The host console's figure: each group's attributed GMV in the period, the same credit the
    full report gives the group (a sale last touched by another group's post is that group's), but
    reading only the members who saw the groups' tagged posts."""
    if not group_ids:
        return {}
    start, end = bounds(first, last)
    result = await _attribute(_viewers_of_groups(group_ids, start, end), start, end)
    credits: dict[int | str, _Credit] = {
        key: credit
        for key, credit in (await _credits(result, Dimension.GROUP)).items()
        if key in set(group_ids)
    }
    rows = await _rows(Dimension.GROUP, credits, start, end, None)
    return {int(row.key): row for row in rows}
