"""A member's copy of their data (个人信息副本): everything Linli holds about them, as one JSON
file with every category and a CSV per category, zipped by the worker and kept for 24 hours.

The member asks (``request_data_export``); the worker builds it (``build_data_export``, kicked
after the commit, or at once when the process has no queue); only its member downloads it
(``export_archive``: anyone else, and an expired one, is not found)."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from domain.aftercommit import after_commit, atomic
from domain.campaigns.models import Vote
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import DomainError, NotFoundError
from domain.events.models import EventRegistration
from domain.exposures.models import PostExposure
from domain.honours.models import BadgeAward
from domain.identity.models import Member, MemberInterestTag, WechatIdentity
from domain.notifications.models import Notification
from domain.points.models import LedgerEntry, PointsAccount
from domain.posts.models import Comment, Post, PostLike, ShareDraft
from domain.privacy.request_models import DataExport, ExportStatus
from domain.purchases.models import Purchase
from domain.referrals.models import Referral
from domain.rewards.models import Redemption

EXPORT_TASK = "build_data_export"
KEPT_FOR = timedelta(hours=24)
# A build not done by then was lost (a worker stopped, a kick dropped): the member may ask again.
STALE_AFTER = timedelta(minutes=15)
log = logging.getLogger("linli.privacy")

Rows = list[dict[str, Any]]

# Every category the archive holds, in the order the JSON lists them; each is also a CSV.
CATEGORIES = (
    "profile",
    "posts",
    "comments",
    "likes",
    "votes",
    "points",
    "redemptions",
    "registrations",
    "referrals",
    "purchases",
    "notifications",
    "share_draft",
    "post_views",
)


class ExportInProgressError(DomainError):
    """One export at a time: the one being built is the one to wait for."""

    code = "EXPORT_IN_PROGRESS"

    def __init__(self) -> None:
        super().__init__("你的数据副本正在生成，请稍候")


async def request_data_export(c: Collaborators, member: Member) -> DataExport:
    """Ask for a new copy; the previous ones are dropped (a member has one copy at a time).
    Refused while one is being built, unless that build is older than ``STALE_AFTER``."""
    now = c.clock.now()
    async with atomic():
        await Member.filter(id=member.id).select_for_update().first()  # one request at a time
        building = DataExport.filter(
            member_id=member.id, status=ExportStatus.PENDING, requested_at__gt=now - STALE_AFTER
        )
        if await building.exists():
            raise ExportInProgressError()
        await DataExport.filter(member_id=member.id).delete()
        export = await DataExport.create(member_id=member.id, requested_at=now)
        after_commit(lambda: _kick(c, export.id))
    return export


async def _kick(c: Collaborators, export_id: int) -> None:
    if c.jobs is not None:
        try:
            await c.jobs.kick(EXPORT_TASK, export_id)
            return
        except Exception as error:  # the queue is away: build it here instead
            log.warning("data export %s not queued: %s", export_id, error)
    await build_data_export(export_id, c.clock.now())


async def build_data_export(export_id: int, now: datetime) -> bool:
    """Build a pending export's ZIP; False when there is nothing to build (built already, or
    dropped). Idempotent: a duplicate kick finds it READY and does nothing."""
    export = await DataExport.get_or_none(id=export_id, status=ExportStatus.PENDING)
    if export is None:
        return False
    try:
        archive = zip_archive(await collect_member_data(export.member_id), now)
    except Exception:
        log.exception("data export %s failed", export_id)
        await DataExport.filter(id=export_id).update(status=ExportStatus.FAILED)
        return False
    done = await DataExport.filter(id=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.READY,
        archive=archive,
        size_bytes=len(archive),
        ready_at=now,
        expires_at=now + KEPT_FOR,
    )
    return done == 1


async def latest_export(member_id: int) -> DataExport | None:
    """The member's latest export, without its archive (status pages poll this)."""
    return (
        await DataExport.filter(member_id=member_id)
        .order_by("-id")
        .only("id", "member_id", "status", "size_bytes", "requested_at", "ready_at", "expires_at")
        .first()
    )


def is_expired(export: DataExport, now: datetime) -> bool:
    return export.expires_at is not None and export.expires_at <= now


async def export_archive(member: Member, export_id: int, now: datetime) -> tuple[str, bytes]:
    """(file name, ZIP) of the member's own ready export; not found for anyone else's, one not
    built yet, or one past its 24 hours."""
    export = await DataExport.get_or_none(
        id=export_id, member_id=member.id, status=ExportStatus.READY
    )
    if export is None or export.archive is None or is_expired(export, now):
        raise NotFoundError()
    assert export.ready_at is not None  # set with READY
    return f"linli-data-{export.ready_at:%Y%m%d}.zip", bytes(export.archive)


