"""Demo posts: ~500 recipes, stories, tips and photos in the eight demo groups, with photos
(drawn by ``demo.photos`` and stored as their authors' uploads), comments, likes, reports and a
moderation queue. A few keen residents write most posts and react most; each member's activity
stays within the time they were still opening the app (``demo.activity``).

Rows go in with ``bulk_create`` (one transaction) so a first ``linli serve`` stays quick; the
points for publishing and featuring still go through ``award_points``, at the time each post was
published or featured, so ``linli reconcile`` passes on the demo.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from tortoise.functions import Count
from tortoise.models import Model
from tortoise.transactions import in_transaction

from demo import posts_texts as texts
from demo.activity import around_at, last_seen, moment_between
from demo.photos import Album
from demo.residents import DEMO_RESIDENT_PHONE
from domain.aftercommit import atomic
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.columns import column
from domain.groups.models import GroupMembership, InterestGroup
from domain.identity.models import Member, Role
from domain.points.services import award_points
from domain.posts import rendering
from domain.posts.models import (
    AuditLogEntry,
    Comment,
    Post,
    PostImage,
    PostKind,
    PostLike,
    PostStatus,
    RecipeDetails,
    RecipeIngredient,
    RecipeStep,
    Report,
    ReportReason,
)
from domain.programme.rules import DEFAULT_RULES
from domain.purchases.models import Purchase

HISTORY = timedelta(days=180)
# The demo fills a new database, where the built-in rule version is in force.
REPORTS_TO_HIDE = DEFAULT_RULES.reports_to_hide
PENDING_POSTS = 15
REJECTED_POSTS = 8
HIDDEN_POSTS = 4
REPORTED_POSTS = 6  # published posts with 1–2 reports waiting for a moderator
FEATURED_SHARE = 0.08
TARGET_LIKES = 6000
TARGET_COMMENTS = 1500
# Share of each kind's posts with photos, and how many they carry (cover first).
_PHOTO_SHARE = {PostKind.PHOTO: 1.0, PostKind.RECIPE: 0.75, PostKind.STORY: 0.4, PostKind.TIP: 0.2}
_PHOTO_COUNTS = ((1, 2, 3, 4), (50, 25, 15, 10))
# A member keeps at most this many pictures per group; later posts reuse them.
PHOTOS_PER_AUTHOR_AND_GROUP = 2
# How unequal writing is: the k-th keenest resident writes in proportion to 1 / k ** this.
WRITER_SKEW = 1.0
KEEN_RANK_OF_THE_DEMO_RESIDENT = 5
# Likes and comments follow the same order of keenness, flattened: many read, fewer react.
READER_SKEW = 1.0
# Likes per post spread lognormally this wide: most likes land on a few posts.
LIKE_SPREAD = 1.3
# Bound parameters per INSERT stay under SQLite's smallest limit (999).
_PARAMS = 900

# group → relative weight of (RECIPE, STORY, TIP, PHOTO)
_KIND_WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    "家常菜研究所": (6, 2, 2, 1),
    "亲子烘焙": (5, 2, 2, 2),
    "手冲咖啡": (3, 2, 3, 2),
    "周末露营": (2, 3, 3, 3),
    "阳台种菜": (1, 3, 3, 3),
    "宠物友好": (1, 3, 3, 3),
    "晨跑俱乐部": (1, 3, 3, 2),
    "邻里读书会": (0, 4, 3, 1),
}
_GROUP_WEIGHTS = {
    "家常菜研究所": 16,
    "亲子烘焙": 13,
    "手冲咖啡": 13,
    "周末露营": 10,
    "阳台种菜": 10,
    "宠物友好": 10,
    "晨跑俱乐部": 8,
    "邻里读书会": 7,
}
_KINDS = (PostKind.RECIPE, PostKind.STORY, PostKind.TIP, PostKind.PHOTO)
_HIDDEN_TITLES = ("好物分享，邻居价", "闲置清仓，先到先得", "代购优惠，私聊", "家里的店搞活动")


@dataclass
class _Plan:
    group: InterestGroup
    author: Member
    kind: PostKind
    title: str
    body: str
    created_at: datetime
    recipe: texts.DemoRecipe | None = None
    status: PostStatus = PostStatus.PUBLISHED
    published_at: datetime | None = None
    featured_at: datetime | None = None
    note: str | None = None
    photos: int = 0
    image_ids: list[int] = field(default_factory=list)
    likes: list[tuple[int, datetime]] = field(default_factory=list)
    comments: list[tuple[int, str, datetime]] = field(default_factory=list)
    reports: list[tuple[int, ReportReason, str | None, datetime]] = field(default_factory=list)
    id: int = 0


@dataclass
class _World:
    """What the plans are drawn from: groups, their members, staff, images per owner."""

    rng: random.Random
    now: datetime
    groups: list[InterestGroup]
    members: list[Member]
    by_group: dict[int, list[Member]]
    moderator: Member
    titles: set[str] = field(default_factory=set)
    # How keen each resident is to write: a few write most posts, keen buyers among them.
    writers: dict[int, float] = field(default_factory=dict)


async def seed_posts_demo(
    c: Collaborators, seed: int = 20261121, posts: int = 500
) -> dict[str, int]:
    """Runs after the members and groups exist; returns what it made."""
    rng = random.Random(seed)  # noqa: S311 -- demo data, not security
    world = await _load_world(rng, c.clock.now())
    plans = sorted((_plan_post(world) for _ in range(posts)), key=lambda p: p.created_at)
    _assign_statuses(world, plans)
    album = Album(c.images, random.Random(rng.randrange(2**32)))  # noqa: S311 -- demo data
    await _attach_photos(world, album, plans)
    await _group_covers(c, world, album)
    _plan_likes(world, plans)
    _plan_comments(world, plans)
    _plan_reports(world, plans)
    async with in_transaction():
        await _insert_posts(plans)
        await _insert_parts(plans)
        likes = await _insert_reactions(world, plans)
    awarded = await _award(c, plans)
    return {
        "posts": len(plans),
        "recipes": sum(p.kind == PostKind.RECIPE for p in plans),
        "published": sum(p.status == PostStatus.PUBLISHED for p in plans),
        "featured": sum(p.featured_at is not None for p in plans),
        "pending": sum(p.status == PostStatus.PENDING for p in plans),
        "rejected": sum(p.status == PostStatus.REJECTED for p in plans),
        "hidden": sum(p.status == PostStatus.HIDDEN for p in plans),
        "images": album.uploads,
        "likes": likes,
        "comments": sum(len(p.comments) for p in plans),
        "reports": sum(len(p.reports) for p in plans),
        "awards": awarded,
    }


async def _load_world(rng: random.Random, now: datetime) -> _World:
    members = await Member.all().order_by("id")
    staff = [m for m in members if m.has_role(Role.ADMIN) or m.has_role(Role.MODERATOR)]
    moderator = next(m for m in staff if m.has_role(Role.MODERATOR))
    residents = {m.id: m for m in members if m not in staff}
    groups = await InterestGroup.all().order_by("id")
    by_group: dict[int, list[Member]] = {g.id: [] for g in groups}
    for group_id, member_id in (
        await GroupMembership.all().order_by("id").values_list("group_id", "member_id")
    ):
        if member_id in residents:
            by_group[group_id].append(residents[member_id])
    world = _World(rng, now, groups, list(residents.values()), by_group, moderator)
    rows = (
        await Purchase.all()
        .group_by("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    orders = {int(member_id): int(n) for member_id, n in rows}
    keen = sorted(world.members, key=lambda m: -(orders.get(m.id, 0) + 12 * rng.random()))
    # The README's resident is among the keenest few, so her page shows her posts.
    resident = next((m for m in keen if m.phone == DEMO_RESIDENT_PHONE), None)
    if resident is not None:
        keen.remove(resident)
        keen.insert(KEEN_RANK_OF_THE_DEMO_RESIDENT, resident)
    world.writers = {m.id: 1 / (rank + 1) ** WRITER_SKEW for rank, m in enumerate(keen)}
    return world


async def _group_covers(c: Collaborators, world: _World, album: Album) -> None:
    """Each host uploaded a cover for their group when they started it."""
    for group in world.groups:
        if group.host_id is None or group.cover_url:
            continue
        at = max(group.created_at, world.now - HISTORY)
        photo = await album.upload(group.host_id, group.name, at)
        group.cover_url = c.images.url(photo.storage_key)
        await InterestGroup.filter(id=group.id).update(cover_url=group.cover_url)


async def _attach_photos(world: _World, album: Album, plans: list[_Plan]) -> None:
    """Each author uploaded a few pictures of what their group is about, the first time they
    posted one; their posts in that group show them (a cover, some two to four)."""
    owned: dict[tuple[int, int], list[int]] = {}
    for plan in plans:
        if not plan.photos:
            continue
        mine = owned.setdefault((plan.author.id, plan.group.id), [])
        while len(mine) < min(plan.photos, PHOTOS_PER_AUTHOR_AND_GROUP):
            upload = await album.upload(plan.author.id, plan.group.name, plan.created_at)
            mine.append(upload.id)
        plan.image_ids = world.rng.sample(mine, min(plan.photos, len(mine)))


async def _bulk(model: type[Model], rows: Sequence[Model]) -> None:
    await model.bulk_create(rows, batch_size=_batch(model))


def _batch(model: type[Model]) -> int:
    return max(1, _PARAMS // len(model._meta.fields_db_projection))


def _unique_title(world: _World, candidates: list[str]) -> str:
    for title in candidates:
        if title not in world.titles and 4 <= len(title) <= 60:
            world.titles.add(title)
            return title
    return candidates[0][:60]


def _window(world: _World, author: Member) -> tuple[datetime, datetime]:
    """When the author could have posted: the last six months, after joining, before they were
    last seen."""
    earliest = max(world.now - HISTORY, author.created_at + timedelta(hours=2))
    return earliest, last_seen(author, world.now) - timedelta(minutes=30)


def _post_time(world: _World, author: Member) -> datetime:
    """Within the author's window, denser lately."""
    earliest, latest = _window(world, author)
    return earliest + (latest - earliest) * (1 - math.pow(world.rng.random(), 1.8))


