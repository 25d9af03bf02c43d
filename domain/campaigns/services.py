"""Campaign actions: create, propose, moderate entries, vote, close. The same services serve
GraphQL, the portal and the closing job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.aftercommit import after_commit, atomic
from domain.audit import changed, record_change, snapshot
from domain.campaigns import live, rules
from domain.campaigns.errors import (
    AlreadyVotedError,
    CampaignNotOpenError,
    InvalidEntryTransitionError,
    NotEligibleError,
    NoVotesLeftError,
    VotingAlreadyOpenError,
)
from domain.campaigns.facts import CampaignWon, VotingOpened
from domain.campaigns.models import Ballot, Campaign, CampaignEntry, CampaignKind, EntryStatus, Vote
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.facts import announce
from domain.identity.models import Estate, Member, Role
from domain.identity.policies import require_role
from domain.identity.suspensions import is_suspended
from domain.identity.verification import require_verified
from domain.points.services import award_points
from domain.posts import text
from domain.posts.models import Post, PostKind, PostStatus
from domain.ratelimit import Limit, hit_all
from domain.safety.services import screen
from domain.webhooks.models import EventKind
from domain.webhooks.outbox import enqueue

PROPOSALS = Limit("campaign:propose", 5, 60)


def windows(campaign: Campaign) -> rules.Windows:
    return rules.Windows(
        campaign.proposal_starts_at,
        campaign.proposal_ends_at,
        campaign.voting_starts_at,
        campaign.voting_ends_at,
        campaign.closed_at,
    )


# What a campaign's creation records in the audit log.
CREATED_FIELDS = (
    "kind",
    "title",
    "description",
    "estate_id",
    "proposal_starts_at",
    "proposal_ends_at",
    "voting_starts_at",
    "voting_ends_at",
    "votes_per_member",
    "hide_results",
)


@dataclass(frozen=True)
class NewCampaign:
    kind: CampaignKind
    title: str
    description: str
    voting_starts_at: datetime
    voting_ends_at: datetime
    estate_id: int | None = None
    proposal_starts_at: datetime | None = None
    proposal_ends_at: datetime | None = None
    votes_per_member: int = rules.DEFAULT_VOTES_PER_MEMBER
    hide_results: bool = False


async def create_campaign(c: Collaborators, admin: Member, new: NewCampaign) -> Campaign:
    require_role(admin, Role.ADMIN)
    errors = rules.campaign_field_errors(
        new.title,
        new.description,
        new.proposal_starts_at,
        new.proposal_ends_at,
        new.voting_starts_at,
        new.voting_ends_at,
        new.votes_per_member,
    )
    if new.estate_id is not None and not await Estate.filter(id=new.estate_id).exists():
        errors.append(FieldError("estateId", "小区不存在"))
    if errors:
        raise InvalidInputError(errors)
    async with atomic():
        campaign = await Campaign.create(
            kind=new.kind,
            title=new.title.strip(),
            description=new.description.strip(),
            estate_id=new.estate_id,
            proposal_starts_at=new.proposal_starts_at,
            proposal_ends_at=new.proposal_ends_at,
            voting_starts_at=new.voting_starts_at,
            voting_ends_at=new.voting_ends_at,
            votes_per_member=new.votes_per_member,
            hide_results=new.hide_results,
            created_by=admin,
            created_at=c.clock.now(),
        )
        await record_change(
            actor_id=admin.id,
            action="CAMPAIGN_CREATED",
            target_type="CAMPAIGN",
            target_id=campaign.id,
            now=campaign.created_at,
            after=snapshot(campaign, CREATED_FIELDS),
        )
    return campaign


async def propose_entry(
    c: Collaborators,
    member: Member,
    campaign_id: int,
    title: str,
    description: str | None = None,
    post_id: int | None = None,
) -> CampaignEntry:
    """A name waits for a moderator; a photo entry is an already published PHOTO post."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFoundError()
    if not rules.is_proposal_open(windows(campaign), c.clock.now()):
        raise CampaignNotOpenError("活动当前不在征集时间内")
    if is_suspended(member, c.clock.now()):
        raise NotEligibleError("账号已被暂停，不能参与")
    if campaign.estate_id is not None and member.estate_id != campaign.estate_id:
        raise NotEligibleError("这个活动只对本小区的邻居开放")
    title = text.clean_text(title)
    description = text.clean_text(description) if description else None
    errors = rules.entry_field_errors(title, description)
    status = EntryStatus.PENDING
    if campaign.kind == CampaignKind.PHOTO:
        post = await _own_published_photo(member, post_id)
        title = title or post.title
        status = EntryStatus.APPROVED
        errors = rules.entry_field_errors(title[:40], description)
    elif post_id is not None:
        errors.append(FieldError("postId", "命名活动不需要关联帖子"))
    if errors:
        raise InvalidInputError(errors)
    screened = await screen(c, title, description or "")
    title, description = screened.texts[0], screened.texts[1]
    if screened.flag:
        status = EntryStatus.PENDING  # held for a moderator, even a photo entry
    await hit_all(c.redis, [(PROPOSALS, str(member.id))])
    try:
        return await CampaignEntry.create(
            campaign=campaign,
            proposer=member,
            title=title[:40],
            description=description or None,
            post_id=post_id,
            status=status,
            safety_flag=screened.flag,
            created_at=c.clock.now(),
        )
    except IntegrityError as error:
        raise InvalidInputError.single("postId", "这张照片已经参赛了") from error