async def drop_expired_exports(now: datetime) -> int:
    """Archives past their 24 hours are deleted (the row stays: its status says expired)."""
    return await DataExport.filter(expires_at__lte=now, archive__isnull=False).update(archive=None)


# ---- what the archive holds ----


async def collect_member_data(member_id: int) -> dict[str, Rows]:
    """Every category of ``CATEGORIES`` for one member, rows of JSON-safe values."""
    return {
        "profile": await _profile(member_id),
        "posts": await _rows(
            Post.filter(author_id=member_id),
            "id", "kind", "title", "body", "status", "group_id", "like_count", "comment_count",
            "created_at", "published_at",
        ),
        "comments": await _rows(
            Comment.filter(author_id=member_id), "id", "post_id", "body", "hidden", "created_at"
        ),
        "likes": await _rows(PostLike.filter(member_id=member_id), "post_id", "created_at"),
        "votes": await _rows(
            Vote.filter(member_id=member_id), "campaign_id", "entry_id", "entry__title",
            "created_at",
        ),
        "points": await _rows(
            LedgerEntry.filter(member_id=member_id), "id", "amount", "balance_after", "pending",
            "reason", "description", "expires_at", "available_at", "created_at",
        ),
        "redemptions": await _rows(
            Redemption.filter(member_id=member_id), "id", "reward_id", "reward__name",
            "quantity", "points_spent", "status", "pickup_code", "created_at", "fulfilled_at",
            "cancelled_at",
        ),
        "registrations": await _rows(
            EventRegistration.filter(member_id=member_id), "id", "event_id", "event__title",
            "event__starts_at", "status", "waitlist_position", "created_at", "checked_in_at",
            "cancelled_at",
        ),
        "referrals": await _referrals(member_id),
        "purchases": await _rows(
            Purchase.filter(member_id=member_id), "order_id", "amount_cents", "purchased_at",
            "items", "source",
        ),
        "notifications": await _rows(
            Notification.filter(recipient_id=member_id), "id", "kind", "subject_type",
            "subject_id", "params", "created_at", "read_at",
        ),
        # What they typed into the share form and have not submitted yet.
        "share_draft": await _rows(
            ShareDraft.filter(member_id=member_id), "content", "updated_at"
        ),
        # The posts they were recorded as having seen (the first time each day, and how), for
        # as long as those records are kept; after that only anonymous counts per post remain.
        "post_views": await _rows(
            PostExposure.filter(member_id=member_id).order_by("seen_at", "id"), "post_id",
            "post__title", "day", "source", "seen_at",
        ),
    }  # fmt: skip


async def _profile(member_id: int) -> Rows:
    rows = await _rows(
        Member.filter(id=member_id), "id", "phone", "display_name", "avatar_url", "estate__name",
        "roles", "invite_code", "consent_version", "consented_at", "tier", "shown_badge",
        "created_at", "last_seen_at",
    )  # fmt: skip
    if not rows:
        return []
    profile = rows[0]
    profile["interest_tags"] = await column(
        MemberInterestTag.filter(member_id=member_id).order_by("id"), "tag__name"
    )
    profile["wechat_openids"] = await column(WechatIdentity.filter(member_id=member_id), "openid")
    profile["badges"] = await column(
        BadgeAward.filter(member_id=member_id, revoked_at__isnull=True), "code"
    )
    balance = await column(PointsAccount.filter(member_id=member_id), "balance")
    profile["points_balance"] = int(balance[0]) if balance else 0
    return [profile]


async def _referrals(member_id: int) -> Rows:
    fields = ("referrer_id", "invitee_id", "status", "created_at", "rewarded_at")
    invited = await _rows(Referral.filter(referrer_id=member_id).order_by("id"), *fields)
    invited_by = await _rows(Referral.filter(invitee_id=member_id), *fields)
    return [{"role": "referrer", **r} for r in invited] + [
        {"role": "invitee", **r} for r in invited_by
    ]


async def _rows(query: Any, *fields: str) -> Rows:
    found: Rows = await query.values(*fields)
    return [
        {name.replace("__", "_"): _plain(value) for name, value in row.items()} for row in found
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def zip_archive(data: dict[str, Rows], now: datetime) -> bytes:
    """``linli-data.json`` with every category, and ``<category>.csv`` for each (a header row
    even when the category is empty)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        everything = {"exported_at": now.isoformat(), **{k: data[k] for k in CATEGORIES}}
        archive.writestr("linli-data.json", json.dumps(everything, ensure_ascii=False, indent=2))
        for category in CATEGORIES:
            archive.writestr(f"{category}.csv", _csv(data[category]))
    return buffer.getvalue()


def _csv(rows: Rows) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(out)
    writer.writerow(columns or ["(无记录)"])
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    # A cell a spreadsheet would run as a formula is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