def _author(world: _World, group: InterestGroup) -> Member:
    """The host a quarter of the time; otherwise the keen few write most, the many rarely."""
    rng = world.rng
    people = [m for m in world.by_group[group.id] or world.members if _could_post(world, m)]
    host = next((m for m in people if m.id == group.host_id), None)
    if host is not None and rng.random() < 0.25:
        return host
    if not people:
        return rng.choice(world.members)
    return rng.choices(people, [world.writers.get(m.id, 0.001) for m in people])[0]


def _could_post(world: _World, member: Member) -> bool:
    earliest, latest = _window(world, member)
    return latest > earliest


def _plan_post(world: _World) -> _Plan:
    rng = world.rng
    names = [g.name for g in world.groups]
    group = rng.choices(world.groups, [_GROUP_WEIGHTS.get(n, 5) for n in names])[0]
    kind = rng.choices(_KINDS, _KIND_WEIGHTS.get(group.name, (1, 1, 1, 1)))[0]
    author = _author(world, group)
    recipes = [r for r in texts.RECIPES if r.group == group.name]
    if kind == PostKind.RECIPE and not recipes:
        kind = PostKind.TIP
    plan = _Plan(group, author, kind, "", "", _post_time(world, author))
    if kind == PostKind.RECIPE:
        plan.recipe = rng.choice(recipes)
        plan.title, plan.body = _recipe_text(world, plan.recipe)
    else:
        plan.title, plan.body = _other_text(world, group.name, kind)
    if rng.random() < _PHOTO_SHARE[kind]:
        plan.photos = rng.choices(*_PHOTO_COUNTS)[0]
    return plan


