"""Demo sightings: who saw which post over the last three months, so the dashboard's 种草带货 table
credits posts with the orders that followed them.

Each resident opens the app on some of the days they were still around (``demo.activity``): keen
buyers most days, occasional ones now and then. An opening shows a few feed cards, recent and
liked posts first (sometimes from one of the member's own groups), and some are opened. Some
orders of the brand's products were prompted by a post: their buyers saw a post tagged with one
of the order's SKUs within the days before ordering. Everything goes through the exposure
buffer (``record_past``) and ``flush``, like the sightings the feed and the mini-program report."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import accumulate

from demo.activity import around_at, last_seen
from domain.attribution.rules import WINDOW
from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.columns import column
from domain.exposures import services as exposures
from domain.exposures.models import ExposureSource
from domain.exposures.services import PastSighting
from domain.groups.models import GroupMembership
from domain.identity.models import Member, Role
from domain.posts.models import Post, PostStatus
from domain.products.models import PostProduct
from domain.purchases.models import Purchase

# Inside the 90 days raw exposures are kept (older days are compacted to counts per post).
DAYS = 89
CARDS_PER_OPENING = (5, 16)
OPENED_SHARE = 0.15  # of the cards seen, how many are opened (a DETAIL sighting)
MINIPROGRAM_SHARE = 0.4  # members who read in the mini-program rather than the portal
GROUP_BROWSING = 0.35  # openings spent in one of the member's own groups
HALF_LIFE_DAYS = 6  # how fast a post leaves the top of the feed
LONG_TAIL = 0.01  # older posts still turn up now and then (search, a profile, a group's page)
# Of the brand's orders in the period, the share a post prompted: the buyer had seen a post
# tagged with one of the order's SKUs in the days before.
PROMPTED_SHARE = 0.3


@dataclass
class _Feed:
    """The posts a member could be shown on one day, with cumulative weights for drawing."""

    posts: list[Post] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def draw(self, rng: random.Random, count: int) -> list[Post]:
        if not self.posts:
            return []
        return rng.choices(self.posts, cum_weights=self.weights, k=count)


def _appeal(post: Post, at: datetime) -> float:
    """Liked posts travel further; a post fades from the feed in a week or two."""
    assert post.published_at is not None
    age_days = (at - post.published_at).total_seconds() / 86400
    featured = 3.0 if post.featured else 1.0
    fading = 0.5 ** (age_days / HALF_LIFE_DAYS) + LONG_TAIL
    return float(featured * (1 + post.like_count) ** 0.6 * fading)


def _feeds(posts: list[Post], day_start: datetime) -> tuple[_Feed, dict[int, _Feed]]:
    """The day's whole feed and each group's, from the posts published before the day began."""
    shown = [p for p in posts if p.published_at is not None and p.published_at < day_start]
    whole = _Feed(shown, list(accumulate(_appeal(p, day_start) for p in shown)))
    by_group: dict[int, list[Post]] = defaultdict(list)
    for post in shown:
        if post.group_id is not None:
            by_group[post.group_id].append(post)
    groups = {
        gid: _Feed(ps, list(accumulate(_appeal(p, day_start) for p in ps)))
        for gid, ps in by_group.items()
    }
    return whole, groups


def _openings_per_day(rng: random.Random, orders: int) -> float:
    """The chance a member opens the app on a day they are around: keen buyers most days."""
    return min(0.9, (0.3 + 0.012 * orders) * rng.lognormvariate(0, 0.4))


def _source(rng: random.Random, reads_in_miniprogram: bool) -> ExposureSource:
    if rng.random() < OPENED_SHARE:
        return ExposureSource.DETAIL
    return ExposureSource.MINIPROGRAM if reads_in_miniprogram else ExposureSource.FEED


def _seconds(at: datetime) -> datetime:
    """Sightings are kept to the second."""
    return at.replace(microsecond=0)


def _around(member: Member, at: datetime, now: datetime) -> bool:
    return at <= now and around_at(member, at, now)


@dataclass
class _World:
    rng: random.Random
    now: datetime
    residents: list[Member]
    posts: list[Post]
    groups_of: dict[int, list[int]]
    orders: dict[int, int]


def _browsing(world: _World) -> list[PastSighting]:
    rng, now = world.rng, world.now
    habits = {
        m.id: (_openings_per_day(rng, world.orders.get(m.id, 0)), rng.random() < MINIPROGRAM_SHARE)
        for m in world.residents
    }
    today = now.astimezone(SHANGHAI).date()
    sightings: list[PastSighting] = []
    for back in range(DAYS, -1, -1):
        day_start = datetime.combine(today - timedelta(days=back), time(7), SHANGHAI)
        whole, groups = _feeds(world.posts, day_start)
        for member in world.residents:
            chance, miniprogram = habits[member.id]
            if rng.random() >= chance:
                continue
            at = day_start + timedelta(hours=rng.uniform(0, 16))
            if not _around(member, at, now):
                continue
            mine = world.groups_of.get(member.id)
            feed = whole
            if mine and rng.random() < GROUP_BROWSING:
                feed = groups.get(rng.choice(mine), whole)
            for post in dict.fromkeys(feed.draw(rng, rng.randint(*CARDS_PER_OPENING))):
                moment = _seconds(at + timedelta(seconds=rng.uniform(0, 600)))
                if post.author_id != member.id and _around(member, moment, now):
                    source = _source(rng, miniprogram)
                    sightings.append(PastSighting(member.id, post.id, source, moment))
    return sightings


async def _tagged_posts(posts: list[Post]) -> dict[str, list[Post]]:
    by_id = {p.id: p for p in posts}
    tagged: dict[str, list[Post]] = defaultdict(list)
    for post_id, sku in (
        await PostProduct.all().order_by("id").values_list("post_id", "product__sku")
    ):
        if post_id in by_id:
            tagged[str(sku)].append(by_id[post_id])
    return tagged


async def _prompted(world: _World, start: datetime) -> list[PastSighting]:
    """Sightings that prompted an order: the buyer saw a post tagged with one of the order's
    SKUs between an hour and ``WINDOW`` before ordering."""
    rng = world.rng
    tagged = await _tagged_posts(world.posts)
    members = {m.id: m for m in world.residents}
    orders = (
        await Purchase.filter(purchased_at__gte=start + WINDOW)
        .order_by("id")
        .values_list("member_id", "purchased_at", "items")
    )
    sightings: list[PastSighting] = []
    for member_id, purchased_at, items in orders:
        member = members.get(member_id)
        skus = [item for item in items or [] if item in tagged]
        if member is None or not skus or rng.random() >= PROMPTED_SHARE:
            continue
        earliest = purchased_at - WINDOW + timedelta(hours=1)
        fitting = [
            p
            for p in tagged[rng.choice(skus)]
            if p.author_id != member_id
            and p.published_at is not None
            and p.published_at < purchased_at - timedelta(hours=1)
        ]
        if not fitting:
            continue
        post = rng.choices(fitting, [_appeal(p, purchased_at) for p in fitting])[0]
        assert post.published_at is not None
        since = max(earliest, post.published_at, member.created_at)
        until = purchased_at - timedelta(hours=1)
        at = _seconds(since + (until - since) * math.pow(rng.random(), 0.7))
        if at > post.published_at and _around(member, at, world.now):
            sightings.append(PastSighting(member_id, post.id, ExposureSource.DETAIL, at))
    return sightings


async def _world(rng: random.Random, now: datetime, start: datetime) -> _World:
    members = await Member.all().order_by("id")
    residents = [
        m
        for m in members
        if not any(m.has_role(role) for role in (Role.ADMIN, Role.MODERATOR))
        and last_seen(m, now) >= start
    ]
    posts = list(
        await Post.filter(status=PostStatus.PUBLISHED, published_at__isnull=False).order_by("id")
    )
    groups_of: dict[int, list[int]] = defaultdict(list)
    for member_id, group_id in (
        await GroupMembership.all().order_by("id").values_list("member_id", "group_id")
    ):
        groups_of[int(member_id)].append(int(group_id))
    year = Purchase.filter(purchased_at__gte=now - timedelta(days=365))
    orders = Counter(int(member_id) for member_id in await column(year, "member_id"))
    return _World(rng, now, residents, posts, dict(groups_of), dict(orders))


async def seed_exposures_demo(c: Collaborators, seed: int = 20261121) -> dict[str, int]:
    """Runs after the purchases, posts and product tags exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    now = c.clock.now()
    start = now - timedelta(days=DAYS)
    world = await _world(rng, now, start)
    sightings = _browsing(world) + await _prompted(world, start)
    sightings.sort(key=lambda s: s.seen_at)  # the first of a day is the one kept
    await exposures.record_past(c, sightings)
    written = await exposures.flush(c)
    return {
        "exposures": written,
        "viewers": len({s.member_id for s in sightings}),
    }