async def _own_published_photo(member: Member, post_id: int | None) -> Post:
    if post_id is None:
        raise InvalidInputError.single("postId", "请选择一篇已发布的照片帖子")
    post = await Post.get_or_none(id=post_id, author_id=member.id)
    if post is None or post.kind != PostKind.PHOTO or post.status != PostStatus.PUBLISHED:
        raise InvalidInputError.single("postId", "只能用自己已发布的照片帖子参赛")
    return post


_ENTRY_ACTIONS = {"APPROVE": EntryStatus.APPROVED, "REJECT": EntryStatus.REJECTED}


async def moderate_entry(
    c: Collaborators, actor: Member, entry_id: int, action: str, reason: str | None = None
) -> CampaignEntry:
    """Approve or reject a proposed name; repeating the same decision changes nothing more."""
    require_role(actor, Role.MODERATOR, Role.ADMIN)
    entry = await CampaignEntry.get_or_none(id=entry_id)
    if entry is None:
        raise NotFoundError()
    target = _ENTRY_ACTIONS.get(action)
    if target is None:
        raise InvalidEntryTransitionError("命名作品只能通过或不通过")
    note = text.clean_text(reason or "")[:200] or None
    if target == EntryStatus.REJECTED and not note:
        raise InvalidInputError.single("reason", "请写明不通过的原因")
    if entry.status == target:
        return entry
    async with atomic():
        moved = await CampaignEntry.filter(id=entry_id, status=EntryStatus.PENDING).update(
            status=target
        )
        if not moved:
            raise InvalidEntryTransitionError()
        await record_change(
            actor_id=actor.id,
            action=action,
            target_type="CAMPAIGN_ENTRY",
            target_id=entry_id,
            now=c.clock.now(),
            before={"status": EntryStatus.PENDING},  # the only status the update moves from
            after={"status": target},
            reason=note,
        )
    return await CampaignEntry.get(id=entry_id)


@dataclass(frozen=True)
class VoteCast:
    entry: CampaignEntry
    votes_left: int


async def check_can_vote(c: Collaborators, member: Member, campaign: Campaign) -> None:
    now = c.clock.now()
    if not rules.is_voting_open(windows(campaign), now):
        raise CampaignNotOpenError("活动当前不在投票时间内")
    why = rules.ineligibility(
        member.created_at, is_suspended(member, now), member.estate_id, campaign.estate_id, now
    )
    if why is not None:
        raise NotEligibleError(why)
    if campaign.estate_id is not None:
        await require_verified(member, campaign.estate_id)


