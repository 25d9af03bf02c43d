"""The staff record of one member: profile, roles, suspension, activity, points and moderation.

Read for the admin member page and the ``memberRecord`` query with a fixed number of statements
whatever the member's history (counts are aggregates, lists are capped), pinned by a test."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from domain.campaigns.models import Vote
from domain.events.models import EventRegistration
from domain.identity.models import Member, RoleGrantRequest, RoleGrantStatus
from domain.points.models import LedgerEntry
from domain.posts.models import AuditLogEntry, Comment, Post, Report
from domain.rewards.models import Redemption

RECENT = 5
LEDGER_ROWS = 20
AUDIT_ROWS = 20


@dataclass(frozen=True)
class ActivityCounts:
    posts: int
    comments: int
    votes: int
    registrations: int
    redemptions: int


@dataclass(frozen=True)
class MemberRecord:
    member: Member
    counts: ActivityCounts
    recent_posts: list[Post]
    recent_comments: list[Comment]
    recent_votes: list[Vote]
    recent_registrations: list[EventRegistration]
    recent_redemptions: list[Redemption]
    ledger: list[LedgerEntry]
    audit: list[AuditLogEntry]
    reports_against: list[Report]
    reports_against_count: int
    pending_grants: list[RoleGrantRequest]


async def get_member_record(member_id: int) -> MemberRecord | None:
    """None when there is no such member. 16 statements, whatever the history."""
    member = await Member.get_or_none(id=member_id).select_related("estate")
    if member is None:
        return None
    own_posts = Subquery(Post.filter(author_id=member_id).values("id"))
    own_comments = Subquery(Comment.filter(author_id=member_id).values("id"))
    about = (
        Q(target_type="MEMBER", target_id=member_id)
        | Q(target_type="POST", target_id__in=own_posts)
        | Q(target_type="COMMENT", target_id__in=own_comments)
    )
    reports = Report.filter(Q(post_id__in=own_posts) | Q(comment_id__in=own_comments))
    counts = ActivityCounts(
        posts=await Post.filter(author_id=member_id).count(),
        comments=await Comment.filter(author_id=member_id).count(),
        votes=await Vote.filter(member_id=member_id).count(),
        registrations=await EventRegistration.filter(member_id=member_id).count(),
        redemptions=await Redemption.filter(member_id=member_id).count(),
    )
    return MemberRecord(
        member=member,
        counts=counts,
        recent_posts=await Post.filter(author_id=member_id).order_by("-id").limit(RECENT),
        recent_comments=await Comment.filter(author_id=member_id)
        .select_related("post")
        .order_by("-id")
        .limit(RECENT),
        recent_votes=await Vote.filter(member_id=member_id)
        .select_related("entry")
        .order_by("-id")
        .limit(RECENT),
        recent_registrations=await EventRegistration.filter(member_id=member_id)
        .select_related("event")
        .order_by("-id")
        .limit(RECENT),
        recent_redemptions=await Redemption.filter(member_id=member_id)
        .select_related("reward")
        .order_by("-id")
        .limit(RECENT),
        ledger=await LedgerEntry.filter(member_id=member_id).order_by("-id").limit(LEDGER_ROWS),
        audit=await AuditLogEntry.filter(about)
        .select_related("actor")
        .order_by("-id")
        .limit(AUDIT_ROWS),
        reports_against=await reports.select_related("reporter").order_by("-id").limit(RECENT),
        reports_against_count=await reports.count(),
        pending_grants=await RoleGrantRequest.filter(
            member_id=member_id, status=RoleGrantStatus.PENDING
        )
        .select_related("requested_by", "member")
        .order_by("id"),
    )


SEARCH_ROWS = 30


async def find_members(term: str) -> list[Member]:
    """Members whose nickname contains ``term``, or whose phone ends with it when it is 4 digits
    (staff search by the digits a resident reads out, never by the whole number)."""
    term = term.strip()[:20]
    if not term:
        return []
    match = Q(display_name__icontains=term)
    if len(term) == 4 and term.isdigit():
        match |= Q(phone__endswith=term)
    return await Member.filter(match).select_related("estate").order_by("id").limit(SEARCH_ROWS)