def _recipe_text(world: _World, recipe: texts.DemoRecipe) -> tuple[str, str]:
    rng = world.rng
    patterns = rng.sample(texts.RECIPE_TITLES, len(texts.RECIPE_TITLES))
    values = {"dish": recipe.dish, "servings": recipe.servings, "minutes": recipe.minutes}
    title = _unique_title(world, [p.format(**values) for p in patterns])
    tips = "\n".join(f"- {tip}" for tip in recipe.tips)
    body = (
        f"{rng.choice(texts.RECIPE_INTROS)}\n\n"
        f"**{recipe.servings} 人份 · 约 {recipe.minutes} 分钟**，用料和步骤见下方。\n\n"
        f"### 小窍门\n\n{tips}\n\n{rng.choice(texts.CLOSINGS)}"
    )
    return title, body


def _other_text(world: _World, group: str, kind: PostKind) -> tuple[str, str]:
    rng = world.rng
    stories, tips, photos = texts.GROUP_TITLES[group]
    stems = {PostKind.STORY: stories, PostKind.TIP: tips, PostKind.PHOTO: photos}[kind]
    stem = rng.choice(stems)
    suffixes = rng.sample(texts.TITLE_SUFFIXES, len(texts.TITLE_SUFFIXES))
    title = _unique_title(world, [stem + s for s in suffixes] + [f"{stem}（{rng.randint(2, 99)}）"])
    paragraphs = texts.GROUP_PARAGRAPHS[group]
    closing = rng.choice(texts.CLOSINGS)
    if kind == PostKind.STORY:
        body = "\n\n".join([*rng.sample(paragraphs, rng.randint(2, 3)), closing])
    elif kind == PostKind.TIP:
        items = rng.sample(texts.TIP_LISTS[group], 3)
        steps = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
        body = f"{rng.choice(paragraphs)}\n\n**要点：**\n\n{steps}\n\n{closing}"
    else:
        body = f"{rng.choice(paragraphs)}\n\n> {rng.choice(texts.CLOSINGS)}"
    return title, body


