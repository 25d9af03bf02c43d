"""Pure campaign rules: where a campaign stands, who may vote, valid inputs, the winner. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import FieldError

MIN_ACCOUNT_AGE = timedelta(hours=72)
DEFAULT_VOTES_PER_MEMBER = 3


class CampaignStatus(StrEnum):
    DRAFT = "DRAFT"
    PROPOSING = "PROPOSING"
    VOTING = "VOTING"
    CLOSED = "CLOSED"


@dataclass(frozen=True)
class Windows:
    proposal_starts_at: datetime | None
    proposal_ends_at: datetime | None
    voting_starts_at: datetime
    voting_ends_at: datetime
    closed_at: datetime | None


def status_at(w: Windows, now: datetime) -> CampaignStatus:
    """Closed once closed; voting from the voting start; proposing before that, from the
    proposal start (or from creation when there is none)."""
    if w.closed_at is not None:
        return CampaignStatus.CLOSED
    if now >= w.voting_starts_at:
        return CampaignStatus.VOTING
    if w.proposal_starts_at is not None and now < w.proposal_starts_at:
        return CampaignStatus.DRAFT
    return CampaignStatus.PROPOSING


def is_proposal_open(w: Windows, now: datetime) -> bool:
    if w.closed_at is not None:
        return False
    starts = w.proposal_starts_at
    ends = w.proposal_ends_at or w.voting_starts_at
    return (starts is None or starts <= now) and now < ends


def is_voting_open(w: Windows, now: datetime) -> bool:
    return w.closed_at is None and w.voting_starts_at <= now < w.voting_ends_at


def results_visible(hide_results: bool, closed: bool) -> bool:
    """Hidden results show no count anywhere until the campaign closes."""
    return closed or not hide_results


def ineligibility(
    joined_at: datetime,
    suspended: bool,
    member_estate_id: int | None,
    campaign_estate_id: int | None,
    now: datetime,
) -> str | None:
    """Why a member may not vote, in Chinese; None when they may."""
    if suspended:
        return "账号已被暂停，不能投票"
    if now - joined_at < MIN_ACCOUNT_AGE:
        return "注册满 72 小时后才能投票"
    if campaign_estate_id is not None and member_estate_id != campaign_estate_id:
        return "这个活动只对本小区的邻居开放"
    return None


def campaign_field_errors(
    title: str,
    description: str,
    proposal_starts_at: datetime | None,
    proposal_ends_at: datetime | None,
    voting_starts_at: datetime,
    voting_ends_at: datetime,
    votes_per_member: int,
) -> list[FieldError]:
    errors = []
    if not 4 <= len(title.strip()) <= 60:
        errors.append(FieldError("title", "标题应为 4–60 个字"))
    if not 1 <= len(description.strip()) <= 2000:
        errors.append(FieldError("description", "请填写 1–2000 字的活动说明"))
    if voting_ends_at <= voting_starts_at:
        errors.append(FieldError("votingEndsAt", "投票结束时间应晚于开始时间"))
    if proposal_starts_at and proposal_ends_at and proposal_ends_at <= proposal_starts_at:
        errors.append(FieldError("proposalEndsAt", "征集结束时间应晚于开始时间"))
    if proposal_ends_at and proposal_ends_at > voting_starts_at:
        errors.append(FieldError("proposalEndsAt", "征集应在投票开始前结束"))
    if not 1 <= votes_per_member <= 20:
        errors.append(FieldError("votesPerMember", "每人票数应在 1 到 20 之间"))
    return errors


def entry_field_errors(title: str, description: str | None) -> list[FieldError]:
    errors = []
    if not 1 <= len(title.strip()) <= 40:
        errors.append(FieldError("title", "名字应为 1–40 个字"))
    if description is not None and len(description.strip()) > 200:
        errors.append(FieldError("description", "说明最多 200 字"))
    return errors


@dataclass(frozen=True)
class Standing:
    entry_id: int
    votes: int
    created_at: datetime


def winner_of(standings: Sequence[Standing]) -> int | None:
    """Most votes; a tie goes to the earlier entry. None without entries."""
    if not standings:
        return None
    best = min(standings, key=lambda s: (-s.votes, s.created_at, s.entry_id))
    return best.entry_id