async def cast_vote(c: Collaborators, member: Member, entry_id: int) -> VoteCast:
    """One conditional update of the ballot decides whether a vote is left; the unique
    (entry, member) index decides whether this member already voted for this entry."""
    entry = await CampaignEntry.get_or_none(id=entry_id, status=EntryStatus.APPROVED)
    if entry is None:
        raise NotFoundError()
    campaign = await Campaign.get(id=entry.campaign_id)
    await check_can_vote(c, member, campaign)
    if await Vote.filter(entry_id=entry_id, member_id=member.id).exists():
        raise AlreadyVotedError()
    per_minute = c.settings.limits.votes_per_minute
    await hit_all(c.redis, [(Limit("vote", per_minute, 60), str(member.id))])
    try:
        async with atomic():
            await _still_open(c, campaign.id)
            await Ballot.bulk_create(
                [
                    Ballot(
                        campaign_id=campaign.id,
                        member_id=member.id,
                        votes_left=campaign.votes_per_member,
                    )
                ],
                ignore_conflicts=True,
            )
            spent = await Ballot.filter(
                campaign_id=campaign.id, member_id=member.id, votes_left__gt=0
            ).update(votes_left=F("votes_left") - 1)
            if not spent:
                raise NoVotesLeftError()
            await Vote.create(
                campaign_id=campaign.id,
                entry_id=entry_id,
                member_id=member.id,
                created_at=c.clock.now(),
            )
            await award_points(c, member.id, "vote_cast", f"entry:{entry_id}")
            # The entry's counter is the row every voter for it contends on: update it last, so
            # its lock is held only from here to the commit, not through the award.
            await CampaignEntry.filter(id=entry_id).update(vote_count=F("vote_count") + 1)
            after_commit(
                lambda: live.record_vote(c.redis, campaign.id, entry_id),
                lambda: live.doubt_vote(c.redis, campaign.id),
            )
    except IntegrityError as error:
        raise AlreadyVotedError() from error
    return VoteCast(await CampaignEntry.get(id=entry_id), await votes_left(campaign, member.id))


async def _still_open(c: Collaborators, campaign_id: int) -> None:
    """Share-lock the campaign row so a concurrent close waits for this vote (PostgreSQL), then
    check it is still open: no vote lands after the winner is chosen."""
    if Campaign._meta.db.capabilities.dialect == "postgres":
        rows = await Campaign.raw(
            f'SELECT * FROM "campaign" WHERE "id" = {int(campaign_id)} FOR SHARE'  # noqa: S608
        )
    else:
        rows = await Campaign.filter(id=campaign_id)
    if not rows or not rules.is_voting_open(windows(rows[0]), c.clock.now()):
        raise CampaignNotOpenError("活动当前不在投票时间内")


async def votes_left(campaign: Campaign, member_id: int) -> int:
    ballot = await Ballot.get_or_none(campaign_id=campaign.id, member_id=member_id)
    return ballot.votes_left if ballot else campaign.votes_per_member


async def open_voting(c: Collaborators, admin: Member, campaign_id: int) -> Campaign:
    """Voting opens now instead of at its start (a proposal window still open ends now): only a
    campaign before its voting window. Audited; the estate's members hear voting opened."""
    require_role(admin, Role.ADMIN)
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFoundError()
    now = c.clock.now()
    moved_to = {"voting_starts_at": now, **_proposals_end_by(campaign, now)}
    async with atomic():
        moved = await Campaign.filter(
            id=campaign_id, closed_at__isnull=True, voting_starts_at__gt=now
        ).update(**moved_to)
        if not moved:
            raise VotingAlreadyOpenError()
        before, after = changed(
            {"status": rules.status_at(windows(campaign), now), **_windows_of(campaign)},
            {"status": rules.CampaignStatus.VOTING, **moved_to},
        )
        await record_change(
            actor_id=admin.id,
            action="OPEN_VOTING",
            target_type="CAMPAIGN",
            target_id=campaign_id,
            now=now,
            before=before,
            after=after,
        )
        announce(c, VotingOpened(campaign_id, campaign.estate_id, campaign.title, admin.id))
    return await Campaign.get(id=campaign_id)