def _assign_statuses(world: _World, plans: list[_Plan]) -> None:
    """Recent posts wait in the queue; a few older ones were rejected or reported and hidden;
    the rest are published, some featured."""
    rng = world.rng
    recent = plans[-max(PENDING_POSTS * 3, 1) :]
    for plan in rng.sample(recent, min(PENDING_POSTS, len(recent))):
        plan.status = PostStatus.PENDING
    older = [p for p in plans[: -len(recent)]]
    picked = rng.sample(older, min(REJECTED_POSTS + HIDDEN_POSTS, len(older)))
    for plan in picked[:REJECTED_POSTS]:
        plan.status = PostStatus.REJECTED
        plan.note = rng.choice(texts.REJECT_NOTES)
    for plan in picked[REJECTED_POSTS:]:
        plan.status = PostStatus.HIDDEN
        plan.kind, plan.recipe, plan.photos = PostKind.TIP, None, 0
        plan.title = _unique_title(world, rng.sample(_HIDDEN_TITLES, len(_HIDDEN_TITLES)))
        plan.body = rng.choice(texts.PROMO_BODIES)
    for plan in plans:
        if plan.status in (PostStatus.PUBLISHED, PostStatus.HIDDEN):
            # Trusted authors publish at once; a first post waits a few hours for a moderator.
            delay = timedelta(minutes=rng.choice((0, 0, 0, 15, 90, 240)))
            plan.published_at = min(plan.created_at + delay, world.now - timedelta(minutes=5))
            plan.published_at = max(plan.published_at, plan.created_at)
    published = [p for p in plans if p.status == PostStatus.PUBLISHED]
    weights = [3.0 if p.kind == PostKind.RECIPE else 1.0 for p in published]
    featured = {id(p) for p in rng.choices(published, weights, k=int(len(plans) * FEATURED_SHARE))}
    for plan in published:
        if id(plan) in featured and plan.published_at is not None:
            later = plan.published_at + timedelta(hours=rng.randint(2, 72))
            plan.featured_at = min(later, world.now - timedelta(minutes=1))
            plan.featured_at = max(plan.featured_at, plan.published_at)


