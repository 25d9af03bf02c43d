"""What the host console (主理人后台) shows for one group: a page of members with tiers and tags,
the month's repurchase rate and posts, the moderation queue's size, the upcoming events with
attendance, and the win-back list. Eight statements per group whatever its size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from domain.attribution.report import AttributionRow, groups_attributed_gmv
from domain.collaborators import Collaborators
from domain.events.models import Event, RegistrationStatus
from domain.groups.models import GroupMembership, InterestGroup
from domain.groups.policies import runs_group
from domain.groups.queries import groups_run_by
from domain.identity.models import Member, MemberInterestTag
from domain.kpis.metrics import Period, Scope, posts_published, ratio, repurchase
from domain.playbooks.models import PlaybookArm, PlaybookRun
from domain.posts.models import Post, PostStatus
from domain.posts.queries import waiting_in_group
from domain.segments.models import TierChange
from domain.segments.rfm import Tier

MEMBERS_PAGE = 50
UPCOMING_EVENTS = 10
WIN_BACK_DAYS = 30
WIN_BACK_SIZE = 50


@dataclass(frozen=True)
class TagOnMember:
    id: int
    name: str
    by_staff: bool  # added by a host or admin (they may take it off again)


@dataclass(frozen=True)
class MemberRow:
    membership_id: int
    member: Member
    tags: list[TagOnMember]


@dataclass(frozen=True)
class UpcomingEvent:
    event: Event
    waitlisted: int


@dataclass(frozen=True)
class GroupSection:
    group: InterestGroup
    members: list[MemberRow]
    next_after: int | None  # membership id to load the next page after
    repurchase: tuple[int, int]  # (repeat buyers, buyers) this month
    posts_this_month: int
    moderation_waiting: int
    events: list[UpcomingEvent]
    win_back: list[TierChange]  # with their members
    latest_posts: list[Post]  # with their authors

    @property
    def repurchase_rate(self) -> float:
        return ratio(*self.repurchase)


async def console_groups(actor: Member) -> list[InterestGroup]:
    """Every group for admins, the groups they host for hosts, nothing for anyone else."""
    return await groups_run_by(actor)


async def console_group(actor: Member, group_id: int) -> InterestGroup | None:
    """The group when ``actor`` may run its console (``runs_group``); None otherwise, so a group
    of someone else looks like one that does not exist."""
    group = await InterestGroup.get_or_none(id=group_id)
    if group is None or not await runs_group(actor, group.id):
        return None
    return group


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


async def tags_by_member_id(member_ids: list[int]) -> dict[int, list[TagOnMember]]:
    """One statement for any number of members."""
    rows = (
        await MemberInterestTag.filter(member_id__in=member_ids)
        .order_by("tag_id")
        .values("member_id", "tag_id", "tag__name", "added_by_id")
    )
    found: dict[int, list[TagOnMember]] = {}
    for row in rows:
        tag = TagOnMember(int(row["tag_id"]), str(row["tag__name"]), row["added_by_id"] is not None)
        found.setdefault(int(row["member_id"]), []).append(tag)
    return found


async def member_rows(
    group_id: int, after: int | None, size: int = MEMBERS_PAGE
) -> list[MemberRow]:
    """``size + 1`` members in joining order with their tags: two statements."""
    query = GroupMembership.filter(group_id=group_id)
    if after is not None:
        query = query.filter(id__gt=after)
    links = await query.order_by("id").limit(size + 1).select_related("member")
    tags = await tags_by_member_id([link.member_id for link in links])
    return [MemberRow(link.id, link.member, tags.get(link.member_id, [])) for link in links]


async def member_row(group_id: int, member_id: int) -> MemberRow | None:
    link = await GroupMembership.get_or_none(group_id=group_id, member_id=member_id).select_related(
        "member"
    )
    if link is None:
        return None
    tags = await tags_by_member_id([member_id])
    return MemberRow(link.id, link.member, tags.get(member_id, []))


async def upcoming_events(c: Collaborators, group_id: int) -> list[UpcomingEvent]:
    """Events of the group that have not ended, soonest first, with waitlist counts: one
    statement."""
    rows = (
        await Event.filter(group_id=group_id, ends_at__gt=c.clock.now())
        .annotate(
            waitlisted=Count(
                "registrations",
                _filter=Q(registrations__status=RegistrationStatus.WAITLISTED),
            )
        )
        .group_by("id")
        .order_by("starts_at", "id")
        .limit(UPCOMING_EVENTS)
    )
    return [UpcomingEvent(row, int(row.waitlisted)) for row in rows]  # type: ignore[attr-defined]


async def win_back(c: Collaborators, group_id: int) -> list[TierChange]:
    """Members of the group whose tier change in the last 30 days asks for a host's word: those
    still DORMANT whose move there it was (their latest change: one is written only when the
    tier changes), and those a tier playbook put on the list (``PlaybookRun.on_winback``). A
    member a win-back playbook held out is not listed: the holdout is what the playbook's
    effect is measured against."""
    since = c.clock.now() - timedelta(days=WIN_BACK_DAYS)
    dormant = Q(to_tier=Tier.DORMANT.value, member__tier=Tier.DORMANT.value)
    held_out = PlaybookRun.filter(arm=PlaybookArm.HOLDOUT, playbook__add_to_winback=True)
    rows = (
        await TierChange.filter(
            dormant | Q(playbook_runs__on_winback=True),
            computed_at__gte=since,
            member_id__in=Subquery(GroupMembership.filter(group_id=group_id).values("member_id")),
        )
        .exclude(id__in=Subquery(held_out.values("tier_change_id")))
        .order_by("-computed_at", "-id")
        .limit(WIN_BACK_SIZE)
        .select_related("member")
    )
    seen: set[int] = set()
    latest = []
    for row in rows:
        if row.member_id not in seen:
            seen.add(row.member_id)
            latest.append(row)
    return latest


async def group_section(c: Collaborators, group: InterestGroup) -> GroupSection:
    rows = await member_rows(group.id, None)
    month = month_of(c.clock.today())
    scope = Scope(group_id=group.id)
    return GroupSection(
        group=group,
        members=rows[:MEMBERS_PAGE],
        next_after=rows[MEMBERS_PAGE - 1].membership_id if len(rows) > MEMBERS_PAGE else None,
        repurchase=await repurchase(scope, month),
        posts_this_month=await posts_published(scope, month),
        moderation_waiting=await waiting_in_group(group.id),
        events=await upcoming_events(c, group.id),
        win_back=await win_back(c, group.id),
        latest_posts=await latest_posts(group.id),
    )


async def attributed_this_month(
    c: Collaborators, groups: list[InterestGroup]
) -> dict[int, AttributionRow]:
    """Each group's attributed GMV this month (``domain/attribution``): what its posts sold. A
    group whose posts sold nothing has no entry."""
    month = month_of(c.clock.today())
    return await groups_attributed_gmv([g.id for g in groups], month.first, month.last)


LATEST_POSTS = 5


async def latest_posts(group_id: int) -> list[Post]:
    """The group's newest posts that are published or waiting for a decision, so a host sees
    what their members share as it arrives (one statement, authors joined)."""
    return (
        await Post.filter(group_id=group_id, status__in=[PostStatus.PUBLISHED, PostStatus.PENDING])
        .select_related("author")
        .order_by("-id")
        .limit(LATEST_POSTS)
    )