def _windows_of(campaign: Campaign) -> dict[str, datetime | None]:
    return {
        "voting_starts_at": campaign.voting_starts_at,
        "proposal_starts_at": campaign.proposal_starts_at,
        "proposal_ends_at": campaign.proposal_ends_at,
    }


def _proposals_end_by(campaign: Campaign, now: datetime) -> dict[str, datetime]:
    """The proposal window's bounds moved so that it ends by ``now`` (none: it ends with the
    voting start, which moves itself)."""
    moved = {}
    if campaign.proposal_starts_at is not None and campaign.proposal_starts_at > now:
        moved["proposal_starts_at"] = now
    if campaign.proposal_ends_at is not None and campaign.proposal_ends_at > now:
        moved["proposal_ends_at"] = now
    return moved


async def close_campaign(
    c: Collaborators, campaign_id: int, admin: Member | None = None
) -> Campaign:
    """Name the winner (most votes, a tie to the earlier entry) and award the proposer once.
    Closing a closed campaign changes nothing. ``admin`` is None when the job closes it; an
    admin's closing is audited with the status it ended and the winner it named."""
    if admin is not None:
        require_role(admin, Role.ADMIN)
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise NotFoundError()
    now = c.clock.now()
    async with atomic():
        closed = await Campaign.filter(id=campaign_id, closed_at__isnull=True).update(closed_at=now)
        if closed:
            winner_id = await _name_winner(c, campaign_id)
            if admin is not None:  # the job's closing at the end of voting is no staff change
                await _audit_closing(admin, campaign, winner_id, now)
            ended = {"campaign_id": campaign_id, "winner_entry_id": winner_id}
            await enqueue(EventKind.CAMPAIGN_CLOSED, ended, now)
    if closed:
        await live.rebuild(c.redis, campaign_id)
        await live.publish(c.redis, campaign_id)
    return await Campaign.get(id=campaign_id)


async def _audit_closing(
    admin: Member, campaign: Campaign, winner_id: int | None, now: datetime
) -> None:
    """The status the campaign had until now (its row as read before the closing update, which
    found it still open) and the winner named, if any."""
    await record_change(
        actor_id=admin.id,
        action="CAMPAIGN_CLOSED",
        target_type="CAMPAIGN",
        target_id=campaign.id,
        now=now,
        before={"status": rules.status_at(windows(campaign), now), "winner_entry_id": None},
        after={"status": rules.CampaignStatus.CLOSED, "winner_entry_id": winner_id},
    )


async def _name_winner(c: Collaborators, campaign_id: int) -> int | None:
    entries = await CampaignEntry.filter(campaign_id=campaign_id, status=EntryStatus.APPROVED)
    standings = [rules.Standing(e.id, e.vote_count, e.created_at) for e in entries]
    winner_id = rules.winner_of(standings)
    if winner_id is None:
        return None
    await Campaign.filter(id=campaign_id).update(winner_entry_id=winner_id)
    winner = next(e for e in entries if e.id == winner_id)
    await award_points(c, winner.proposer_id, "campaign_won", f"campaign:{campaign_id}")
    title = await column(Campaign.filter(id=campaign_id), "title")
    announce(c, CampaignWon(campaign_id, winner.id, winner.proposer_id, title[0]))
    return winner_id


async def close_due_campaigns(c: Collaborators) -> int:
    """The job: close every campaign whose voting window has ended; returns how many."""
    due = await Campaign.filter(closed_at__isnull=True, voting_ends_at__lte=c.clock.now()).only(
        "id"
    )
    for campaign in due:
        await close_campaign(c, campaign.id)
    return len(due)