async def _insert_posts(plans: list[_Plan]) -> None:
    before = await Post.all().order_by("-id").first()
    rows = [
        Post(
            author_id=p.author.id,
            group_id=p.group.id,
            kind=p.kind,
            title=p.title,
            body=p.body,
            body_html=rendering.render_markdown(p.body),
            excerpt=rendering.excerpt(p.body),
            status=p.status,
            featured=p.featured_at is not None,
            moderation_note=p.note,
            like_count=len(p.likes),
            comment_count=len(p.comments),
            report_count=len(p.reports),
            created_at=p.created_at,
            published_at=p.published_at,
        )
        for p in plans
    ]
    await Post.bulk_create(rows, batch_size=_batch(Post))
    # bulk_create leaves integer keys unset; rows went in in order, so read the new ids back.
    ids = await column(Post.filter(id__gt=before.id if before else 0).order_by("id"), "id")
    for plan, post_id in zip(plans, ids, strict=True):
        plan.id = int(post_id)


async def _insert_parts(plans: list[_Plan]) -> None:
    details: list[RecipeDetails] = []
    ingredients: list[RecipeIngredient] = []
    steps: list[RecipeStep] = []
    images: list[PostImage] = []
    for p in plans:
        images += [
            PostImage(post_id=p.id, image_id=i, position=n) for n, i in enumerate(p.image_ids)
        ]
        if p.recipe is None:
            continue
        details.append(
            RecipeDetails(post_id=p.id, servings=p.recipe.servings, minutes=p.recipe.minutes)
        )
        ingredients += [
            RecipeIngredient(post_id=p.id, position=n, name=name, amount=amount)
            for n, (name, amount) in enumerate(p.recipe.ingredients)
        ]
        steps += [
            RecipeStep(post_id=p.id, position=n, text=text) for n, text in enumerate(p.recipe.steps)
        ]
    for model, rows in (
        (RecipeDetails, details),
        (RecipeIngredient, ingredients),
        (RecipeStep, steps),
        (PostImage, images),
    ):
        await _bulk(model, rows)


def _visible(plans: list[_Plan]) -> list[_Plan]:
    return [p for p in plans if p.published_at is not None]


def _counts(world: _World, plans: list[_Plan], target: int, limit: int) -> list[int]:
    """A skewed share of ``target`` per post: featured and recipes draw more, and older posts
    have had longer to collect them."""
    rng = world.rng
    weights = []
    for p in plans:
        weight = rng.lognormvariate(0, LIKE_SPREAD)
        weight *= 1.8 if p.kind == PostKind.RECIPE else 1.0
        weight *= 3.5 if p.featured_at is not None else 1.0
        weight *= 0.3 if p.status == PostStatus.HIDDEN else 1.0
        weights.append(weight)
    scale = target / (sum(weights) or 1)
    return [min(limit, round(w * scale)) for w in weights]


def _moment_after(world: _World, start: datetime, member: Member) -> datetime:
    return moment_between(world.rng, member, start, world.now)


def _around(world: _World, p: _Plan) -> list[Member]:
    """Who could have seen the post: joined, and still opening the app, when it went up."""
    assert p.published_at is not None
    return [
        m
        for m in world.members
        if m.id != p.author.id and around_at(m, max(p.published_at, m.created_at), world.now)
    ]


def _keenness(world: _World, member: Member) -> float:
    """How often a member reacts: the keen writers most, but reading is less unequal."""
    return float(world.writers.get(member.id, 0.001) ** READER_SKEW)


def _keenest(world: _World, people: list[Member], count: int) -> list[Member]:
    """``count`` of ``people`` drawn without replacement, the keen more likely (each gets the
    key u ** (1 / weight) and the largest keys win)."""
    keyed = sorted(people, key=lambda m: world.rng.random() ** (1 / _keenness(world, m)))
    return keyed[len(keyed) - min(count, len(keyed)) :]


def _plan_likes(world: _World, plans: list[_Plan]) -> None:
    visible = _visible(plans)
    counts = _counts(world, visible, TARGET_LIKES, len(world.members) - 1)
    for p, count in zip(visible, counts, strict=True):
        assert p.published_at is not None
        around = _around(world, p)
        likers = _keenest(world, around, count)
        p.likes = [(m.id, _moment_after(world, p.published_at, m)) for m in likers]


def _plan_comments(world: _World, plans: list[_Plan]) -> None:
    visible = _visible(plans)
    for p, count in zip(visible, _counts(world, visible, TARGET_COMMENTS, 40), strict=True):
        assert p.published_at is not None
        around = _around(world, p) or [p.author]
        made = []
        for _ in range(count):
            member = world.rng.choices(around, [_keenness(world, m) for m in around])[0]
            at = _moment_after(world, p.published_at, member)
            made.append((member.id, world.rng.choice(texts.COMMENTS), at))
        p.comments = sorted(made, key=lambda c: c[2])


def _plan_reports(world: _World, plans: list[_Plan]) -> None:
    """Hidden posts have three reports (the third hid them); a few published ones have one or
    two waiting for a moderator."""
    rng = world.rng
    published = [p for p in plans if p.status == PostStatus.PUBLISHED and p.featured_at is None]
    reported = [(p, REPORTS_TO_HIDE) for p in plans if p.status == PostStatus.HIDDEN]
    reported += [(p, rng.randint(1, 2)) for p in rng.sample(published, REPORTED_POSTS)]
    for p, count in reported:
        assert p.published_at is not None
        around = _around(world, p)
        reporters = rng.sample(around, min(count, len(around)))
        moments = sorted(_moment_after(world, p.published_at, m) for m in reporters)
        for member, at in zip(reporters, moments, strict=True):
            note = rng.choice(texts.REPORT_NOTES) or None
            reason = ReportReason.ADVERTISING if note else ReportReason.SPAM
            p.reports.append((member.id, reason, note, at))


async def _insert_reactions(world: _World, plans: list[_Plan]) -> int:
    likes = [PostLike(post_id=p.id, member_id=m, created_at=at) for p in plans for m, at in p.likes]
    comments = [
        Comment(
            post_id=p.id,
            author_id=member_id,
            body=body,
            body_html=rendering.render_comment(body),
            hidden=False,
            created_at=at,
        )
        for p in plans
        for member_id, body, at in p.comments
    ]
    reports = [
        Report(post_id=p.id, reporter_id=m, reason=reason, note=note, created_at=at)
        for p in plans
        for m, reason, note, at in p.reports
    ]
    audit = []
    for p in plans:
        if p.status == PostStatus.HIDDEN and p.reports:
            hider, _, _, hidden_at = p.reports[-1]
            reason = f"{REPORTS_TO_HIDE} 位邻居举报"
            audit.append(_audit(hider, "AUTO_HIDE", p, reason, hidden_at))
        if p.status == PostStatus.REJECTED:
            at = min(p.created_at + timedelta(hours=world.rng.randint(1, 20)), world.now)
            audit.append(_audit(world.moderator.id, "REJECT", p, p.note, at))
        if p.featured_at is not None:
            audit.append(_audit(world.moderator.id, "FEATURE", p, None, p.featured_at))
    audit.sort(key=lambda a: a.created_at)
    for model, rows in (
        (PostLike, likes),
        (Comment, comments),
        (Report, reports),
        (AuditLogEntry, audit),
    ):
        await _bulk(model, rows)
    return len(likes)


def _audit(actor_id: int, action: str, p: _Plan, reason: str | None, at: datetime) -> AuditLogEntry:
    return AuditLogEntry(
        actor_id=actor_id,
        action=action,
        target_type="POST",
        target_id=p.id,
        reason=reason,
        created_at=at,
    )


async def _award(c: Collaborators, plans: list[_Plan]) -> int:
    """Publishing and featuring points, each at the moment it happened, in time order."""
    events: list[tuple[datetime, _Plan, str]] = []
    for p in plans:
        if p.published_at is not None:
            rule = "recipe_published" if p.kind == PostKind.RECIPE else "post_published"
            events.append((p.published_at, p, rule))
        if p.featured_at is not None:
            events.append((p.featured_at, p, "post_featured"))
    events.sort(key=lambda e: (e[0], e[1].id))
    # One outer transaction: each award is a savepoint, not a commit of its own, and the
    # leaderboard updates run once it commits.
    async with atomic():
        for at, p, rule in events:
            clock = FrozenClock(at)
            await award_points(replace(c, clock=clock), p.author.id, rule, f"post:{p.id}")
    return len(events)
